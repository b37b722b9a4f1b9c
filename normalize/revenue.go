package normalize

import (
	"bufio"
	_ "embed"
	"math"
	"strconv"
	"strings"
	"sync"
)

// Rates converts revenue to US dollars.
//
// PerUSD maps an upper-case ISO 4217 code to the value of ONE unit of that
// currency in US dollars ("EUR": 1.035 means 1 EUR = 1.035 USD), so an
// amount converts by multiplication. USD is always 1, present or not. AsOf
// is the date the table describes (YYYY-MM-DD).
type Rates struct {
	AsOf   string
	PerUSD map[string]float64
}

//go:embed data/rates.csv
var revenueRatesCSV string

var revenueDefaultRates = sync.OnceValue(func() Rates {
	r := Rates{PerUSD: map[string]float64{"USD": 1}}
	sc := bufio.NewScanner(strings.NewReader(revenueRatesCSV))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line == "code,usd_per_unit" {
			continue
		}
		k, v, _ := strings.Cut(line, ",")
		if k == "as_of" {
			r.AsOf = v
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f <= 0 {
			panic("normalize: bad rate in data/rates.csv: " + line)
		}
		r.PerUSD[strings.ToUpper(k)] = f
	}
	return r
})

// DefaultRates returns the table shipped in normalize/data/rates.csv, whose
// date is in AsOf. The map is a fresh copy the caller may modify.
func DefaultRates() Rates {
	return revenueDefaultRates().With(nil)
}

// With returns a copy of r with the overrides (same unit: USD per one unit
// of the currency; codes are upper-cased) replacing or adding entries.
// Non-positive or non-finite overrides are ignored. r is not modified.
func (r Rates) With(overrides map[string]float64) Rates {
	out := Rates{AsOf: r.AsOf, PerUSD: make(map[string]float64, len(r.PerUSD)+len(overrides))}
	for k, v := range r.PerUSD {
		out.PerUSD[k] = v
	}
	for k, v := range overrides {
		if v > 0 && !math.IsInf(v, 0) {
			out.PerUSD[strings.ToUpper(strings.TrimSpace(k))] = v
		}
	}
	return out
}

// RevenueResult is one parsed annual revenue. Empty means the raw value was
// a null token (not an issue); !OK && !Empty means it could not be read and
// the caller records the dq issue "revenue_unparsed".
type RevenueResult struct {
	USD   float64
	Band  string
	OK    bool
	Empty bool
}

// Revenue reads an annual revenue as written by people and CRMs and
// converts it to USD with rates.
//
// It understands currency symbols and codes before or after the amount
// ($, US$, USD, €, EUR, £, GBP, ¥, JPY, C$, CAD, A$, AUD, ₹, Rs, INR, Fr.,
// CHF and the other codes of the rate table; no currency means USD), units
// (K, thousand, Tsd, T as in German "500 T€"; M, MM, Mn, Mio, million;
// B, bn, billion, Mrd, Md, milliard; lakh, crore; trillion), US and European number formats
// (see revenueNumber), ranges ("10-50M", "$10M to $50M", "between 10 and
// 50 million") and open bounds. A range gives its midpoint, "< X" / "under
// X" / "up to X" gives X/2 (half the cap is the expected value for a
// company known only to be below it), and "X+" / "over X" / "> X" gives X
// (the only figure the source vouches for). A currency missing from rates
// makes the value unparsed rather than silently treated as USD. The
// result is rounded to the cent, so a written figure keeps its digits.
func Revenue(raw string, rates Rates) RevenueResult {
	if NullToken(raw) {
		return RevenueResult{Empty: true}
	}
	e, ok := revenueScan(strings.ToLower(raw), revenueWords)
	if !ok {
		return RevenueResult{}
	}
	cur := e.cur
	if cur == "" {
		cur = "USD"
	}
	rate, ok := rates.PerUSD[cur]
	if cur == "USD" {
		rate, ok = 1, true
	}
	if !ok || rate <= 0 {
		return RevenueResult{}
	}
	v := e.num[0] * e.mult[0]
	switch {
	case e.n == 2:
		v = (v + e.num[1]*e.mult[1]) / 2
	case e.cmp < 0:
		v /= 2
	}
	// Rounded to the cent: "262.1 million" is 262100000, not the
	// 262100000.00000003 that 262.1 × 1e6 gives in binary floating point.
	usd := v * rate
	usd = math.Round(usd*100) / 100
	if math.IsInf(usd, 0) || math.IsNaN(usd) || usd < 0 {
		return RevenueResult{}
	}
	return RevenueResult{USD: usd, Band: RevenueBand(usd), OK: true}
}

// RevenueBand maps USD to the contract's revenue bands, lower bound
// inclusive: 1e6 is "1M-10M", 1e9 is "1B+". Negative or NaN gives "".
func RevenueBand(usd float64) string {
	switch {
	case !(usd >= 0):
		return ""
	case usd < 1e6:
		return "<1M"
	case usd < 1e7:
		return "1M-10M"
	case usd < 5e7:
		return "10M-50M"
	case usd < 1e8:
		return "50M-100M"
	case usd < 5e8:
		return "100M-500M"
	case usd < 1e9:
		return "500M-1B"
	default:
		return "1B+"
	}
}

var revenueWords = func() map[string]revenueWord {
	m := map[string]revenueWord{}
	add := func(w revenueWord, keys ...string) {
		for _, k := range keys {
			m[k] = w
		}
	}
	add(revenueWord{kind: revenueUnit, mult: 1e3}, "k", "thousand", "thousands", "tsd", "tausend", "t")
	add(revenueWord{kind: revenueUnit, mult: 1e6}, "m", "mm", "mn", "mln", "mio", "mios", "million", "millions",
		"millionen", "millones", "milioni", "millon", "millón", "milhões", "milhoes", "miljoen", "miljoner")
	add(revenueWord{kind: revenueUnit, mult: 1e9}, "b", "bn", "bln", "bil", "billion", "billions", "mrd", "mrds",
		"md", "mds", "milliard", "milliards", "milliarden", "miliardi", "mld")
	add(revenueWord{kind: revenueUnit, mult: 1e12}, "tn", "trillion", "trillions")
	add(revenueWord{kind: revenueUnit, mult: 1e5}, "lakh", "lakhs", "lac", "lacs")
	add(revenueWord{kind: revenueUnit, mult: 1e7}, "crore", "crores", "cr", "crs")
	add(revenueWord{kind: revenueRange}, "to", "and", "bis", "till", "through", "thru")
	add(revenueWord{kind: revenueLess}, "under", "below", "less", "lower", "fewer", "up", "upto", "max", "maximum", "unter", "weniger")
	add(revenueWord{kind: revenueAtLeast}, "least", "min", "minimum", "mindestens")
	add(revenueWord{kind: revenueMore}, "over", "above", "more", "greater", "plus", "exceeds", "exceeding", "über", "uber", "mehr")
	add(revenueWord{kind: revenueNoise}, "at", "than", "between", "approx", "approximately", "about", "around", "circa", "ca",
		"est", "estimated", "roughly", "nearly", "almost", "annual", "annually", "revenue", "revenues", "sales", "turnover",
		"umsatz", "per", "year", "years", "yr", "p", "a", "pa", "fy", "ttm", "gross", "total", "usd", "in", "of", "at",
		"range", "from", "rund", "etwa", "als", "von", "only", "just")
	for code := range revenueDefaultRates().PerUSD {
		add(revenueWord{kind: revenueCurrency, cur: code}, strings.ToLower(code))
	}
	add(revenueWord{kind: revenueCurrency, cur: "USD"}, "dollar", "dollars", "us", "usd")
	add(revenueWord{kind: revenueCurrency, cur: "EUR"}, "euro", "euros", "eur")
	add(revenueWord{kind: revenueCurrency, cur: "GBP"}, "pound", "pounds", "sterling", "gbp")
	add(revenueWord{kind: revenueCurrency, cur: "JPY"}, "yen")
	add(revenueWord{kind: revenueCurrency, cur: "INR"}, "rs", "rupee", "rupees", "inr")
	add(revenueWord{kind: revenueCurrency, cur: "CHF"}, "fr", "sfr", "chf", "franken")
	add(revenueWord{kind: revenueCurrency, cur: "CNY"}, "rmb", "yuan")
	add(revenueWord{kind: revenueCurrency, cur: "BRL"}, "reais", "real")
	return m
}()
