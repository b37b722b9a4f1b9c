package industry

import (
	"math/rand"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/leadsmith/leadsmith/normalize/internal/fold"
)

func TestIndustry_CRMValues(t *testing.T) {
	if len(industryCases) < 100 {
		t.Fatalf("only %d industry cases; the table is meant to pin at least 100", len(industryCases))
	}
	for _, c := range industryCases {
		got := Parse(c.raw)
		if got.Name != c.name || got.OK != (c.name != "") || got.Empty {
			t.Errorf("Parse(%q) = %+v, want %q", c.raw, got, c.name)
		}
	}
}

func TestIndustry_MisspellingsMatchBelowFullConfidence(t *testing.T) {
	cases := []struct{ raw, name string }{
		{"Computer Sofware", "Computer Software"},
		{"Telecomunications", "Telecommunications"},
		{"Hosptial & Health Care", "Hospital & Health Care"},
		{"Health Care Hosptial", "Hospital & Health Care"},
		{"Finacial Services", "Financial Services"},
		{"Markting and Advertising", "Marketing and Advertising"},
		{"Computersofware", "Computer Software"}, // a lost space and a typo
	}
	for _, c := range cases {
		got := Parse(c.raw)
		if got.Name != c.name || !got.OK || got.Confidence >= 1 || got.Confidence < ConfidenceFloor {
			t.Errorf("Parse(%q) = %+v, want %q with a fuzzy confidence", c.raw, got, c.name)
		}
	}
}

func TestIndustry_NamesAliasesAndFoldingHaveFullConfidence(t *testing.T) {
	for _, raw := range []string{"Computer Software", "COMPUTER_SOFTWARE", "  computer   software. ", "SaaS",
		"Hospital and Health Care", "health-care", "Oil and Gas Industry", "Automobilindustrie", "Santé", "I.T."} {
		if got := Parse(raw); !got.OK || got.Confidence != 1 {
			t.Errorf("Parse(%q) = %+v, want an exact match", raw, got)
		}
	}
}

func TestIndustry_PlaceholdersAreEmptyNotUnmatched(t *testing.T) {
	for _, raw := range []string{"", "  ", "N/A", "n/a", "-", "--", "none", "None", "unknown", "NULL", "#N/A", "?"} {
		if !IsNull(raw) {
			t.Errorf("IsNull(%q) = false", raw)
		}
		if got := Parse(raw); got != (Result{Empty: true}) {
			t.Errorf("Parse(%q) = %+v, want Empty only", raw, got)
		}
	}
	for _, raw := range []string{"Other", "asdf", "12345", "Retail"} {
		if IsNull(raw) {
			t.Errorf("IsNull(%q) = true, want false: it is a value", raw)
		}
	}
}

func TestIndustry_ContainedNameNeedsToExplainMostOfTheValue(t *testing.T) {
	cases := []struct{ raw, name string }{
		{"Oil & Gas Services", "Oil & Energy"},               // services is filler
		{"Healthcare - Hospitals", "Hospital & Health Care"}, // both words are its aliases
		{"SaaS / Cloud Software", "Computer Software"},
		{"Banques et assurances", ""}, // two industries, neither explains enough
		{"Marine biology", ""},
		{"Beauty salon", ""},
	}
	for _, c := range cases {
		if got := Parse(c.raw); got.Name != c.name {
			t.Errorf("Parse(%q) = %+v, want %q", c.raw, got, c.name)
		}
	}
}

// TestIndustry_FloorSeparatesTyposFromOtherWords re-measures the figures
// ConfidenceFloor is set from: one-letter typos of every name must
// almost all match their own industry, and ordinary words must not.
func TestIndustry_FloorSeparatesTyposFromOtherWords(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	total, right, wrong := 0, 0, 0
	for _, name := range Names() {
		k := fold.Key(name)
		if len(k) < 6 {
			continue
		}
		for rep := 0; rep < 8; rep++ {
			b := []byte(k)
			p := 1 + rng.Intn(len(b)-2)
			switch rep % 4 {
			case 0:
				b = append(b[:p], b[p+1:]...)
			case 1:
				b[p], b[p+1] = b[p+1], b[p]
			case 2:
				b[p] = byte('a' + rng.Intn(26))
			case 3:
				b = append(b[:p], append([]byte{byte('a' + rng.Intn(26))}, b[p:]...)...)
			}
			got := Parse(string(b))
			if got.Confidence == 1 {
				continue // the typo is another alias or folds away
			}
			total++
			switch {
			case got.Name == name:
				right++
			case got.OK:
				wrong++
				t.Logf("typo %q -> %q %.3f", b, got.Name, got.Confidence)
			}
		}
	}
	// a typo can land nearer another name ("babking" is one letter from
	// Banking and from the alias Baking), but rarely
	if recall := float64(right) / float64(total); recall < 0.97 || wrong*100 > total {
		t.Errorf("typos: %d/%d (%.3f) matched their industry, %d another; want >= 0.97 and under 1%%", right, total, recall, wrong)
	}
	others := strings.Fields("Rental Security Services Other Misc Miscellaneous Various General Business Company Private " +
		"Personal Consumer Commercial Professional Random Test Testing Sample Example Customer Prospect Partner Vendor " +
		"Supplier Reseller Startup Enterprise SMB Student Retired Individual Household Home Garden Pets Animals Barber " +
		"Cleaning Plumbing Electrician Carpentry Landscaping Real Medicine Relax Insulation Insourcing Flooring Roofing " +
		"Paving Pottery Poultry Bottling Brewing Gardening Wedding Funeral Dating Parking Tattoo Laundry Locksmith Moving " +
		"Mortgage Crypto Blockchain Robots Drones Banana Surfing Knitting Astrology")
	others = append(others, "Pet grooming", "Hello world", "Small business", "Government contractor", "Beauty salon",
		"Estate agent", "Marine biology", "Mineral water", "Media buying", "Mining rigs", "Payday loans", "Chess club")
	// one letter from a real name: no string measure can tell these from a
	// typo, and they are the price of the typos the floor lets through
	others = append(others, "Retain", "Minting", "Painting")
	var matched []string
	for _, s := range others {
		if got := Parse(s); got.OK && got.Confidence < 1 {
			matched = append(matched, s+" -> "+got.Name)
		}
	}
	if len(matched) > 3 {
		t.Errorf("%d of %d non-industries matched, want at most 3: %v", len(matched), len(others), matched)
	}
}

var industryNAICSSectors = []string{"11", "21", "22", "23", "31", "42", "44", "48", "51", "52", "53", "54", "55", "56",
	"61", "62", "71", "72", "81", "92"}

func TestIndustryNames_TaxonomyIsWellFormed(t *testing.T) {
	names := Names()
	if len(names) < 140 || len(names) > 170 {
		t.Errorf("%d industries, want about 150", len(names))
	}
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			t.Errorf("%q listed twice", n)
		}
		seen[n] = true
		got := Parse(n)
		if got.Name != n || got.Confidence != 1 {
			t.Errorf("Parse(%q) = %+v, want itself", n, got)
		}
		if !slices.Contains(industryNAICSSectors, got.NAICS) {
			t.Errorf("%q: NAICS sector %q is not a NAICS 2022 sector", n, got.NAICS)
		}
	}
	names[0] = "changed"
	if Names()[0] == "changed" {
		t.Error("Names shares its slice with the table")
	}
}

func TestIndustryLoad_RejectsAmbiguousOrMalformedFiles(t *testing.T) {
	bad := map[string]string{
		"alias of two industries": "name,naics_sector,aliases\nBanking,52,Finance\nFinancial Services,52,Finance\n",
		"folded duplicate":        "name,naics_sector,aliases\nOil & Energy,21,\nOil and Energy,21,\n",
		"sector not two digits":   "name,naics_sector,aliases\nRetail,44-45,\n",
		"missing column":          "name,naics_sector,aliases\nRetail,44\n",
		"no header":               "Retail,44,Shops\n",
		"alias of noise words":    "name,naics_sector,aliases\nRetail,44,The Industry\n",
	}
	for what, text := range bad {
		if _, err := industryLoad(text); err == nil {
			t.Errorf("%s: industryLoad accepted it", what)
		}
	}
	if _, err := industryLoad("# comment\nname,naics_sector,aliases\nRetail,44,Shops|Stores\n"); err != nil {
		t.Errorf("a good file: %v", err)
	}
}

func TestIndustry_ConcurrentCallsAgree(t *testing.T) {
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, c := range industryCases {
				if got := Parse(c.raw); got.Name != c.name {
					t.Errorf("concurrent Parse(%q) = %+v", c.raw, got)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkIndustryAlias(b *testing.B) {
	in := []string{"Computer Software", "COMPUTER_SOFTWARE", "Hospital & Health Care", "Oil and Gas", "SaaS",
		"Financial Services", "information technology & services", "Automobilindustrie", "Retail", "Non-profit"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Parse(in[i%len(in)])
	}
}

func BenchmarkIndustryFuzzy(b *testing.B) {
	in := []string{"Computer Sofware", "Telecomunications", "Hosptial & Health Care", "Finacial Services", "Insurnace",
		"Healthcare - Hospitals", "Oil & Gas Services", "asdf", "Pet grooming", "Markting and Advertising"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Parse(in[i%len(in)])
	}
}

func FuzzIndustry(f *testing.F) {
	for _, s := range []string{"Computer Software", "Hosptial & Health Care", "N/A", "I.T.", "a b c d e f g h i j k l m n o p",
		"Oil & Gas Services", "Santé", "\xff", "&&&", "1 2 3"} {
		f.Add(s)
	}
	names := Names()
	f.Fuzz(func(t *testing.T, s string) {
		r := Parse(s)
		if r.OK != (r.Name != "") || r.OK != (r.NAICS != "") {
			t.Fatalf("Parse(%q) = %+v: OK disagrees with the fields", s, r)
		}
		if r.OK && (!slices.Contains(names, r.Name) || r.Confidence < ConfidenceFloor || r.Confidence > 1) {
			t.Fatalf("Parse(%q) = %+v", s, r)
		}
		if r.Empty && r.OK {
			t.Fatalf("Parse(%q) = %+v: both Empty and OK", s, r)
		}
	})
}
