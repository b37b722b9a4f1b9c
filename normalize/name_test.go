package normalize

import "testing"

func TestNames_SplitFullName(t *testing.T) {
	cases := []struct{ full, first, last string }{
		{"John Smith", "John", "Smith"},
		{"  John   Smith ", "John", "Smith"},
		{"Smith, John", "John", "Smith"},
		{"Smith, John A.", "John", "Smith"},
		{"Dr. John A. Smith Jr.", "John", "Smith"},
		{"Rt. Hon. Jane Doe", "Jane", "Doe"},
		{"The Right Honourable Jane Doe", "Jane", "Doe"},
		{"Baroness Jane Doe", "Jane", "Doe"},
		{"JOHN SMITH 1ST", "John", "Smith"},
		{"John Smith 3rd", "John", "Smith"},
		{"He Wei", "He", "Wei"},
		{"John Smith, Jr.", "John", "Smith"},
		{"John Smith, PhD, MBA", "John", "Smith"},
		{"Smith, John, PhD", "John", "Smith"},
		{"Mary-Jane O'Neil", "Mary-Jane", "O'Neil"},
		{"Ludwig van Beethoven", "Ludwig", "van Beethoven"},
		{"Vincent van der Berg", "Vincent", "van der Berg"},
		{"María de la Cruz", "María", "de la Cruz"},
		{"Ana Paula da Silva", "Ana", "da Silva"},
		{"José María García López", "José María", "García López"},
		{"John Michael Smith", "John", "Smith"},
		{"J. Robert Smith", "Robert", "Smith"},
		{"J. Smith", "J.", "Smith"},
		{"李 明", "明", "李"},
		{"李明", "明", "李"},
		{"山田 太郎", "太郎", "山田"},
		{"김 민준", "민준", "김"},
		{"Prof. Dr. Hans Müller", "Hans", "Müller"},
		{"Dr. med. Anna Schmidt", "Anna", "Schmidt"},
		{"Herr Klaus Weber", "Klaus", "Weber"},
		{"Frau Petra Klein", "Petra", "Klein"},
		{"Mme Sophie Martin", "Sophie", "Martin"},
		{"M. Jean Dupont", "Jean", "Dupont"},
		{"Sra. Lucía Fernández", "Lucía", "Fernández"},
		{"Mr. Robert Downey Jr.", "Robert", "Downey"},
		{"Martin Luther King III", "Martin", "King"},
		{"Jane Doe MD", "Jane", "Doe"},
		{"Mrs Smith", "", "Smith"},
		{"Madonna", "Madonna", ""},
		{"Mohammed Al Fayed", "Mohammed", "Al Fayed"},
	}
	for _, c := range cases {
		got := Names("", "", c.full)
		if got.First != c.first || got.Last != c.last {
			t.Errorf("Names(full=%q) = %q / %q, want %q / %q", c.full, got.First, got.Last, c.first, c.last)
		}
		if got.OK != (c.first != "" && c.last != "") {
			t.Errorf("Names(full=%q).OK = %v", c.full, got.OK)
		}
	}
}

func TestNames_CasingOnlyForAllCapsOrAllLower(t *testing.T) {
	cases := []struct{ first, last, full, wantFirst, wantLast string }{
		{"JOHN", "SMITH", "", "John", "Smith"},
		{"john", "smith", "", "John", "Smith"},
		{"", "", "PATRICK O'BRIEN", "Patrick", "O'Brien"},
		{"", "", "ronald mcdonald", "Ronald", "McDonald"},
		{"", "", "DOUGLAS MACARTHUR", "Douglas", "MacArthur"},
		{"", "", "connie mack", "Connie", "Mack"},
		{"", "", "WILLIAM MACY", "William", "Macy"},
		{"", "", "ana machado", "Ana", "Machado"},
		{"", "", "PIETER VAN DER BERG", "Pieter", "van der Berg"},
		{"", "", "juan de la cruz", "Juan", "de la Cruz"},
		{"", "", "charles d'artagnan", "Charles", "d'Artagnan"},
		{"", "", "JEAN-LUC PICARD", "Jean-Luc", "Picard"},
		{"", "", "ANTHONY D'ANGELO", "Anthony", "D'Angelo"},
		{"", "", "LE MINH", "Le", "Minh"},
		{"", "VAN DER BERG", "", "", "Van der Berg"},
		{"ÉLODIE", "LÉVÊQUE", "", "Élodie", "Lévêque"},
		{"", "", "SMITH, JOHN", "John", "Smith"},
		{"DeShawn", "McDonald", "", "DeShawn", "McDonald"},
		{"Mary Ann", "van Dyke", "", "Mary Ann", "van Dyke"},
		{"  Jane ", " Doe  ", "", "Jane", "Doe"},
		{"", "", "j.r.r. tolkien", "J.R.R.", "Tolkien"},
	}
	for _, c := range cases {
		got := Names(c.first, c.last, c.full)
		if got.First != c.wantFirst || got.Last != c.wantLast {
			t.Errorf("Names(%q, %q, %q) = %q / %q, want %q / %q", c.first, c.last, c.full, got.First, got.Last, c.wantFirst, c.wantLast)
		}
	}
}

func TestNames_FieldsWinOverFullAndFillGaps(t *testing.T) {
	cases := []struct{ first, last, full, wantFirst, wantLast string }{
		{"Jon", "Smith", "Jonathan Smith", "Jon", "Smith"},
		{"John", "", "John Smith", "John", "Smith"},
		{"", "Smith", "John Smith", "John", "Smith"},
		{"N/A", "Smith", "John Smith", "John", "Smith"},
		{"John Smith", "", "", "John", "Smith"},
		{"Dr. John", "Smith Jr.", "", "John", "Smith"},
		{"John A.", "Smith", "", "John", "Smith"},
		{"", "", "", "", ""},
		{"-", "null", "n/a", "", ""},
		{"jane@acme.com", "", "jane.doe@acme.com", "", ""},
	}
	for _, c := range cases {
		got := Names(c.first, c.last, c.full)
		if got.First != c.wantFirst || got.Last != c.wantLast {
			t.Errorf("Names(%q, %q, %q) = %q / %q, want %q / %q", c.first, c.last, c.full, got.First, got.Last, c.wantFirst, c.wantLast)
		}
	}
}

func TestNames_MatchKeysFoldAccentsAndDropNonLetters(t *testing.T) {
	cases := []struct{ first, last, firstKey, lastKey string }{
		{"José", "García-López", "jose", "garcialopez"},
		{"Jürgen", "Großmann", "jurgen", "grossmann"},
		{"Søren", "Kierkegaard", "soren", "kierkegaard"},
		{"Łukasz", "Wałęsa", "lukasz", "walesa"},
		{"Mary-Jane", "O'Neil", "maryjane", "oneil"},
		{"Pieter", "van der Berg", "pieter", "vanderberg"},
		{"JOHN", "SMITH", "john", "smith"},
		{"Zoë", "Brontë", "zoe", "bronte"},
		{"明", "李", "明", "李"},
	}
	for _, c := range cases {
		got := Names(c.first, c.last, "")
		if got.FirstKey != c.firstKey || got.LastKey != c.lastKey || !got.OK {
			t.Errorf("Names(%q, %q) keys = %q / %q ok=%v, want %q / %q", c.first, c.last, got.FirstKey, got.LastKey, got.OK, c.firstKey, c.lastKey)
		}
	}
}

func BenchmarkNames(b *testing.B) {
	inputs := [][3]string{{"", "", "Dr. John A. Smith Jr."}, {"JOHN", "O'BRIEN", ""}, {"", "", "Ludwig van Beethoven"}, {"José", "García", ""}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		in := inputs[i%len(inputs)]
		Names(in[0], in[1], in[2])
	}
}

func FuzzName(f *testing.F) {
	for _, s := range []string{"Dr. John A. Smith Jr.", "Smith, John", "李 明", "MARY-JANE O'NEIL", "d'", "mac", ", ,", "M. X"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Names("", "", s)
		if r.OK && (r.First == "" || r.Last == "") {
			t.Fatalf("Names(full=%q) = %+v", s, r)
		}
		Names(s, s, "")
		Names(s, "", s)
	})
}

// TestNames_CachedFieldsSameAsNames runs name triples through one
// Normalizer's field cache, in two orders, so that a field first seen alone
// is later met beside a full name that must still fill the gaps.
func TestNames_CachedFieldsSameAsNames(t *testing.T) {
	in := [][3]string{
		{"John", "Smith", ""}, {"JOHN", "SMITH", ""}, {"John", "", "John Smith"}, {"", "Smith", "Dr. Jane Smith"},
		{"John Smith", "", ""}, {"John Smith", "", "Smith, John"}, {"", "", "Ludwig van Beethoven"},
		{"Dr.", "Smith", ""}, {"n/a", "Müller", "Hans Müller"}, {"José María", "García López", ""},
		{"anna@acme.com", "Schmidt", "Anna Schmidt"}, {"李", "明", ""}, {"", "", ""}, {"John", "Smith Jr.", ""},
	}
	var nc nameCache
	nc.first.max, nc.last.max = 4, 4 // small: the caches also start over
	for round := 0; round < 2; round++ {
		for i := range in {
			c := in[i]
			if round == 1 {
				c = in[len(in)-1-i]
			}
			if got, want := namesWith(c[0], c[1], c[2], &nc), Names(c[0], c[1], c[2]); got != want {
				t.Errorf("namesWith%q = %+v, Names gives %+v", c, got, want)
			}
		}
	}
}

// An ordinal in the surname field is not part of the surname's key.
func TestNames_OrdinalInLastNameField(t *testing.T) {
	got := Names("John", "Smith 1St", "")
	if got.Last != "Smith" || got.LastKey != "smith" {
		t.Errorf("Names(John, Smith 1St) = %+v, want Smith / smith", got)
	}
}
