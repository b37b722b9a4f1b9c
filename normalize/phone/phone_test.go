package phone

import (
	"strings"
	"testing"
)

func TestPhone_E164AndExtension(t *testing.T) {
	cases := []struct {
		raw, region, e164, ext string
	}{
		{"+1 (415) 555-0134", "", "+14155550134", ""},
		{"+1 (415) 555-0134", "DE", "+14155550134", ""},
		{"415.555.0134", "", "+14155550134", ""},
		{"415.555.0134", "US", "+14155550134", ""},
		{"(415) 555 0134 x204", "US", "+14155550134", "204"},
		{"415-555-0134 ext. 12", "US", "+14155550134", "12"},
		{"415-555-0134 ext 12", "", "+14155550134", "12"},
		{"415-555-0134 extension 7", "US", "+14155550134", "7"},
		{"415 555 0134 #99", "US", "+14155550134", "99"},
		{"1-415-555-0134", "US", "+14155550134", ""},
		{"14155550134", "US", "+14155550134", ""},
		{"+14155550134", "", "+14155550134", ""},
		{"tel:+1-415-555-0134", "", "+14155550134", ""},
		{"1-800-FLOWERS", "US", "+18003569377", ""},
		{"(416) 555-0199", "CA", "+14165550199", ""},
		{"+44 20 7946 0958", "", "+442079460958", ""},
		{"020 7946 0958", "GB", "+442079460958", ""},
		{"07700 900123", "GB", "+447700900123", ""},
		{"+44 (0)20 7946 0958", "US", "+442079460958", ""},
		{"0049 30 1234567", "DE", "+49301234567", ""},
		{"0049 30 1234567", "US", "+49301234567", ""},
		{"0049 30 1234567", "", "+49301234567", ""},
		{"030/1234567", "DE", "+49301234567", ""},
		{"030 1234567-22", "DE", "+4930123456722", ""}, // German direct dial is part of the number
		{"+49 (0) 89 1234567", "", "+49891234567", ""},
		{"01 42 68 53 00", "FR", "+33142685300", ""},
		{"+33 1 42 68 53 00", "", "+33142685300", ""},
		{"02 9374 4000", "AU", "+61293744000", ""},
		{"0011 61 2 9374 4000", "AU", "+61293744000", ""},
		{"03-1234-5678", "JP", "+81312345678", ""},
		{"98765 43210", "IN", "+919876543210", ""},
		{"(11) 91234-5678", "BR", "+5511912345678", ""},
		{"415.555.0134", "us", "+14155550134", ""},
	}
	for _, c := range cases {
		got := Parse(c.raw, c.region)
		want := Result{E164: c.e164, Ext: c.ext, OK: true}
		if got != want {
			t.Errorf("Parse(%q, %q) = %+v, want %+v", c.raw, c.region, got, want)
		}
	}
}

func TestPhone_InvalidAndTooShort(t *testing.T) {
	cases := []struct{ raw, region string }{
		{"555-0134", "US"}, {"123", "US"}, {"12", ""}, {"abc", ""}, {"+1", ""}, {"+999 1234 5678", ""},
		{"415-555-0134-9999-1234-5678", "US"}, {"0", "DE"}, {"call me", ""}, {strings.Repeat("1", 200), "US"},
		{"+44 20 7946", ""}, {"00", ""}, {"0100", "DE"},
	}
	for _, c := range cases {
		if got := Parse(c.raw, c.region); got.OK || got.Empty || got.E164 != "" {
			t.Errorf("Parse(%q, %q) = %+v, want not OK", c.raw, c.region, got)
		}
	}
	for _, raw := range []string{"", "N/A", "-", "none"} {
		if got := Parse(raw, "US"); !got.Empty || got.OK {
			t.Errorf("Parse(%q) = %+v, want Empty", raw, got)
		}
	}
}

func BenchmarkPhone(b *testing.B) {
	inputs := []struct{ raw, region string }{
		{"+1 (415) 555-0134", ""}, {"(415) 555 0134 x204", "US"}, {"0049 30 1234567", "DE"}, {"020 7946 0958", "GB"},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		in := inputs[i%len(inputs)]
		Parse(in.raw, in.region)
	}
}

func FuzzPhone(f *testing.F) {
	for _, s := range []string{"+1 (415) 555-0134", "415.555.0134 x204", "0049 30 1234567", "030/1234567", "1-800-FLOWERS", "+"} {
		f.Add(s, "US")
		f.Add(s, "DE")
	}
	f.Fuzz(func(t *testing.T, s, region string) {
		r := Parse(s, region)
		if r.OK && (!strings.HasPrefix(r.E164, "+") || len(r.E164) < 6 || len(r.E164) > 16) {
			t.Fatalf("Parse(%q, %q) = %+v", s, region, r)
		}
	})
}
