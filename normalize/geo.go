package normalize

import (
	_ "embed"
	"encoding/csv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/antzucaro/matchr"
	"github.com/leadsmith/leadsmith/normalize/internal/fold"
)

//go:embed data/countries.csv
var geoCountriesCSV string

type geoCountry struct {
	alpha3, name, region string
}

type geoFuzzyName struct {
	key, code string
	runes     int
}

type geoCountryTables struct {
	byKey map[string]string // folded name, alias, alpha-2 or alpha-3 -> alpha-2
	info  map[string]geoCountry
	fuzzy []geoFuzzyName
}

// geoCountryFuzzyMin and geoCountryFuzzyJW keep the misspelling fallback
// conservative: a short string ("Mali" vs "Bali") is too easy to turn into
// the wrong country, and a wrong country mis-routes a lead, while a miss
// only records a dq issue.
const (
	geoCountryFuzzyMin    = 6
	geoCountryFuzzyJW     = 0.93
	geoCountryFuzzyMargin = 0.03
)

var geoCountries = sync.OnceValue(func() *geoCountryTables {
	r := csv.NewReader(strings.NewReader(geoCountriesCSV))
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		panic("normalize: data/countries.csv: " + err.Error())
	}
	t := &geoCountryTables{byKey: map[string]string{}, info: map[string]geoCountry{}}
	for _, rec := range recs[1:] {
		a2, a3, name, region := rec[0], rec[1], rec[2], rec[3]
		t.info[a2] = geoCountry{alpha3: a3, name: name, region: region}
		names := append([]string{name}, strings.Split(rec[4], "|")...)
		for _, n := range append(names, a2, a3) {
			k := fold.Key(n)
			if k == "" {
				continue
			}
			t.byKey[k] = a2
			if c := fold.Compact(k); c != k {
				t.byKey[c] = a2
			}
		}
		for _, n := range names {
			k := fold.Key(n)
			if rc := utf8.RuneCountInString(k); rc >= geoCountryFuzzyMin-1 {
				t.fuzzy = append(t.fuzzy, geoFuzzyName{key: k, code: a2, runes: rc})
			}
		}
	}
	return t
})

// Country resolves a free-text country to its ISO 3166-1 alpha-2 code.
//
// It accepts English names, native and other common names ("Deutschland",
// "España", "Schweiz", "Suisse", "日本"), former and formal names ("Korea,
// Republic of", "Swaziland"), ISO alpha-2 and alpha-3 codes in any case,
// and abbreviations with or without dots ("USA", "U.S.A.", "UK", "U.K.",
// "UAE"). England, Scotland, Wales and Northern Ireland give GB; "Korea"
// gives KR; "America" gives US. "NA" is a null token everywhere in this
// package, so Namibia must be written out (or as NAM).
//
// When nothing matches exactly, a misspelling of six or more letters is
// matched to a country name or alias by Jaro-Winkler >= 0.93, and only when
// no other country scores within 0.03 of it ("Untied States" -> US,
// "Austrlia" -> nothing, as Austria is as close as Australia). empty is
// true for a null token; ok is false for anything else it cannot place.
func Country(raw string) (code string, ok bool, empty bool) {
	if NullToken(raw) {
		return "", false, true
	}
	t := geoCountries()
	k := fold.Key(raw)
	if c, hit := geoCountryLookup(t, k); hit {
		return c, true, false
	}
	if c, hit := geoCountryLookup(t, strings.TrimPrefix(k, "the ")); hit {
		return c, true, false
	}
	if _, region := geoNotCountries[k]; region {
		return "", false, false
	}
	if c := geoCountryFuzzy(t, k); c != "" {
		return c, true, false
	}
	return "", false, false
}

// geoNotCountries are regions written into country columns; without this
// list the fuzzy fallback would read "Americas" as America and "North
// America" as South Africa's neighbour in spelling.
var geoNotCountries = nameSet("americas", "the americas", "north america", "south america", "latin america",
	"central america", "europe", "european union", "eu", "asia", "asia pacific", "africa", "middle east", "emea",
	"apac", "latam", "oceania", "worldwide", "global", "international", "scandinavia", "benelux", "dach", "nordics",
	"caribbean", "southeast asia", "south east asia", "western europe", "eastern europe")

func geoCountryLookup(t *geoCountryTables, k string) (string, bool) {
	if c, ok := t.byKey[k]; ok {
		return c, true
	}
	c, ok := t.byKey[fold.Compact(k)]
	return c, ok
}

func geoCountryFuzzy(t *geoCountryTables, k string) string {
	n := utf8.RuneCountInString(k)
	if n < geoCountryFuzzyMin || strings.ContainsAny(k, "0123456789") {
		return ""
	}
	best, second := 0.0, 0.0
	bestCode := ""
	for _, f := range t.fuzzy {
		if d := f.runes - n; d > 3 || d < -3 {
			continue
		}
		s := matchr.JaroWinkler(k, f.key, false)
		switch {
		case s > best && f.code == bestCode:
			best = s
		case s > best:
			second, best, bestCode = best, s, f.code
		case s > second && f.code != bestCode:
			second = s
		}
	}
	if best < geoCountryFuzzyJW || best-second < geoCountryFuzzyMargin {
		return ""
	}
	return bestCode
}

// Region gives the sales region of an ISO alpha-2 code (any case): "NA" for
// the United States, Canada and the US territories in the Americas, Bermuda,
// Greenland and Saint Pierre and Miquelon; "LATAM" for Mexico, Central and
// South America and the Caribbean; "EMEA" for Europe (with Russia and
// the CIS), the Middle East and Africa; "APAC" for Asia and Oceania. ""
// for an unknown code and for Antarctica.
func Region(countryCode string) string {
	if len(countryCode) != 2 {
		return ""
	}
	return geoCountries().info[strings.ToUpper(countryCode)].region
}

// geoIsCountry reports whether code is an alpha-2 code of the table.
func geoIsCountry(code string) bool {
	_, ok := geoCountries().info[code]
	return ok
}
