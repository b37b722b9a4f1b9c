package industry

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"strings"
	"sync"

	"github.com/leadsmith/leadsmith/normalize/internal/fold"
)

// Result is what Parse makes of an industry value.
type Result struct {
	// Name is one of Names(), "" when OK is false.
	Name string
	// NAICS is the industry's two-digit NAICS 2022 sector ("51", "52"; the
	// sectors spanning several codes use their first: manufacturing "31",
	// retail "44", transportation "48"), "" when OK is false.
	NAICS string
	// Confidence is 1 for a taxonomy name or alias, lower for a value that
	// only contains one or only resembles one.
	Confidence float64
	// OK is false when the value matched nothing at ConfidenceFloor
	// or above: the caller records "industry_unmatched" unless Empty is set.
	OK bool
	// Empty is set for a blank value or a placeholder (see IsNull):
	// unknown, not a data-quality issue.
	Empty bool
}

// ConfidenceFloor is the lowest Confidence Parse accepts, set from
// two measurements (TestIndustry_FloorSeparatesTyposFromOtherWords
// keeps both from regressing). One-letter typos (deletion, swap, substitution, insertion) of
// every taxonomy name: 99.3% reach 0.88, 97.9% reach 0.92. Ninety-two
// ordinary words and phrases that are not industries: 15 reach 0.88
// ("Rental" -> Retail 0.91, "Electrician" -> Consumer Electronics 0.91,
// "Partner" -> Political Organization 0.91), 3 reach 0.92, each one letter
// from a real name ("Retain", "Minting", "Painting"). 0.92 gives up 1.4% of
// typos for five times fewer wrong industries; the typos seen in exports
// ("Computer Sofware", "Telecomunications", "Hosptial & Health Care") score
// 0.98 and above.
const ConfidenceFloor = 0.92

// IsNull reports whether an industry value means "unknown" ("N/A", "none",
// "-", "unknown", blank): the caller stores null and records no issue. It
// is the rule of every normalizer, normalize.NullToken. "Other" is not
// null: it is a picklist answer that says the source did not classify, and
// is reported as unmatched so a poor source picklist shows up in the
// data-quality figures.
func IsNull(s string) bool { return fold.NullToken(s) }

// Names returns the taxonomy's names in file order.
func Names() []string {
	t := industryTab()
	out := make([]string, len(t.names))
	copy(out, t.names)
	return out
}

// Parse maps a free-text industry onto the shipped taxonomy
// (normalize/industry/data/industries.csv): first an exact name or alias
// after folding, then the longest name or alias the value contains ("Retail
// Banking", "Software - Enterprise"), then a Jaro-Winkler match for typos.
// It is safe for concurrent use.
func Parse(raw string) Result {
	if IsNull(raw) {
		return Result{Empty: true}
	}
	t := industryTab()
	var wordBuf [12]string
	words := industryWords(raw, wordBuf[:0])
	if len(words) == 0 {
		return Result{}
	}
	key := strings.Join(words, " ")
	if i, ok := t.lookup(key); ok {
		return t.result(i, 1)
	}
	best, conf := -1, 0.0
	if i, c, ok := t.contained(words); ok {
		best, conf = i, c
	}
	if i, c, ok := t.fuzzy(key, words); ok && c > conf {
		best, conf = i, c
	}
	if best < 0 || conf < ConfidenceFloor {
		return Result{}
	}
	return t.result(best, conf)
}

func (t *industryTables) result(i int, conf float64) Result {
	return Result{Name: t.names[i], NAICS: t.naics[i], Confidence: conf, OK: true}
}

// industryNoise are words that never tell industries apart, dropped before
// matching so "Automotive Industry", "the automotive sector" and
// "Automotive" are one key.
var industryNoise = map[string]bool{
	"and": true, "und": true, "et": true, "y": true, "the": true, "of": true, "industry": true,
	"industries": true, "sector": true, "sectors": true, "branche": true, "secteur": true,
}

// industryFiller are words that say little on their own; a contained name
// covering everything but them is as good as the whole value.
var industryFiller = map[string]bool{
	"services": true, "service": true, "solutions": true, "products": true, "company": true,
	"companies": true, "group": true, "global": true, "international": true, "general": true,
	"other": true, "b2b": true, "b2c": true, "business": true, "enterprise": true, "provider": true,
	"providers": true,
}

// industryWords folds raw (case, accents, punctuation) into its words,
// without the noise words, keeping at most cap(buf): no industry name needs
// more than a dozen words, and the bound keeps a pasted paragraph cheap.
func industryWords(raw string, buf []string) []string {
	k := fold.Compact(fold.Key(raw))
	for k != "" {
		w, rest, _ := strings.Cut(k, " ")
		k = rest
		if !industryNoise[w] && len(buf) < cap(buf) {
			buf = append(buf, w)
		}
	}
	return buf
}

//go:embed data/industries.csv
var industryCSV string

type industryTables struct {
	names, naics []string
	exact        map[string]int // folded name or alias -> index into names
	compact      map[string]int // the same without spaces: "health care" = "healthcare"
	keys         []industryKey  // every name and alias, for the fuzzy match
	grams        map[uint64][]int32
}

var industryTab = sync.OnceValue(func() *industryTables {
	t, err := industryLoad(industryCSV)
	if err != nil {
		panic("normalize: " + err.Error())
	}
	return t
})

// industryLoad parses the taxonomy file. An alias that folds to the key of
// another industry is an error: the file would be ambiguous.
func industryLoad(text string) (*industryTables, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comment = '#'
	r.FieldsPerRecord = 3
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("data/industries.csv: %w", err)
	}
	if len(rows) < 2 || rows[0][0] != "name" {
		return nil, fmt.Errorf("data/industries.csv: want a name,naics_sector,aliases header")
	}
	t := &industryTables{exact: map[string]int{}, compact: map[string]int{}, grams: map[uint64][]int32{}}
	for _, row := range rows[1:] {
		i := len(t.names)
		name, sector := strings.TrimSpace(row[0]), strings.TrimSpace(row[1])
		if len(sector) != 2 || sector[0] < '1' || sector[0] > '9' || sector[1] < '0' || sector[1] > '9' {
			return nil, fmt.Errorf("data/industries.csv: %s: NAICS sector %q is not two digits", name, sector)
		}
		t.names = append(t.names, name)
		t.naics = append(t.naics, sector)
		for _, a := range append([]string{name}, strings.Split(row[2], "|")...) {
			if err := t.add(strings.TrimSpace(a), i); err != nil {
				return nil, fmt.Errorf("data/industries.csv: %s: %w", name, err)
			}
		}
	}
	return t, nil
}

func (t *industryTables) add(alias string, i int) error {
	if alias == "" {
		return nil
	}
	var buf [12]string
	key := strings.Join(industryWords(alias, buf[:0]), " ")
	if key == "" {
		return fmt.Errorf("alias %q folds to nothing", alias)
	}
	if j, ok := t.exact[key]; ok {
		if j != i {
			return fmt.Errorf("alias %q is also %s", alias, t.names[j])
		}
		return nil
	}
	t.exact[key] = i
	if c := strings.ReplaceAll(key, " ", ""); c != key {
		if j, ok := t.compact[c]; !ok || j == i {
			t.compact[c] = i
		}
	}
	t.addFuzzy(key, i)
	return nil
}

func (t *industryTables) lookup(key string) (int, bool) {
	if i, ok := t.exact[key]; ok {
		return i, true
	}
	if strings.IndexByte(key, ' ') < 0 {
		i, ok := t.compact[key]
		return i, ok
	}
	i, ok := t.compact[strings.ReplaceAll(key, " ", "")]
	return i, ok
}

// contained looks for names and aliases inside a longer value, longest
// first, each word used once, and picks the industry whose names cover the
// most letters. Its confidence grows with the share of the value covered,
// filler words not counted, and stays under the 1 of an exact match:
// "Healthcare - Hospitals" -> Hospital & Health Care 0.99 (both words are
// its aliases), "Oil & Gas Services" 0.99 (services is filler), "Marine
// Biology" 0.88 (under the floor: half the value is unexplained).
func (t *industryTables) contained(words []string) (int, float64, bool) {
	total := 0
	for _, w := range words {
		if !industryFiller[w] {
			total += len(w)
		}
	}
	if len(words) < 2 || total == 0 {
		return 0, 0, false
	}
	var used [12]bool
	var covered [12]struct{ industry, letters int }
	nc := 0
	var key []byte
	for size := len(words) - 1; size >= 1; size-- {
	spans:
		for a := 0; a+size <= len(words); a++ {
			for b := a; b < a+size; b++ {
				if used[b] {
					continue spans
				}
			}
			key = key[:0]
			n := 0
			for b := a; b < a+size; b++ {
				if b > a {
					key = append(key, ' ')
				}
				key = append(key, words[b]...)
				if !industryFiller[words[b]] {
					n += len(words[b])
				}
			}
			i, ok := t.lookup(string(key))
			if !ok || n == 0 {
				continue
			}
			for b := a; b < a+size; b++ {
				used[b] = true
			}
			c := 0
			for c < nc && covered[c].industry != i {
				c++
			}
			if c == nc {
				covered[c].industry = i
				nc++
			}
			covered[c].letters += n
		}
	}
	best := -1
	for c := 0; c < nc; c++ {
		if best < 0 || covered[c].letters > covered[best].letters {
			best = c
		}
	}
	if best < 0 {
		return 0, 0, false
	}
	cover := min(float64(covered[best].letters)/float64(total), 1)
	return covered[best].industry, 0.8 + 0.19*cover, true
}
