package enrich

import (
	"fmt"
	"slices"
	"testing"
)

func TestBuildReference_MergesSameCompanyAcrossSources(t *testing.T) {
	rows := []RawAccount{
		// Listed out of trust order: the CRM still wins.
		{Source: "firmo", Priority: 2, ID: "F1", Name: "ACME CORPORATION", Domain: "acme.com", Industry: "Computer Software",
			Employees: "1,200", Revenue: "$250M", Country: "USA", State: "California"},
		{Source: "crm", Priority: 1, ID: "001", Name: "Acme, Inc.", Domain: "https://www.acme.com/", Country: "United States", Tier: "Tier 1"},
		// Same key and country, no domain: merged.
		{Source: "firmo", Priority: 2, ID: "F2", Name: "Bluewave Analytics GmbH", Country: "Germany", Employees: "51-200"},
		{Source: "crm", Priority: 1, ID: "002", Name: "Bluewave Analytics", Domain: "bluewave.de", Country: "DE", ParentID: "001"},
		// Same key, other country: a different company.
		{Source: "firmo", Priority: 2, ID: "F3", Name: "Bluewave Analytics Ltd", Country: "GB"},
		// A row without a country merges with the only account of its key.
		{Source: "firmo", Priority: 2, ID: "F4", Name: "Zentor Labs", Revenue: "5M"},
		{Source: "crm", Priority: 1, ID: "003", Name: "Zentor Labs LLC", Country: "US", Domain: "gmail.com", OtherDomains: "zentor.io; zentorlabs.com"},
		// Dropped and counted.
		{Source: "crm", Priority: 1, ID: "004", Name: "N/A"},
		// A repeated id merges into its first row.
		{Source: "crm", Priority: 1, ID: "001", Name: "Acme", Owner: "jane"},
		// The same id in another source for another company.
		{Source: "firmo", Priority: 2, ID: "002", Name: "Other Co", Domain: "other.com"},
	}
	ref, problems := BuildReference(rows, Options{})
	wantProblems := map[string]int{ProblemNoNameOrDomain: 1, ProblemDuplicateID: 1, ProblemMergedRow: 3,
		ProblemFreeDomain: 1, ProblemIDCollision: 1}
	if !mapsEqual(problems, wantProblems) {
		t.Errorf("problems %v, want %v", problems, wantProblems)
	}
	want := []Account{
		{ID: "001", Name: "Acme, Inc.", CompanyKey: "acme", Domains: []string{"acme.com"}, IndustryNorm: "Computer Software",
			EmployeeBand: "1001-5000", RevenueBand: "100M-500M", CountryCode: "US", StateCode: "US-CA", Owner: "jane", Tier: "1", Source: "crm"},
		{ID: "002", Name: "Bluewave Analytics", CompanyKey: "bluewave analytics", Domains: []string{"bluewave.de"},
			EmployeeBand: "51-200", CountryCode: "DE", ParentID: "001", Source: "crm"},
		{ID: "003", Name: "Zentor Labs LLC", CompanyKey: "zentor labs", Domains: []string{"zentor.io", "zentorlabs.com"},
			RevenueBand: "1M-10M", CountryCode: "US", Source: "crm"},
		{ID: "F3", Name: "Bluewave Analytics Ltd", CompanyKey: "bluewave analytics", CountryCode: "GB", Source: "firmo"},
		{ID: "firmo:002", Name: "Other Co", CompanyKey: "other", Domains: []string{"other.com"}, Source: "firmo"},
	}
	got := ref.Accounts()
	if ref.Len() != len(want) || len(got) != len(want) {
		t.Fatalf("%d accounts %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if !accountsEqual(got[i], want[i]) {
			t.Errorf("account %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestBuildReference_TierOrder(t *testing.T) {
	tests := []struct {
		raw, norm string
	}{{"Tier 1", "1"}, {"T2", "2"}, {"3", "3"}, {"Strategic", "Strategic"}, {"n/a", ""}}
	for _, tt := range tests {
		if got := normalizeTier(tt.raw); got != tt.norm {
			t.Errorf("normalizeTier(%q) = %q, want %q", tt.raw, got, tt.norm)
		}
	}
	order := []string{"1", "2", "10", "Strategic", ""}
	for i := 1; i < len(order); i++ {
		if tierRank(order[i-1]) >= tierRank(order[i]) {
			t.Errorf("tier %q not before %q", order[i-1], order[i])
		}
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func accountsEqual(a, b Account) bool {
	return slices.Equal(a.Domains, b.Domains) && fmt.Sprint(a) == fmt.Sprint(b)
}
