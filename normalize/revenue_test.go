package normalize

import (
	"math"
	"testing"
)

// revenueTestRates pins round rates so expectations do not move when the
// shipped table is refreshed.
var revenueTestRates = Rates{AsOf: "test", PerUSD: map[string]float64{
	"USD": 1, "EUR": 1.1, "GBP": 1.25, "JPY": 0.007, "CAD": 0.75, "AUD": 0.65,
	"INR": 0.012, "CHF": 1.1, "CNY": 0.14,
}}

type revenueCase struct {
	raw  string
	usd  float64
	band string
}

func revenueCheck(t *testing.T, cases []revenueCase) {
	t.Helper()
	for _, c := range cases {
		got := Revenue(c.raw, revenueTestRates)
		if !got.OK || got.Empty {
			t.Errorf("Revenue(%q) = %+v, want OK", c.raw, got)
			continue
		}
		if math.Abs(got.USD-c.usd) > 1e-6*math.Max(1, c.usd) || got.Band != c.band {
			t.Errorf("Revenue(%q) = %v %q, want %v %q", c.raw, got.USD, got.Band, c.usd, c.band)
		}
	}
}

func TestRevenue_PlainNumbersAndUnits(t *testing.T) {
	revenueCheck(t, []revenueCase{
		{"0", 0, "<1M"},
		{"500000", 5e5, "<1M"},
		{"1000000", 1e6, "1M-10M"},
		{"$1,500,000", 1.5e6, "1M-10M"},
		{"5M", 5e6, "1M-10M"},
		{"5m", 5e6, "1M-10M"},
		{"5 MM", 5e6, "1M-10M"},
		{"$25mm", 25e6, "10M-50M"},
		{"12.5M", 12.5e6, "10M-50M"},
		{"750K", 750e3, "<1M"},
		{"750k", 750e3, "<1M"},
		{"750 thousand", 750e3, "<1M"},
		{"2B", 2e9, "1B+"},
		{"2bn", 2e9, "1B+"},
		{"$1.2 billion", 1.2e9, "1B+"},
		{"3 million", 3e6, "1M-10M"},
		{"75 Million", 75e6, "50M-100M"},
		{"1.5 Mn", 1.5e6, "1M-10M"},
		{"$10,000,000", 1e7, "10M-50M"},
		{"$50M", 50e6, "50M-100M"},
		{"$99.9M", 99.9e6, "50M-100M"},
		{"100M", 100e6, "100M-500M"},
		{"$500 million", 500e6, "500M-1B"},
		{"999,999,999", 999999999, "500M-1B"},
		{"$1B", 1e9, "1B+"},
		{"Revenue: $40M", 40e6, "10M-50M"},
		{"approx. $8M", 8e6, "1M-10M"},
		{"~$3M", 3e6, "1M-10M"},
		{"$4M (est.)", 4e6, "1M-10M"},
		{"USD 20M", 20e6, "10M-50M"},
		{"20M USD", 20e6, "10M-50M"},
		{"US$ 15M", 15e6, "10M-50M"},
		{"US$15 million", 15e6, "10M-50M"},
		{"5 million dollars", 5e6, "1M-10M"},
		{"$ 2.5 M", 2.5e6, "1M-10M"},
		{"+5M", 5e6, "1M-10M"},
		{"$.5M", 0.5e6, "<1M"},
	})
}

func TestRevenue_EuropeanUnitsAndFormats(t *testing.T) {
	revenueCheck(t, []revenueCase{
		{"12,5 Mio. €", 12.5e6 * 1.1, "10M-50M"},
		{"12,5 Mio €", 12.5e6 * 1.1, "10M-50M"},
		{"1.234.567,89 €", 1234567.89 * 1.1, "1M-10M"},
		{"1,234,567.89", 1234567.89, "1M-10M"},
		{"1 234 567", 1234567, "1M-10M"},
		{"1\u00a0234\u00a0567 EUR", 1234567 * 1.1, "1M-10M"},
		{"1'234'567 CHF", 1234567 * 1.1, "1M-10M"},
		{"2,5 Mrd. €", 2.5e9 * 1.1, "1B+"},
		{"3 Mrd EUR", 3e9 * 1.1, "1B+"},
		{"1,2 Md€", 1.2e9 * 1.1, "1B+"},
		{"500 Tsd. €", 500e3 * 1.1, "<1M"},
		{"500 T€", 500e3 * 1.1, "<1M"},
		{"EUR 45 Mio.", 45e6 * 1.1, "10M-50M"},
		{"45 Millionen Euro", 45e6 * 1.1, "10M-50M"},
		{"€10M", 11e6, "10M-50M"},
		{"10 M€", 11e6, "10M-50M"},
		{"1.500.000 €", 1.5e6 * 1.1, "1M-10M"},
		{"1.500 Mio. €", 1.5e9 * 1.1, "1B+"},
		{"0,75 Mio.", 0.75e6, "<1M"},
		{"0.250M", 0.25e6, "<1M"},
		{"Umsatz: ca. 7 Mio. EUR", 7e6 * 1.1, "1M-10M"},
	})
}

func TestRevenue_OtherCurrencies(t *testing.T) {
	revenueCheck(t, []revenueCase{
		{"£8M", 10e6, "10M-50M"},
		{"GBP 8m", 10e6, "10M-50M"},
		{"8 million pounds", 10e6, "10M-50M"},
		{"¥1bn", 7e6, "1M-10M"},
		{"JPY 10,000,000,000", 70e6, "50M-100M"},
		{"C$20M", 15e6, "10M-50M"},
		{"CAD 20M", 15e6, "10M-50M"},
		{"A$100M", 65e6, "50M-100M"},
		{"AUD 100 million", 65e6, "50M-100M"},
		{"₹500 crore", 500e7 * 0.012, "50M-100M"},
		{"Rs. 50 lakh", 50e5 * 0.012, "<1M"},
		{"Rs 250 Cr", 250e7 * 0.012, "10M-50M"},
		{"INR 1,000 crore", 1000e7 * 0.012, "100M-500M"},
		{"CHF 30M", 33e6, "10M-50M"},
		{"Fr. 30 Mio.", 33e6, "10M-50M"},
		{"RMB 100M", 14e6, "10M-50M"},
	})
}

func TestRevenue_RangeWithCurrency(t *testing.T) {
	revenueCheck(t, []revenueCase{
		{"10-50M", 30e6, "10M-50M"},
		{"$10M to $50M", 30e6, "10M-50M"},
		{"10M - 50M USD", 30e6, "10M-50M"},
		{"$1M-$5M", 3e6, "1M-10M"},
		{"1–10 million", 5.5e6, "1M-10M"},
		{"between $100M and $500M", 300e6, "100M-500M"},
		{"500M-1B", 750e6, "500M-1B"},
		{"1.5-2B", 1.75e9, "1B+"},
		{"€5M - €10M", 7.5e6 * 1.1, "1M-10M"},
		{"10 bis 50 Mio. EUR", 30e6 * 1.1, "10M-50M"},
		{"250k-500k", 375e3, "<1M"},
		{"$500K - $1M", 750e3, "<1M"},
		{"50,000,000 - 100,000,000", 75e6, "50M-100M"},
	})
}

func TestRevenue_OpenBounds(t *testing.T) {
	revenueCheck(t, []revenueCase{
		{"< $1M", 0.5e6, "<1M"},
		{"<1M", 0.5e6, "<1M"},
		{"under 1 million", 0.5e6, "<1M"},
		{"less than $10M", 5e6, "1M-10M"},
		{"up to 5M", 2.5e6, "1M-10M"},
		{"<= 20M", 10e6, "10M-50M"},
		{"1B+", 1e9, "1B+"},
		{"$1B+", 1e9, "1B+"},
		{"over 500 million", 500e6, "500M-1B"},
		{">$1bn", 1e9, "1B+"},
		{"> 100M", 100e6, "100M-500M"},
		{"more than $50M", 50e6, "50M-100M"},
		{"50M plus", 50e6, "50M-100M"},
		{"≥ 10M", 10e6, "10M-50M"},
	})
}

func TestRevenue_EmptyIsNotAnIssue(t *testing.T) {
	for _, raw := range []string{"", "  ", "N/A", "n/a", "-", "--", "unknown", "n.a.", "NULL", "#N/A", "?", "none", "TBD"} {
		got := Revenue(raw, revenueTestRates)
		if !got.Empty || got.OK {
			t.Errorf("Revenue(%q) = %+v, want Empty", raw, got)
		}
	}
}

func TestRevenue_UnparsedIsFlagged(t *testing.T) {
	for _, raw := range []string{
		"ten million", "Q3 2020", "see website", "1, 2, 3", "10 20 30", "-5M", "5M-", "$5M €5M",
		"XYZ 5M", "5 M M", "M5", "1.234.567.89", "1,2,3,4.5,6", "1e400", "< 10-50M", "123abc",
		"5M USD EUR", "$5M%", "two",
	} {
		got := Revenue(raw, revenueTestRates)
		if got.OK || got.Empty {
			t.Errorf("Revenue(%q) = %+v, want unparsed", raw, got)
		}
	}
}

func TestRevenue_CurrencyMissingFromRatesIsUnparsed(t *testing.T) {
	if got := Revenue("SEK 5M", revenueTestRates); got.OK {
		t.Errorf("SEK without a rate: got %+v, want unparsed", got)
	}
	if got := Revenue("SEK 5M", revenueTestRates.With(map[string]float64{"sek": 0.1})); !got.OK || got.USD != 5e5 {
		t.Errorf("SEK with override: got %+v, want 500000", got)
	}
}

func TestRevenueBand_LowerBoundInclusive(t *testing.T) {
	cases := []struct {
		usd  float64
		band string
	}{
		{0, "<1M"}, {999_999.99, "<1M"}, {1e6, "1M-10M"}, {1e7, "10M-50M"}, {5e7, "50M-100M"},
		{1e8, "100M-500M"}, {5e8, "500M-1B"}, {1e9, "1B+"}, {1e12, "1B+"}, {-1, ""}, {math.NaN(), ""},
	}
	for _, c := range cases {
		if got := RevenueBand(c.usd); got != c.band {
			t.Errorf("RevenueBand(%v) = %q, want %q", c.usd, got, c.band)
		}
	}
}

func TestRevenue_DefaultRatesDatedAndUSDPerUnit(t *testing.T) {
	r := DefaultRates()
	if r.AsOf == "" {
		t.Fatal("DefaultRates().AsOf is empty")
	}
	for _, c := range []string{"USD", "EUR", "GBP", "JPY", "CAD", "AUD", "INR", "CHF"} {
		if r.PerUSD[c] <= 0 {
			t.Errorf("DefaultRates has no rate for %s", c)
		}
	}
	// USD per unit: a euro and a pound are worth more than a dollar, a yen far less.
	if r.PerUSD["EUR"] < 0.8 || r.PerUSD["GBP"] < 1 || r.PerUSD["JPY"] > 0.05 {
		t.Errorf("rates are not USD per unit: %v", r.PerUSD)
	}
	r.PerUSD["EUR"] = 99
	if DefaultRates().PerUSD["EUR"] == 99 {
		t.Error("DefaultRates shares its map with callers")
	}
}

func TestRevenue_RatesWithOverridesWithoutMutating(t *testing.T) {
	base := Rates{AsOf: "x", PerUSD: map[string]float64{"EUR": 1.1}}
	got := base.With(map[string]float64{"eur": 1.2, "NOK": 0.09, "BAD": -1})
	if got.PerUSD["EUR"] != 1.2 || got.PerUSD["NOK"] != 0.09 || got.AsOf != "x" {
		t.Errorf("With = %+v", got)
	}
	if _, ok := got.PerUSD["BAD"]; ok {
		t.Error("With accepted a negative rate")
	}
	if base.PerUSD["EUR"] != 1.1 {
		t.Error("With modified its receiver")
	}
}

func BenchmarkRevenue(b *testing.B) {
	rates := DefaultRates()
	inputs := []string{"$10M to $50M", "12,5 Mio. €", "1,234,567.89", "< $1M", "1B+", "₹500 crore"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Revenue(inputs[i%len(inputs)], rates)
	}
}

func FuzzRevenue(f *testing.F) {
	for _, s := range []string{"$10M to $50M", "12,5 Mio. €", "1.234.567,89", "<1M", "1B+", "Rs. 5 lakh", "1e400", "-"} {
		f.Add(s)
	}
	rates := DefaultRates()
	f.Fuzz(func(t *testing.T, s string) {
		r := Revenue(s, rates)
		if r.OK && (r.USD < 0 || math.IsNaN(r.USD) || math.IsInf(r.USD, 0) || r.Band == "") {
			t.Fatalf("Revenue(%q) = %+v", s, r)
		}
		if r.OK && r.Empty {
			t.Fatalf("Revenue(%q) both OK and Empty", s)
		}
	})
}

// A written figure keeps its digits: no binary floating-point noise.
func TestRevenue_KeepsTheWrittenDigits(t *testing.T) {
	cases := []struct {
		raw string
		usd float64
	}{
		{"USD 262.1 million", 262100000},
		{"262.1M", 262100000},
		{"$0.7B", 700000000},
		{"1.1 Mio. USD", 1100000},
		{"$1,234.56", 1234.56},
		{"between 10.1 and 20.2 million", 15150000},
	}
	for _, c := range cases {
		if got := Revenue(c.raw, revenueTestRates); !got.OK || got.USD != c.usd {
			t.Errorf("Revenue(%q) = %v (%v), want exactly %v", c.raw, got.USD, got.OK, c.usd)
		}
	}
}
