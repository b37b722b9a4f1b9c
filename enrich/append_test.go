package enrich

import "testing"

func TestAppend_FillsGapsAndOverwritesOnlyListedFields(t *testing.T) {
	acc := &Account{IndustryNorm: "Software", EmployeeBand: "51-200", RevenueBand: "", CountryCode: "DE"}
	full := Contact{IndustryNorm: "Retail", EmployeeBand: "1-10", RevenueBand: "<1M", CountryCode: "US"}
	tests := []struct {
		name     string
		c        Contact
		a        *Account
		o        Options
		want     Firmographics
		wantProv Provenance
	}{
		{"gaps filled", Contact{}, acc, Options{},
			Firmographics{"Software", "51-200", "", "DE"}, Provenance{"account", "account", "", "account"}},
		{"own values kept", full, acc, Options{},
			Firmographics{"Retail", "1-10", "<1M", "US"}, Provenance{"contact", "contact", "contact", "contact"}},
		{"overwrite listed", full, acc, Options{Overwrite: []string{FieldIndustry, FieldRevenue}},
			Firmographics{"Software", "1-10", "<1M", "US"}, Provenance{"account", "contact", "contact", "contact"}},
		{"no account", Contact{CountryCode: "FR"}, nil, Options{Overwrite: []string{FieldCountryCode}},
			Firmographics{CountryCode: "FR"}, Provenance{CountryCode: "contact"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, p := Append(tt.c, tt.a, tt.o)
			if f != tt.want || p != tt.wantProv {
				t.Errorf("got %+v %+v, want %+v %+v", f, p, tt.want, tt.wantProv)
			}
		})
	}
}
