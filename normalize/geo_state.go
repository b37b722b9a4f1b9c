package normalize

import (
	_ "embed"
	"encoding/csv"
	"strings"
	"sync"

	"github.com/leadsmith/leadsmith/normalize/internal/fold"
)

//go:embed data/subdivisions.csv
var geoSubdivisionsCSV string

// geoStateCountries lists the countries State knows, in the order an
// ambiguous name is tried when the country is unknown.
var geoStateCountries = [...]string{"US", "CA", "AU"}

type geoStateTables struct {
	byCountry map[string]map[string]string // country -> folded key -> ISO 3166-2
}

var geoStates = sync.OnceValue(func() *geoStateTables {
	r := csv.NewReader(strings.NewReader(geoSubdivisionsCSV))
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		panic("normalize: data/subdivisions.csv: " + err.Error())
	}
	t := &geoStateTables{byCountry: map[string]map[string]string{}}
	for _, rec := range recs[1:] {
		code, name := rec[0], rec[1]
		country, sub, _ := strings.Cut(code, "-")
		m := t.byCountry[country]
		if m == nil {
			m = map[string]string{}
			t.byCountry[country] = m
		}
		keys := append([]string{name, sub}, strings.Split(rec[2], "|")...)
		for _, n := range keys {
			if k := fold.Key(n); k != "" {
				m[k] = code
				m[fold.Compact(k)] = code
			}
		}
	}
	return t
})

// StateSupported reports whether State has a subdivision table for the
// country (US, CA, AU). For other countries State always answers !ok, which
// the caller should not record as a data-quality issue.
func StateSupported(countryCode string) bool {
	_, ok := geoStates().byCountry[strings.ToUpper(countryCode)]
	return ok
}

// State resolves a state or province to its ISO 3166-2 code ("US-CA",
// "CA-ON", "AU-NSW") for the United States (50 states, DC and the outlying
// areas), Canada and Australia. It accepts names (any case, accents
// optional, French names of Canadian provinces), postal codes ("CA", "ON",
// "NSW"), the ISO code itself, and dotted abbreviations ("Calif.", "Mass.",
// "N.Y.", "Penna.", "Qld.").
//
// countryCode is the record's country as alpha-2 (or anything Country
// understands). When it is given, only that country's table is searched.
// When it is "", the rule is:
//   - a two-letter code that is a US postal code is the US state, even
//     where it is also another country's code ("CA" is California, "DE" is
//     Delaware): a state column holding a two-letter code is overwhelmingly
//     American in B2B data;
//   - anything else resolves only if exactly one of the three countries
//     knows it ("Ontario", "NSW", "Victoria"); "NT" (Northwest Territories
//     or Northern Territory) stays unresolved.
//
// empty is true for a null token.
func State(raw, countryCode string) (code string, ok bool, empty bool) {
	if NullToken(raw) {
		return "", false, true
	}
	t := geoStates()
	k := fold.Key(raw)
	country := geoStateCountry(countryCode)
	if country == "-" {
		return "", false, false
	}
	// "US-CA", "us ca": an ISO code names its own country.
	if pre, sub, cut := strings.Cut(k, " "); cut && len(pre) == 2 && !strings.Contains(sub, " ") {
		if m, known := t.byCountry[strings.ToUpper(pre)]; known && (country == "" || country == strings.ToUpper(pre)) {
			if c, hit := m[sub]; hit && strings.HasSuffix(c, "-"+strings.ToUpper(sub)) {
				return c, true, false
			}
		}
	}
	if country != "" {
		m, known := t.byCountry[country]
		if !known {
			return "", false, false
		}
		c, hit := m[k]
		if !hit {
			c, hit = m[fold.Compact(k)]
		}
		return c, hit, false
	}
	kc := fold.Compact(k)
	if len(kc) == 2 {
		if c, hit := t.byCountry["US"][kc]; hit && strings.HasSuffix(c, "-"+strings.ToUpper(kc)) {
			return c, true, false
		}
	}
	found := ""
	for _, cc := range geoStateCountries {
		c, hit := t.byCountry[cc][k]
		if !hit {
			c, hit = t.byCountry[cc][kc]
		}
		if hit {
			if found != "" {
				return "", false, false
			}
			found = c
		}
	}
	return found, found != "", false
}

// geoStateCountry turns the caller's country into an alpha-2 code: "" when
// blank, "-" when given but not a country.
func geoStateCountry(countryCode string) string {
	if NullToken(countryCode) {
		return ""
	}
	if up := strings.ToUpper(strings.TrimSpace(countryCode)); len(up) == 2 && geoIsCountry(up) {
		return up
	}
	if c, ok, _ := Country(countryCode); ok {
		return c
	}
	return "-"
}

// CountryOfState gives the country of an ISO 3166-2 code ("US-CA" -> "US"),
// so a record with a resolved state and no country can take the state's
// country. "" when the prefix is not a known alpha-2 code.
func CountryOfState(stateCode string) string {
	pre, _, ok := strings.Cut(stateCode, "-")
	if !ok || len(pre) != 2 {
		return ""
	}
	pre = strings.ToUpper(pre)
	if !geoIsCountry(pre) {
		return ""
	}
	return pre
}
