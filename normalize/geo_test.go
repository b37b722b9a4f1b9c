package normalize

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/leadsmith/leadsmith/normalize/internal/fold"
)

func TestCountry_NamesCodesAndAliases(t *testing.T) {
	cases := map[string]string{
		// United States in its many spellings
		"United States": "US", "united states": "US", "UNITED STATES": "US", "USA": "US", "usa": "US",
		"U.S.": "US", "U.S.A.": "US", "U. S. A.": "US", "US": "US", "us": "US", "US of A": "US",
		"United States of America": "US", "America": "US", "The United States": "US",
		"Estados Unidos": "US", "EE.UU.": "US", "Vereinigte Staaten": "US", "États-Unis": "US",
		// United Kingdom
		"UK": "GB", "U.K.": "GB", "GB": "GB", "GBR": "GB", "United Kingdom": "GB", "Great Britain": "GB",
		"England": "GB", "Scotland": "GB", "Wales": "GB", "Northern Ireland": "GB", "Britain": "GB",
		"Royaume-Uni": "GB", "Großbritannien": "GB",
		// native names
		"Deutschland": "DE", "DEUTSCHLAND": "DE", "Germany": "DE", "DE": "DE", "deu": "DE", "Allemagne": "DE",
		"España": "ES", "Espana": "ES", "ESPAÑA": "ES", "Spain": "ES",
		"Brasil": "BR", "Brazil": "BR", "Brésil": "BR",
		"Nederland": "NL", "Holland": "NL", "The Netherlands": "NL", "Netherlands": "NL", "NLD": "NL",
		"Schweiz": "CH", "Suisse": "CH", "Svizzera": "CH", "Switzerland": "CH", "CHE": "CH",
		"Österreich": "AT", "Oesterreich": "AT", "Osterreich": "AT", "Austria": "AT",
		"Italia": "IT", "Italy": "IT", "Polska": "PL", "Poland": "PL", "Sverige": "SE", "Sweden": "SE",
		"Nihon": "JP", "日本": "JP", "Japan": "JP", "JPN": "JP",
		"France": "FR", "Belgique": "BE", "België": "BE", "Danmark": "DK", "Norge": "NO", "Suomi": "FI",
		"Éire": "IE", "Ireland": "IE", "Česko": "CZ", "Czech Republic": "CZ", "Magyarország": "HU",
		"Россия": "RU", "Russia": "RU", "Russian Federation": "RU", "中国": "CN", "China": "CN", "PRC": "CN",
		"México": "MX", "Mexico": "MX", "MEX": "MX", "Türkiye": "TR", "Turkey": "TR",
		// formal names, abbreviations, former names
		"Korea, Republic of": "KR", "South Korea": "KR", "Korea": "KR", "Republic of Korea": "KR",
		"North Korea": "KP", "DPRK": "KP", "UAE": "AE", "U.A.E.": "AE", "United Arab Emirates": "AE",
		"KSA": "SA", "Saudi Arabia": "SA", "Swaziland": "SZ", "Burma": "MM", "Ivory Coast": "CI",
		"Côte d'Ivoire": "CI", "Cote dIvoire": "CI", "DR Congo": "CD", "Congo": "CG", "Viet Nam": "VN",
		"Vietnam": "VN", "Iran, Islamic Republic of": "IR", "Taiwan": "TW", "Hong Kong": "HK",
		"Hong Kong SAR": "HK", "Macau": "MO", "Cape Verde": "CV", "Czechia": "CZ", "East Timor": "TL",
		"Trinidad & Tobago": "TT", "St. Lucia": "LC", "Bosnia and Herzegovina": "BA",
		"Namibia": "NA", "NAM": "NA", "Canada": "CA", "CAN": "CA", "Australia": "AU", "AUS": "AU",
		"New Zealand": "NZ", "India": "IN", "IND": "IN", "Singapore": "SG", "South Africa": "ZA",
		"Kosovo": "XK", "Puerto Rico": "PR", "Åland Islands": "AX", "Curaçao": "CW", "Réunion": "RE",
		"  germany  ": "DE", "Germany.": "DE", "germany,": "DE",
	}
	for raw, want := range cases {
		got, ok, empty := Country(raw)
		if !ok || empty || got != want {
			t.Errorf("Country(%q) = %q ok=%v empty=%v, want %q", raw, got, ok, empty, want)
		}
	}
}

func TestCountry_FuzzyOnlyForLongUnambiguousMisspellings(t *testing.T) {
	cases := map[string]string{
		"Untied States": "US", "Germnay": "DE", "Switzerlnd": "CH",
		"Netherlnds": "NL", "Untied Kingdom": "GB", "Phillipines": "PH", "Argentia": "AR",
		"Austrlia": "", "Swedn": "", "Frnce": "", "Gremany of the east": "", "Mali x": "",
	}
	for raw, want := range cases {
		got, ok, _ := Country(raw)
		if got != want || ok != (want != "") {
			t.Errorf("Country(%q) = %q ok=%v, want %q", raw, got, ok, want)
		}
	}
}

func TestCountry_EmptyAndUnknown(t *testing.T) {
	for _, raw := range []string{"", "  ", "N/A", "n/a", "NA", "-", "unknown", "null"} {
		if _, ok, empty := Country(raw); ok || !empty {
			t.Errorf("Country(%q): ok=%v empty=%v, want empty", raw, ok, empty)
		}
	}
	for _, raw := range []string{"XX", "Atlantis", "Europe", "ZZZ", "Earth", "123", "Mars colony", "Americas",
		"North America", "Latin America", "South America", "EMEA", "Asia Pacific", "Worldwide"} {
		if c, ok, empty := Country(raw); ok || empty {
			t.Errorf("Country(%q) = %q ok=%v empty=%v, want unknown", raw, c, ok, empty)
		}
	}
}

func TestCountry_TableHasEveryISOCodeOnceAndARegion(t *testing.T) {
	tab := geoCountries()
	if n := len(tab.info); n != 250 {
		t.Errorf("countries.csv has %d countries, want 249 ISO + XK", n)
	}
	seen := map[string]string{}
	for a2, c := range tab.info {
		if len(a2) != 2 || len(c.alpha3) != 3 || c.name == "" {
			t.Errorf("bad row %s %+v", a2, c)
		}
		if other, dup := seen[c.alpha3]; dup {
			t.Errorf("alpha3 %s used by %s and %s", c.alpha3, other, a2)
		}
		seen[c.alpha3] = a2
		if c.region == "" && a2 != "AQ" {
			t.Errorf("%s has no region", a2)
		}
		if got, ok, _ := Country(c.name); !ok || got != a2 {
			t.Errorf("Country(%q) = %q, want %s", c.name, got, a2)
		}
	}
}

func TestCountry_AliasesNeverCollide(t *testing.T) {
	r := csv.NewReader(strings.NewReader(geoCountriesCSV))
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]string{}
	for _, rec := range recs[1:] {
		for _, n := range append([]string{rec[0], rec[1], rec[2]}, strings.Split(rec[4], "|")...) {
			k := fold.Key(n)
			if prev, ok := byKey[k]; ok && k != "" && prev != rec[0] {
				t.Errorf("key %q names both %s and %s", k, prev, rec[0])
			}
			byKey[k] = rec[0]
		}
	}
}

func TestRegion_FromCountryCode(t *testing.T) {
	cases := map[string]string{
		"US": "NA", "us": "NA", "CA": "NA", "MX": "LATAM", "BR": "LATAM", "AR": "LATAM", "JM": "LATAM",
		"DE": "EMEA", "GB": "EMEA", "ZA": "EMEA", "AE": "EMEA", "RU": "EMEA", "EG": "EMEA", "IL": "EMEA",
		"JP": "APAC", "CN": "APAC", "IN": "APAC", "AU": "APAC", "NZ": "APAC", "SG": "APAC",
		"": "", "XX": "", "USA": "", "AQ": "",
	}
	for code, want := range cases {
		if got := Region(code); got != want {
			t.Errorf("Region(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestState_ByNameCodeAndAbbreviation(t *testing.T) {
	cases := []struct{ raw, country, want string }{
		{"California", "US", "US-CA"}, {"CA", "US", "US-CA"}, {"ca", "us", "US-CA"}, {"Calif.", "US", "US-CA"},
		{"Mass.", "US", "US-MA"}, {"Massachusetts", "", "US-MA"}, {"N.Y.", "US", "US-NY"}, {"NY", "", "US-NY"},
		{"New York", "", "US-NY"}, {"new york", "US", "US-NY"}, {"Penna.", "", "US-PA"}, {"Fla.", "", "US-FL"},
		{"Tex.", "US", "US-TX"}, {"TX", "", "US-TX"}, {"Washington", "", "US-WA"}, {"Washington DC", "", "US-DC"},
		{"District of Columbia", "US", "US-DC"}, {"D.C.", "", "US-DC"}, {"W. Va.", "", "US-WV"},
		{"West Virginia", "", "US-WV"}, {"Georgia", "US", "US-GA"}, {"Georgia", "", "US-GA"},
		{"Hawai'i", "", "US-HI"}, {"Puerto Rico", "US", "US-PR"}, {"PR", "", "US-PR"}, {"Guam", "US", "US-GU"},
		{"US-CA", "", "US-CA"}, {"us-ny", "US", "US-NY"}, {"DE", "", "US-DE"}, {"IN", "", "US-IN"},
		{"CA", "", "US-CA"}, {"California", "United States", "US-CA"}, {"California", "USA", "US-CA"},
		{"Ontario", "", "CA-ON"}, {"ON", "CA", "CA-ON"}, {"Ont.", "", "CA-ON"}, {"Québec", "", "CA-QC"},
		{"Quebec", "CA", "CA-QC"}, {"QC", "", "CA-QC"}, {"British Columbia", "", "CA-BC"}, {"B.C.", "CA", "CA-BC"},
		{"BC", "", "CA-BC"}, {"Colombie-Britannique", "", "CA-BC"}, {"Nouvelle-Écosse", "", "CA-NS"},
		{"Alberta", "Canada", "CA-AB"}, {"NT", "CA", "CA-NT"}, {"CA-ON", "", "CA-ON"}, {"Newfoundland", "", "CA-NL"},
		{"New South Wales", "", "AU-NSW"}, {"NSW", "", "AU-NSW"}, {"nsw", "AU", "AU-NSW"}, {"Victoria", "", "AU-VIC"},
		{"VIC", "AU", "AU-VIC"}, {"Qld.", "", "AU-QLD"}, {"Western Australia", "", "AU-WA"}, {"WA", "AU", "AU-WA"},
		{"WA", "", "US-WA"}, {"SA", "AU", "AU-SA"}, {"NT", "AU", "AU-NT"}, {"AU-NSW", "", "AU-NSW"},
		{"Tasmania", "Australia", "AU-TAS"}, {"ACT", "", "AU-ACT"},
	}
	for _, c := range cases {
		got, ok, empty := State(c.raw, c.country)
		if !ok || empty || got != c.want {
			t.Errorf("State(%q, %q) = %q ok=%v empty=%v, want %q", c.raw, c.country, got, ok, empty, c.want)
		}
	}
}

func TestState_UnresolvedAndEmpty(t *testing.T) {
	cases := []struct{ raw, country string }{
		{"NT", ""}, {"Bavaria", "DE"}, {"California", "CA"}, {"Ontario", "US"}, {"ON", "AU"}, {"XY", ""},
		{"Springfield", ""}, {"CA", "Atlantis"}, {"US-ON", ""}, {"CA-CA", ""}, {"AU-NSW", "US"},
	}
	for _, c := range cases {
		if got, ok, empty := State(c.raw, c.country); ok || empty {
			t.Errorf("State(%q, %q) = %q ok=%v empty=%v, want unresolved", c.raw, c.country, got, ok, empty)
		}
	}
	for _, raw := range []string{"", "N/A", "-", " "} {
		if _, ok, empty := State(raw, "US"); ok || !empty {
			t.Errorf("State(%q) ok=%v empty=%v, want empty", raw, ok, empty)
		}
	}
}

func TestCountryOfState_Prefix(t *testing.T) {
	cases := map[string]string{"US-CA": "US", "CA-ON": "CA", "AU-NSW": "AU", "us-ny": "US", "": "", "CA": "", "XX-YY": "", "USA-CA": ""}
	for in, want := range cases {
		if got := CountryOfState(in); got != want {
			t.Errorf("CountryOfState(%q) = %q, want %q", in, got, want)
		}
	}
	if !StateSupported("us") || !StateSupported("AU") || StateSupported("DE") {
		t.Error("StateSupported covers exactly US, CA, AU")
	}
}

func BenchmarkCountry(b *testing.B) {
	inputs := []string{"United States", "U.S.A.", "Deutschland", "GB", "España", "Korea, Republic of"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Country(inputs[i%len(inputs)])
	}
}

func BenchmarkCountryFuzzy(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Country("Untied States")
	}
}

func BenchmarkState(b *testing.B) {
	inputs := []struct{ raw, country string }{{"California", "US"}, {"N.Y.", ""}, {"ON", "CA"}, {"New South Wales", ""}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		in := inputs[i%len(inputs)]
		State(in.raw, in.country)
	}
}

func FuzzCountry(f *testing.F) {
	for _, s := range []string{"USA", "U.S.A.", "Deutschland", "日本", "Untied States", "N/A", "Korea, Republic of"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, ok, empty := Country(s)
		if ok && (len(code) != 2 || Region(code) == "" && code != "AQ") {
			t.Fatalf("Country(%q) = %q", s, code)
		}
		if ok && empty {
			t.Fatalf("Country(%q) both ok and empty", s)
		}
		st, sok, _ := State(s, "")
		if sok && CountryOfState(st) == "" {
			t.Fatalf("State(%q) = %q has no country", s, st)
		}
	})
}
