package normalize

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unsafe"
)

func TestNormalizer_ApplyCombinesAndRecordsIssues(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	n := New(Options{Now: now})
	tests := []struct {
		name   string
		in     Input
		check  func(o *Output) bool
		issues string
	}{
		{"clean corporate contact",
			Input{FullName: "Dr. Jane Q. Smith", Email: " Jane.Smith@Acme.com ", Phone: "(415) 555-0134", Title: "Sr. VP Mktg",
				Company: "Acme, Inc.", Industry: "Computer Software", Revenue: "$12.5M", Employees: "51-200",
				State: "Calif.", Country: "USA", CreatedAt: "2025-03-11"},
			func(o *Output) bool {
				return o.FirstName == "Jane" && o.LastName == "Smith" && o.EmailNorm == "jane.smith@acme.com" &&
					o.EmailType == "corporate" && o.Seniority == "vp" && o.JobFunction == "marketing" &&
					o.IndustryNorm != "" && o.RevenueBand == "10M-50M" && o.EmployeeBand == "51-200" &&
					o.CountryCode == "US" && o.StateCode == "US-CA" && o.Region == "NA" && o.CompanyKey == "acme" &&
					o.Domain == "acme.com" && o.CreatedAt.Equal(time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC))
			}, ""},
		{"country inferred from state",
			Input{FirstName: "a", LastName: "b", State: "Ontario"},
			func(o *Output) bool { return o.StateCode == "CA-ON" && o.CountryCode == "CA" && o.Region == "NA" }, ""},
		{"unparseable values become null with codes",
			Input{FirstName: "a", LastName: "b", Email: "john at acme", Revenue: "lots", Employees: "many", Country: "Atlantis",
				Industry: "qwertyuiop", CreatedAt: "yesterday", Phone: "12"},
			func(o *Output) bool {
				return o.EmailNorm == "" && o.EmailType == "invalid" && !o.HasRevenue && !o.HasEmployees && o.CountryCode == "" &&
					o.IndustryNorm == "" && o.CreatedAt.IsZero() && o.PhoneE164 == ""
			}, "email_invalid,country_unknown,phone_invalid,industry_unmatched,revenue_unparsed,employees_unparsed,created_at_unparsed"},
		{"null tokens are not issues",
			Input{FirstName: "a", LastName: "b", Email: "N/A", Revenue: "-", Employees: "", Country: "n/a", Industry: "unknown", Title: "N/A"},
			func(o *Output) bool { return o.EmailType == "" && o.CountryCode == "" }, ""},
		{"state outside supported countries is no issue",
			Input{FirstName: "a", LastName: "b", State: "Bayern", Country: "Deutschland"},
			func(o *Output) bool { return o.CountryCode == "DE" && o.StateCode == "" && o.Region == "EMEA" }, ""},
	}
	var out Output
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n.Apply(&tc.in, &out)
			if !tc.check(&out) {
				t.Errorf("output = %+v", out)
			}
			if got := strings.Join(out.Issues, ","); got != tc.issues {
				t.Errorf("issues = %q, want %q", got, tc.issues)
			}
		})
	}
}

// TestNormalizer_CacheKeysDoNotAliasInput pins that cached keys are copies:
// callers pass strings backed by reused buffers.
func TestNormalizer_CacheKeysDoNotAliasInput(t *testing.T) {
	n := New(Options{})
	buf := []byte("Germany")
	s := unsafeString(buf)
	var out Output
	n.Apply(&Input{Country: s}, &out)
	copy(buf, "France!")
	n.Apply(&Input{Country: "Germany"}, &out)
	if out.CountryCode != "DE" {
		t.Fatalf("cache key was aliased: Germany -> %q", out.CountryCode)
	}
}

func BenchmarkNormalizer_Apply(b *testing.B) {
	n := New(Options{Now: time.Now()})
	ins := []Input{
		{FirstName: "Jane", LastName: "Smith", Email: "jane.smith@acme.com", Phone: "+1 415 555 0134", Title: "VP Sales", Company: "Acme Inc", Industry: "SaaS", Revenue: "$12.5M", Employees: "51-200", State: "CA", Country: "USA", CreatedAt: "2025-03-11"},
		{FullName: "Müller, Hans", Email: "h.mueller@gmx.de", Phone: "030/1234567", Title: "Geschäftsführer", Company: "Müller GmbH", Industry: "Maschinenbau", Revenue: "12 Mio. €", Employees: "ca. 250", Country: "Deutschland"},
	}
	var out Output
	for i := 0; i < b.N; i++ {
		n.Apply(&ins[i%len(ins)], &out)
	}
}

func unsafeString(b []byte) string { return unsafe.String(&b[0], len(b)) }

func TestCache_BypassesColumnsThatDoNotRepeat(t *testing.T) {
	calls := 0
	upper := func(s string) string { calls++; return strings.ToUpper(s) }

	var unique cache[string]
	unique.max = 1 << 20
	for i := 0; i < cacheWindow+10; i++ {
		k := fmt.Sprintf("company %d", i)
		if got := unique.get(k, upper); got != strings.ToUpper(k) {
			t.Fatalf("get(%q) = %q", k, got)
		}
	}
	if unique.bypass == 0 || unique.m != nil {
		t.Fatalf("a column of unique values kept its cache (bypass %d, %d entries)", unique.bypass, len(unique.m))
	}

	var repeated cache[string]
	repeated.max = 1 << 20
	calls = 0
	for i := 0; i < 3*cacheWindow; i++ {
		k := fmt.Sprintf("title %d", i%100)
		if got := repeated.get(k, upper); got != strings.ToUpper(k) {
			t.Fatalf("get(%q) = %q", k, got)
		}
	}
	if repeated.bypass != 0 || calls != 100 {
		t.Fatalf("a repeating column: bypass %d, %d computations for 100 values", repeated.bypass, calls)
	}
}
