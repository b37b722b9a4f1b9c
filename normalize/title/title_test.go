package title

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

func TestTitle_RealWorldTitles(t *testing.T) {
	if len(titleCases) < 200 {
		t.Fatalf("only %d title cases; the table is meant to pin at least 200", len(titleCases))
	}
	for _, c := range titleCases {
		got := Parse(c.raw)
		if !got.OK || got.Norm != c.norm || got.Seniority != c.seniority || got.Function != c.function {
			t.Errorf("Parse(%q) = {%q %q %q OK=%v}, want {%q %q %q OK=true}",
				c.raw, got.Norm, got.Seniority, got.Function, got.OK, c.norm, c.seniority, c.function)
		}
	}
}

func TestTitle_WordOrderAndPunctuationReadAlike(t *testing.T) {
	groups := [][]string{
		{"Vice President of Sales", "Sales, VP of", "VP - Sales", "VP, Sales", "VP Sales", "V.P. Sales", "vp   SALES", "VP Sales at Acme", "VP Sales @Acme"},
		{"Director of Marketing", "Marketing, Director of", "Director - Marketing", "Dir. Marketing", "Director, Marketing"},
		{"Head of Engineering", "Head of Eng", "Head of Engineering at Acme Inc."},
	}
	for _, g := range groups {
		want := Parse(g[0])
		for _, raw := range g[1:] {
			if got := Parse(raw); got != want {
				t.Errorf("Parse(%q) = %+v, want the same as %q: %+v", raw, got, g[0], want)
			}
		}
	}
}

func TestTitle_MultiRoleTakesHighestSeniorityAndMostSpecificFunction(t *testing.T) {
	cases := []struct{ raw, seniority, function string }{
		{"Founder & CEO", "c_level", "executive"},
		{"CEO/Founder", "c_level", "executive"},
		{"Co-Founder and CTO", "c_level", "engineering"},
		{"Founder, Head of Growth", "c_level", "marketing"},
		{"Sales Manager / Marketing Director", "director", "marketing"},
		{"Account Executive & Team Lead", "manager", "sales"},
		{"Owner & Principal Designer", "c_level", "executive"},
		{"Vorstand und Geschäftsführer", "c_level", "executive"},
		{"Fundador y Director de Tecnología", "c_level", "engineering"},
	}
	for _, c := range cases {
		got := Parse(c.raw)
		if got.Seniority != c.seniority || got.Function != c.function {
			t.Errorf("Parse(%q) = %q/%q, want %q/%q", c.raw, got.Seniority, got.Function, c.seniority, c.function)
		}
	}
}

func TestTitle_LevelWordsOnlyCountWhereTheyNameTheRole(t *testing.T) {
	cases := []struct{ raw, seniority, function string }{
		{"Partner Manager", "manager", "sales"}, // not a partner of the firm
		{"Partner Marketing Manager", "manager", "marketing"},
		{"Product Owner", "other", "product"},      // not an owner of the company
		{"Assistant to the CEO", "entry", "other"}, // the CEO is somebody else
		{"Chief of Staff to the CEO", "director", "executive"},
		{"Assistenz der Geschäftsführung", "entry", "other"},
		{"Director's Assistant", "entry", "other"},
		{"Lead Generation Specialist", "other", "marketing"}, // "lead" as in sales leads
		{"Managing Director", "c_level", "executive"},
		{"Director", "director", "other"},
		{"General Manager", "director", "executive"},
		{"Gerente General", "c_level", "executive"},
	}
	for _, c := range cases {
		got := Parse(c.raw)
		if got.Seniority != c.seniority || got.Function != c.function {
			t.Errorf("Parse(%q) = %q/%q, want %q/%q", c.raw, got.Seniority, got.Function, c.seniority, c.function)
		}
	}
}

func TestTitle_EmployerTagsAndDecorationAreDropped(t *testing.T) {
	cases := []struct{ raw, norm string }{
		{"VP Sales at Acme", "vice president sales"},
		{"Head of Sales bei Acme GmbH", "head of sales"},
		{"Directeur commercial chez Acme", "directeur commercial"},
		{"Marketing Manager | Acme Inc.", "marketing manager"},
		{"Key Account Manager (m/w/d)", "key account manager"},
		{"Vertriebsleiter (w/m/d)", "vertriebsleiter"},
		{"Chef de projet H/F", "chef de projet"},
		{"CEO (she/her)", "chief executive officer"},
		{"⭐️ CEO ⭐️", "chief executive officer"},
		{"Director's Assistant", "director assistant"},
	}
	for _, c := range cases {
		if got := Parse(c.raw); got.Norm != c.norm {
			t.Errorf("Parse(%q).Norm = %q, want %q", c.raw, got.Norm, c.norm)
		}
	}
}

func TestTitle_PlaceholdersAreEmptyNotUnparsed(t *testing.T) {
	for _, raw := range []string{"", "   ", "N/A", "n.a.", "-", "--", "none", "NULL", "unknown", "?", "#N/A", "!!!", "🚀🚀🚀"} {
		if got := Parse(raw); got != (Result{Empty: true}) {
			t.Errorf("Parse(%q) = %+v, want Empty only", raw, got)
		}
	}
}

func TestTitle_GarbageIsNotOK(t *testing.T) {
	cases := []struct{ raw, norm string }{
		{"asdf", "asdf"}, // kept: it may be a real title the vocabulary lacks
		{"xxx", "xxx"},
		{"Mr.", "mr"},
		{"12345", ""},
		{"(m/w/d)", ""},
		{"@Acme", "acme"}, // no title before the "@", so nothing to cut it from
	}
	for _, c := range cases {
		got := Parse(c.raw)
		if got.OK || got.Empty || got.Seniority != "" || got.Function != "" || got.Norm != c.norm {
			t.Errorf("Parse(%q) = %+v, want not OK with Norm %q", c.raw, got, c.norm)
		}
	}
}

func TestTitle_LongInputIsCutAtARuneBoundary(t *testing.T) {
	raw := "VP Sales " + strings.Repeat("é", 400)
	got := Parse(raw)
	if !got.OK || got.Seniority != "vp" || !utf8.ValidString(got.Norm) || len(got.Norm) > titleMaxInput+40 {
		t.Errorf("Parse(long) = %+v", got)
	}
}

func TestTitle_ValuesComeFromTheDocumentedSets(t *testing.T) {
	sen, fn := Seniorities(), Functions()
	for _, c := range titleCases {
		got := Parse(c.raw)
		if !slices.Contains(sen, got.Seniority) || !slices.Contains(fn, got.Function) {
			t.Errorf("Parse(%q) = %q/%q: not in the documented sets", c.raw, got.Seniority, got.Function)
		}
	}
}

func TestTitle_ConcurrentCallsAgree(t *testing.T) {
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, c := range titleCases {
				if got := Parse(c.raw); got.Norm != c.norm || got.Seniority != c.seniority {
					t.Errorf("concurrent Parse(%q) = %+v", c.raw, got)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// titleBenchInputs mixes the shapes seen in exports: short English titles,
// abbreviations, multi-role, foreign-language, decorated and garbage values.
var titleBenchInputs = []string{
	"Sr. VP Mktg", "Software Engineer", "Founder & CEO", "Head of Sales EMEA", "Vertriebsleiter (m/w/d)",
	"Directeur commercial chez Acme", "Marketing Manager", "Account Executive", "Gerente de Marketing",
	"VP, Customer Success", "Senior Data Scientist", "asdf", "Co-Founder and CTO", "HR Business Partner",
}

func BenchmarkTitle(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Parse(titleBenchInputs[i%len(titleBenchInputs)])
	}
}

func FuzzTitle(f *testing.F) {
	for _, s := range titleBenchInputs {
		f.Add(s)
	}
	for _, s := range []string{"", "R&D", "V.P.", "a/b/c", "-x-", "Ä-ö-ü", "\xff\xfe", "and and and", "at", "@", "co-", "'s"} {
		f.Add(s)
	}
	sen, fn := Seniorities(), Functions()
	f.Fuzz(func(t *testing.T, s string) {
		r := Parse(s)
		if r.OK != (r.Seniority != "") || r.OK != (r.Function != "") {
			t.Fatalf("Parse(%q) = %+v: OK disagrees with the fields", s, r)
		}
		if r.OK && (!slices.Contains(sen, r.Seniority) || !slices.Contains(fn, r.Function)) {
			t.Fatalf("Parse(%q) = %+v: value outside the documented sets", s, r)
		}
		if r.Empty && (r.OK || r.Norm != "") {
			t.Fatalf("Parse(%q) = %+v: Empty with content", s, r)
		}
		if r.Norm != strings.TrimSpace(r.Norm) || strings.Contains(r.Norm, "  ") {
			t.Fatalf("Parse(%q).Norm = %q: untrimmed or double space", s, r.Norm)
		}
		if utf8.ValidString(s) && !utf8.ValidString(r.Norm) {
			t.Fatalf("Parse(%q).Norm = %q: invalid UTF-8", s, r.Norm)
		}
	})
}
