package normalize

import "testing"

func TestEmployees_CountsRangesAndBounds(t *testing.T) {
	cases := []struct {
		raw   string
		count int64
		band  string
	}{
		{"1", 1, "1-10"},
		{"10", 10, "1-10"},
		{"11", 11, "11-50"},
		{"50", 50, "11-50"},
		{"51", 51, "51-200"},
		{"200", 200, "51-200"},
		{"201", 201, "201-500"},
		{"500", 500, "201-500"},
		{"501", 501, "501-1000"},
		{"1000", 1000, "501-1000"},
		{"1001", 1001, "1001-5000"},
		{"5000", 5000, "1001-5000"},
		{"5001", 5001, "5001-10000"},
		{"10000", 10000, "5001-10000"},
		{"10001", 10001, "10001+"},
		{"1,200", 1200, "1001-5000"},
		{"1.200", 1200, "1001-5000"},
		{"12.000", 12000, "10001+"},
		{"1 200", 1200, "1001-5000"},
		{"250000", 250000, "10001+"},
		{"approx. 500", 500, "201-500"},
		{"about 75", 75, "51-200"},
		{"~40", 40, "11-50"},
		{"500 employees", 500, "201-500"},
		{"ca. 250 Mitarbeiter", 250, "201-500"},
		{"85 Beschäftigte", 85, "51-200"},
		{"30 people", 30, "11-50"},
		{"120 FTE", 120, "51-200"},
		{"1.5k", 1500, "1001-5000"},
		{"2,5k", 2500, "1001-5000"},
		{"3K", 3000, "1001-5000"},
		{"1-10", 6, "1-10"},
		{"2-10", 6, "1-10"},
		{"11-50", 31, "11-50"},
		{"51-200", 126, "51-200"},
		{"201-500", 351, "201-500"},
		{"501-1,000", 751, "501-1000"},
		{"1,001-5,000", 3001, "1001-5000"},
		{"5,001 - 10,000", 7501, "5001-10000"},
		{"10 to 50", 30, "11-50"},
		{"between 100 and 250 employees", 175, "51-200"},
		{"1k-5k", 3000, "1001-5000"},
		{"10k+", 10001, "10001+"},
		{"10K+", 10001, "10001+"},
		{"10.000+", 10001, "10001+"},
		{"10,000+ employees", 10001, "10001+"},
		{"10,001+", 10002, "10001+"},
		{"5000+", 5001, "5001-10000"},
		{"500+ employees", 501, "501-1000"},
		{"over 1000", 1001, "1001-5000"},
		{"at least 1000", 1000, "501-1000"},
		{">= 200", 200, "51-200"},
		{"min. 50", 50, "11-50"},
		{"more than 50", 51, "51-200"},
		{"> 200", 201, "201-500"},
		{"< 10", 5, "1-10"},
		{"<1", 1, "1-10"},
		{"under 50", 25, "11-50"},
		{"fewer than 20 staff", 10, "1-10"},
		{"2,5 Tsd. Mitarbeiter", 2500, "1001-5000"},
	}
	for _, c := range cases {
		got := Employees(c.raw)
		if !got.OK || got.Count != c.count || got.Band != c.band {
			t.Errorf("Employees(%q) = %+v, want %d %q", c.raw, got, c.count, c.band)
		}
	}
}

func TestEmployees_EmptyAndUnparsed(t *testing.T) {
	for _, raw := range []string{"", " ", "N/A", "-", "unknown", "n.a."} {
		if got := Employees(raw); !got.Empty || got.OK {
			t.Errorf("Employees(%q) = %+v, want Empty", raw, got)
		}
	}
	for _, raw := range []string{
		"0", "0.4", "lots", "$500", "500 EUR", "50-10", "1-2-3", "20000000", "self", "10 20", "-5", "Q3", "1.2.3",
	} {
		if got := Employees(raw); got.OK || got.Empty {
			t.Errorf("Employees(%q) = %+v, want unparsed", raw, got)
		}
	}
}

func TestEmployeeBand_Edges(t *testing.T) {
	cases := map[int64]string{
		-1: "", 0: "", 1: "1-10", 10: "1-10", 11: "11-50", 50: "11-50", 51: "51-200", 200: "51-200",
		201: "201-500", 500: "201-500", 501: "501-1000", 1000: "501-1000", 1001: "1001-5000",
		5000: "1001-5000", 5001: "5001-10000", 10000: "5001-10000", 10001: "10001+", 1 << 40: "10001+",
	}
	for n, want := range cases {
		if got := EmployeeBand(n); got != want {
			t.Errorf("EmployeeBand(%d) = %q, want %q", n, got, want)
		}
	}
}

func BenchmarkEmployees(b *testing.B) {
	inputs := []string{"51-200", "1,200", "approx. 500", "10k+", "< 10", "ca. 250 Mitarbeiter"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Employees(inputs[i%len(inputs)])
	}
}

func FuzzEmployees(f *testing.F) {
	for _, s := range []string{"51-200", "1.200", "10k+", "< 10", "ca. 250 Mitarbeiter", "0", "1e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := Employees(s)
		if r.OK && (r.Count < 1 || r.Band == "" || r.Empty) {
			t.Fatalf("Employees(%q) = %+v", s, r)
		}
	})
}
