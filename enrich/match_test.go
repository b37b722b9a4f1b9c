package enrich

import (
	"testing"
)

var matchRows = []RawAccount{
	{Source: "crm", Priority: 1, ID: "001", Name: "Acme Inc", Domain: "acme.com", Country: "US", Tier: "1"},
	{Source: "crm", Priority: 1, ID: "002", Name: "Bluewave Analytics", Domain: "bluewave.de", Country: "DE"},
	{Source: "crm", Priority: 1, ID: "005", Name: "Summit Partners LLC"},
	{Source: "crm", Priority: 1, ID: "006", Name: "Summit Partners"},
	{Source: "crm", Priority: 1, ID: "007", Name: "Orion Media", Country: "FR"},
	{Source: "crm", Priority: 1, ID: "008", Name: "Orion Media SAS", Country: "FR", ParentID: "007"},
	{Source: "crm", Priority: 1, ID: "009", Name: "Polaris Foods", Country: "IT", Tier: "2"},
	{Source: "crm", Priority: 1, ID: "010", Name: "Polaris Foods SpA", Country: "IT", Tier: "1"},
	{Source: "crm", Priority: 1, ID: "011", Name: "Vega Systems", Domain: "vega.com", Country: "ES"},
	{Source: "crm", Priority: 1, ID: "012", Name: "Vega Systems SL", Domain: "vegasys.es", Country: "ES"},
	{Source: "crm", Priority: 1, ID: "013", Name: "Brightpath Agency", Domain: "agency-x.com", Country: "US"},
	{Source: "crm", Priority: 1, ID: "014", Name: "Lexnor Pharma", Country: "US"},
}

func corp(domain, key, cc string) Contact {
	return Contact{EmailDomain: domain, EmailType: "corporate", Domain: domain, CompanyKey: key, CountryCode: cc}
}

func freeMail(key, cc string) Contact {
	return Contact{EmailDomain: "gmail.com", EmailType: "free", CompanyKey: key, CountryCode: cc}
}

func TestMatchAll_TrustOrderTieBreaksAndReasons(t *testing.T) {
	ref, _ := BuildReference(matchRows, Options{})
	o := Options{FreeEmailDomains: []string{"agency-x.com"}}
	tests := []struct {
		name string
		c    Contact
		want Match
	}{
		{"corporate email domain", corp("acme.com", "", ""), Match{"001", MethodDomain, 1, ""}},
		{"domain beats a company key elsewhere", corp("acme.com", "bluewave analytics", "DE"), Match{"001", MethodDomain, 1, ""}},
		{"website with free email", Contact{EmailDomain: "gmail.com", EmailType: "free", Domain: "bluewave.de"}, Match{"002", MethodDomain, 1, ""}},
		{"free email domain is not a company", Contact{EmailDomain: "gmail.com", EmailType: "free"}, Match{Reason: ReasonNoCompany}},
		{"role email domain is not used", Contact{EmailDomain: "acme.com", EmailType: "role"}, Match{Reason: ReasonNoCompany}},
		{"configured agency domain is never matched", corp("agency-x.com", "", "US"), Match{Reason: ReasonNoCompany}},
		{"company key in the same country", freeMail("acme", "US"), Match{"001", MethodCompanyCountry, 1, ""}},
		{"company key without a contact country", freeMail("acme", ""), Match{"001", MethodCompanyCountry, 1, ""}},
		{"company key in another country", freeMail("acme", "DE"), Match{Reason: ReasonOtherCountry}},
		{"same key, no tie-break: ambiguous", freeMail("summit partners", "US"), Match{Reason: ReasonAmbiguous}},
		{"parent over child", freeMail("orion media", "FR"), Match{"007", MethodCompanyCountry, 1, ""}},
		{"better tier", freeMail("polaris foods", "IT"), Match{"010", MethodCompanyCountry, 1, ""}},
		{"more exact hits", freeMail("vega systems", "ES"), Match{"011", MethodCompanyCountry, 1, ""}},
		{"fuzzy typo", freeMail("bluewave analytcs", "DE"), Match{"002", MethodCompanyFuzzy, 0.9889, ""}},
		{"fuzzy refuses another company's domain", corp("bluewave-x.com", "bluewave analytcs", "DE"), Match{"inf-bluewave-x.com", MethodInferredDomain, 1, ""}},
		{"fuzzy refuses a name the contact's domain spells", corp("lexneopharma.com", "lexneo pharma", "US"), Match{"inf-lexneopharma.com", MethodInferredDomain, 1, ""}},
		{"fuzzy below the floor", freeMail("bluewave", "DE"), Match{Reason: ReasonBelowFloor}},
		{"short keys are never fuzzy", freeMail("acne", "US"), Match{Reason: ReasonNoCandidate}},
		{"numbers must agree", freeMail("polaris foods 2", "IT"), Match{Reason: ReasonBelowFloor}},
	}
	cs := []Contact{corp("vega.com", "", "ES")} // gives Vega Systems (011) an exact hit
	for _, tt := range tests {
		cs = append(cs, tt.c)
	}
	ms, _ := ref.MatchAll(cs, o)
	for i, tt := range tests {
		got := ms[i+1]
		got.Score = float64(int(got.Score*10000+0.5)) / 10000
		if got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestMatchAll_InfersAccountsFromCorporateDomains(t *testing.T) {
	ref, _ := BuildReference(matchRows, Options{})
	cs := []Contact{
		{EmailDomain: "newco.io", EmailType: "corporate", Domain: "newco.io", CompanyKey: "newco", CountryCode: "US", IndustryNorm: "Software"},
		{EmailDomain: "newco.io", EmailType: "corporate", Domain: "newco.io", CompanyKey: "new co", CountryCode: "US", EmployeeBand: "11-50"},
		{EmailDomain: "newco.io", EmailType: "corporate", Domain: "newco.io", CompanyKey: "newco", CountryCode: "CA"},
		{EmailDomain: "gmail.com", EmailType: "free", CompanyKey: "zzz unknown co", CountryCode: "US"},
		{EmailDomain: "alpha.dev", EmailType: "corporate", Domain: "alpha.dev"},
	}
	ms, inferred := ref.MatchAll(cs, Options{})
	want := []Account{
		{ID: "inf-alpha.dev", Name: "alpha.dev", Domains: []string{"alpha.dev"}, Source: "inferred", Inferred: true},
		{ID: "inf-newco.io", Name: "newco.io", CompanyKey: "newco", Domains: []string{"newco.io"}, IndustryNorm: "Software",
			EmployeeBand: "11-50", CountryCode: "US", Source: "inferred", Inferred: true},
	}
	if len(inferred) != len(want) {
		t.Fatalf("inferred %+v, want %+v", inferred, want)
	}
	for i := range want {
		if !accountsEqual(inferred[i], want[i]) {
			t.Errorf("inferred %d: got %+v, want %+v", i, inferred[i], want[i])
		}
	}
	wantIDs := []string{"inf-newco.io", "inf-newco.io", "inf-newco.io", "", "inf-alpha.dev"}
	for i, id := range wantIDs {
		if ms[i].AccountID != id {
			t.Errorf("contact %d: %+v, want account %q", i, ms[i], id)
		}
	}
	off := false
	ms, inferred = ref.MatchAll(cs, Options{InferAccounts: &off})
	if len(inferred) != 0 || ms[0].AccountID != "" || ms[0].Reason != ReasonNoCandidate {
		t.Errorf("infer_accounts false: %+v %+v", ms[0], inferred)
	}
}

func TestFuzzyIndex_FindsEveryKeyOneEditAway(t *testing.T) {
	keys := map[string][]int32{"bluewave analytics": {0}, "northwind": {1}, "zentor labs": {2}}
	f := newFuzzyIndex(keys)
	tests := []struct {
		q    string
		want string
	}{
		{"bluewave analytic", "bluewave analytics"},   // deletion
		{"bluewave analyticss", "bluewave analytics"}, // insertion
		{"bluewave anakytics", "bluewave analytics"},  // substitution
		{"bluewave analtyics", "bluewave analytics"},  // transposition
		{"nrothwind", "northwind"},
		{"zentor laboratories", "zentor labs"}, // same first word
		{"acme", ""},                           // too short
	}
	for _, tt := range tests {
		ks := f.candidateKeys(tt.q, nil)
		found := false
		for _, k := range ks {
			found = found || f.keys[k] == tt.want
		}
		if tt.want == "" && len(ks) != 0 || tt.want != "" && !found {
			t.Errorf("candidateKeys(%q) = %v, want %q among them", tt.q, ks, tt.want)
		}
	}
}

func TestTokensCompatible_AbbreviationsAndLongTypos(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"zynium health partners", "zynium health ptnrs", true},
		{"wexio medical", "wexio med", true},
		{"telme analytics", "telme anlytcs", true},
		{"bluewave analytcs", "bluewave analytics", true},  // a typo that drops a letter abbreviates
		{"bluewaev analytics", "bluewave analytics", true}, // a long name, one transposition
		{"revion", "revon", false},                         // short names one letter apart: two companies
		{"orion foods", "oriio foods", false},
		{"vitia bio", "vitia ai", false},
		{"glosys", "glosys ai", false}, // another word: a subsidiary or another company
		{"viero advisory", "viero advisors", false},
		{"virtanen and oberg", "virtanen and berg", false}, // an abbreviation starts with the word's letter
	} {
		if got := tokensCompatible(tt.a, tt.b); got != tt.want {
			t.Errorf("tokensCompatible(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	for _, tt := range []struct {
		a, b string
		want bool
	}{{"bluewave", "bluewaev", true}, {"bluewave", "bluwave", true}, {"bluewave", "bluewavez", true},
		{"bluewave", "blxewave", true}, {"bluewave", "bluewave", false}, {"bluewave", "blewaev", false}} {
		if got := oneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("oneEdit(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
