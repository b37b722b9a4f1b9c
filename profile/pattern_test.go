package profile

import (
	"reflect"
	"strings"
	"testing"
)

func TestShape(t *testing.T) {
	cases := []struct{ in, want string }{
		{"john.smith@acme.com", "a.a@a.a"},
		{"John.Smith@Acme.COM", "Aa.Aa@Aa.A"},
		{"j_smith99@mail.co.uk", "a_a99@a.a.a"},
		{"+1 (415) 555-0100", "+9 (999) 999-9999"},
		{"+14155550100", "+99999999999"},
		{"94105", "99999"},
		{"94105-1234", "99999-9999"},
		{"SW1A 1AA", "A9A 9A"},
		{"C-000123", "A-999999"},
		{"iPhone", "aAa"},
		{"McDonald", "AaAa"},
		{"Müller-Lüdenscheidt", "Aa-Aa"},
		{"ÅSA", "A"},
		{"Ångström", "Aa"},
		{"東京", "a"},
		{"a\x00b", "a\x00a"},
		{"١٢٣", "999"},
		{"", ""},
	}
	for _, tc := range cases {
		if got := Shape(tc.in); got != tc.want {
			t.Errorf("Shape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestShape_LongValuesAreCut(t *testing.T) {
	got := Shape(strings.Repeat("1-", 100))
	if !strings.HasSuffix(got, "…") || len(got) > maxShape+len("…") {
		t.Errorf("Shape = %q (%d bytes)", got, len(got))
	}
}

func TestColumn_PatternsOnlyForIdentifiers(t *testing.T) {
	vals := []string{"john.smith@acme.com", "ann@b.io", "Bob@X.COM", "+1 (415) 555-0100", "mary.jones@corp.net"}
	for _, tc := range []struct {
		column string
		want   []Count
	}{
		{"email", []Count{{"a.a@a.a", 2}, {"+9 (999) 999-9999", 1}, {"Aa@A.A", 1}, {"a@a.a", 1}}},
		{"title", nil},
	} {
		c := NewColumn(tc.column, Options{})
		for _, v := range vals {
			c.ObserveString(v, Unchecked)
		}
		if got := c.Stats().Patterns; !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: patterns %v, want %v", tc.column, got, tc.want)
		}
	}
}

func TestIsIdentifier(t *testing.T) {
	cases := map[string]bool{
		"email": true, "email_norm": true, "Email_Domain": true, "phone": true, "phone_e164": true,
		"postal_code": true, "postcode": true, "zip": true, "record_id": true, "entity_id": true,
		"source_record_ids": true, "domain": true, "id": true,
		"title": false, "company": false, "country_code": false, "idle": false, "valid": false,
	}
	for col, want := range cases {
		if got := IsIdentifier(col); got != want {
			t.Errorf("IsIdentifier(%q) = %v, want %v", col, got, want)
		}
	}
}
