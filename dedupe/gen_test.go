package dedupe

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// genContacts makes n realistic contact records in leadsmith's normalized
// columns, about a third of them corrupted duplicates of another, and
// returns the truth entity of each record.
func genContacts(n int, seed uint64) (*Table, []string) {
	rng := rand.New(rand.NewPCG(seed, 7))
	firsts := strings.Fields("james mary robert patricia john jennifer michael linda david elizabeth william barbara richard susan joseph jessica thomas sarah charles karen christopher lisa daniel nancy matthew betty anthony sandra mark ashley donald kimberly steven emily paul donna andrew michelle joshua carol kenneth amanda kevin melissa brian deborah george stephanie timothy rebecca ronald sharon edward laura jason cynthia jeffrey kathleen ryan amy jacob angela gary shirley nicholas anna eric brenda jonathan pamela stephen emma larry nicole justin helen scott samantha brandon katherine benjamin christine samuel debra")
	lasts := strings.Fields("smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson walker young allen king wright scott torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter roberts przybylski kowalczyk okafor nakamura lindqvist")
	companies := strings.Fields("acme globex initech umbrella hooli vandelay stark wayne wonka cyberdyne tyrell soylent massive oscorp aperture blackmesa monarch gringotts dunder pied")
	cities := strings.Fields("london paris berlin madrid rome boston chicago austin seattle denver dublin lisbon vienna prague warsaw oslo")
	titles := []string{"vice president marketing", "director of sales", "software engineer", "marketing manager", "chief executive officer", "account executive", "data analyst"}
	typo := func(s string) string {
		if len(s) < 3 {
			return s
		}
		b := []byte(s)
		switch k := rng.IntN(len(b) - 1); rng.IntN(3) {
		case 0:
			b[k], b[k+1] = b[k+1], b[k]
		case 1:
			b[k] = byte('a' + rng.IntN(26))
		default:
			b = append(b[:k], b[k+1:]...)
		}
		return string(b)
	}
	// A long tail of made-up surnames and companies keeps block sizes
	// realistic as n grows: real contact lists have thousands of each.
	syllables := strings.Fields("ka lo mi ran tes vor bel din gar hol sen tur pra wex zan qui fol mer")
	word := func(parts int) string {
		var b strings.Builder
		for k := 0; k < parts; k++ {
			b.WriteString(syllables[rng.IntN(len(syllables))])
		}
		return b.String()
	}
	for k := len(companies); k < max(20, n/100); k++ {
		companies = append(companies, word(3))
	}
	for k := 0; k < n/20; k++ {
		lasts = append(lasts, word(2+rng.IntN(2)))
	}
	cols := []string{"first_name", "last_name", "email_key", "phone_e164", "company_key", "city", "postal_code", "title_norm"}
	t := &Table{Cols: map[string][]string{}}
	truth := make([]string, 0, n)
	var base [][]string
	for i := 0; i < n; i++ {
		var rec []string
		entity := len(base)
		if len(base) > 0 && rng.IntN(3) == 0 {
			entity = rng.IntN(len(base))
			rec = append([]string(nil), base[entity]...)
			for c := range rec {
				switch r := rng.IntN(10); {
				case r == 0:
					rec[c] = ""
				case r < 3 && c != 3:
					rec[c] = typo(rec[c])
				}
			}
		} else {
			f, l := firsts[rng.IntN(len(firsts))], lasts[rng.IntN(len(lasts))]
			co := companies[rng.IntN(len(companies))]
			rec = []string{f, l, fmt.Sprintf("%s.%s%d@%s.com", f, l, rng.IntN(100), co), fmt.Sprintf("+1%010d", rng.Int64N(1e10)),
				co, cities[rng.IntN(len(cities))], fmt.Sprintf("%05d", rng.IntN(100000)), titles[rng.IntN(len(titles))]}
			base = append(base, rec)
		}
		t.IDs = append(t.IDs, fmt.Sprintf("src/%d", i))
		for c, name := range cols {
			t.Cols[name] = append(t.Cols[name], rec[c])
		}
		truth = append(truth, fmt.Sprint(entity))
	}
	return t, truth
}
