package dedupe

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/leadsmith/leadsmith/dedupe/compare"
)

// oneRecordTables makes two one-record tables with the given columns.
func oneRecordTables(a, b map[string]string) (*Table, *Table) {
	mk := func(id string, vals map[string]string) *Table {
		t := &Table{IDs: []string{id}, Cols: map[string][]string{}}
		for c, v := range vals {
			t.Cols[c] = []string{v}
		}
		return t
	}
	return mk("left/1", a), mk("right/1", b)
}

func TestBlockKeys_EqualAcrossTablesExactlyWhenPreparedKeysAre(t *testing.T) {
	cases := []struct {
		name      string
		keys      []string
		a, b      map[string]string
		same      bool
		nullA     bool // a's key is 0
		nullB     bool
		wantMatch string // informational
	}{
		{name: "exact equal", keys: []string{"last_name"}, a: map[string]string{"last_name": "smith"}, b: map[string]string{"last_name": "smith"}, same: true},
		{name: "exact ignores case and surrounding spaces", keys: []string{"last_name"}, a: map[string]string{"last_name": "  SMITH "}, b: map[string]string{"last_name": "Smith"}, same: true},
		{name: "explicit exact transform", keys: []string{"last_name:exact"}, a: map[string]string{"last_name": "Smith\t"}, b: map[string]string{"last_name": "smith"}, same: true},
		{name: "lower transform", keys: []string{"last_name:lower"}, a: map[string]string{"last_name": "ÉLISE"}, b: map[string]string{"last_name": "élise"}, same: true},
		{name: "exact differs", keys: []string{"last_name"}, a: map[string]string{"last_name": "smith"}, b: map[string]string{"last_name": "smyth"}},
		{name: "inner spaces count", keys: []string{"last_name"}, a: map[string]string{"last_name": "van dam"}, b: map[string]string{"last_name": "vandam"}},
		{name: "dmetaphone equal", keys: []string{"last_name:dmetaphone"}, a: map[string]string{"last_name": "Smith"}, b: map[string]string{"last_name": "SMYTH"}, same: true},
		{name: "dmetaphone differs", keys: []string{"last_name:dmetaphone"}, a: map[string]string{"last_name": "smith"}, b: map[string]string{"last_name": "jones"}},
		{name: "email_key folds gmail dots and tags", keys: []string{"email:email_key"}, a: map[string]string{"email": "John.Doe+news@GoogleMail.com"}, b: map[string]string{"email": "johndoe@gmail.com"}, same: true},
		{name: "email_key differs", keys: []string{"email:email_key"}, a: map[string]string{"email": "john@a.com"}, b: map[string]string{"email": "john@b.com"}},
		{name: "email_key of a non-address is null", keys: []string{"email:email_key"}, a: map[string]string{"email": "not an address"}, b: map[string]string{"email": "x@y.z"}, nullA: true},
		{name: "prefix:3 equal", keys: []string{"company:prefix:3"}, a: map[string]string{"company": "Acme Corp"}, b: map[string]string{"company": " acmeville"}, same: true},
		{name: "prefix:3 differs", keys: []string{"company:prefix:3"}, a: map[string]string{"company": "acme"}, b: map[string]string{"company": "acne"}},
		{name: "two keys equal", keys: []string{"first_name:dmetaphone", "company"}, a: map[string]string{"first_name": "Jon", "company": "ACME"}, b: map[string]string{"first_name": "john", "company": "acme"}, same: true},
		{name: "two keys, second differs", keys: []string{"first_name:dmetaphone", "company"}, a: map[string]string{"first_name": "jon", "company": "acme"}, b: map[string]string{"first_name": "jon", "company": "globex"}},
		{name: "two keys, swapped values differ", keys: []string{"first_name", "last_name"}, a: map[string]string{"first_name": "lee", "last_name": "kim"}, b: map[string]string{"first_name": "kim", "last_name": "lee"}},
		{name: "null second part", keys: []string{"first_name", "company"}, a: map[string]string{"first_name": "ann", "company": ""}, b: map[string]string{"first_name": "ann", "company": "   "}, nullA: true, nullB: true},
		{name: "null first part", keys: []string{"first_name", "company"}, a: map[string]string{"first_name": "", "company": "acme"}, b: map[string]string{"first_name": "ann", "company": "acme"}, nullA: true},
		{name: "null phonetic part", keys: []string{"first_name:dmetaphone", "company"}, a: map[string]string{"first_name": "123", "company": "acme"}, b: map[string]string{"first_name": "ann", "company": "acme"}, nullA: true},
		{name: "single null key", keys: []string{"last_name"}, a: map[string]string{"last_name": ""}, b: map[string]string{"last_name": ""}, nullA: true, nullB: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ta, tb := oneRecordTables(tc.a, tc.b)
			rules := []BlockingRule{{Name: "r", Keys: tc.keys}}
			ka, err := BlockKeys(ta, rules)
			if err != nil {
				t.Fatal(err)
			}
			kb, err := BlockKeys(tb, rules)
			if err != nil {
				t.Fatal(err)
			}
			if len(ka) != 1 || len(ka[0]) != 1 || len(kb) != 1 || len(kb[0]) != 1 {
				t.Fatalf("keys shaped %v and %v, want one rule of one record", ka, kb)
			}
			a, b := ka[0][0], kb[0][0]
			if (a == 0) != tc.nullA || (b == 0) != tc.nullB {
				t.Errorf("keys %x and %x, want null %v and %v", a, b, tc.nullA, tc.nullB)
			}
			if tc.nullA || tc.nullB {
				return
			}
			if (a == b) != tc.same {
				t.Errorf("keys %x and %x: equal = %v, want %v", a, b, a == b, tc.same)
			}
		})
	}
}

// TestBlockKeys_AgreeWithBlocking checks BlockKeys against the blocker
// itself on generated contacts: within one table, two records share a
// BlockKeys key exactly when they share the blocker's key, and a record has
// no key in both or neither. Splitting the table in two (as an incremental
// night does) changes no record's key.
func TestBlockKeys_AgreeWithBlocking(t *testing.T) {
	tab, _ := genContacts(400, 11)
	rules := append(DefaultSettings().BlockingRules,
		BlockingRule{Name: "email_prefix", Keys: []string{"email_key:prefix:3", "city:soundex"}},
		BlockingRule{Name: "mail", Keys: []string{"email_key:email_key"}})
	keys, err := BlockKeys(tab, rules)
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != len(rules) {
		t.Fatalf("%d key sets for %d rules", len(keys), len(rules))
	}
	p := newPrepared(tab)
	for r, rule := range rules {
		cr, err := compileRule(p, rule)
		if err != nil {
			t.Fatal(err)
		}
		own := keys[r]
		if len(own) != tab.Len() {
			t.Fatalf("rule %s: %d keys for %d records", rule.Name, len(own), tab.Len())
		}
		shared := 0
		for i := range own {
			if (own[i] == 0) != (cr.keys[i] == 0) {
				t.Fatalf("rule %s record %d: BlockKeys %x, blocker %x", rule.Name, i, own[i], cr.keys[i])
			}
			for j := i + 1; j < len(own); j++ {
				if own[i] == 0 || own[j] == 0 {
					continue
				}
				if (own[i] == own[j]) != (cr.keys[i] == cr.keys[j]) {
					t.Fatalf("rule %s records %d, %d: BlockKeys equal %v, blocker %v", rule.Name, i, j, own[i] == own[j], cr.keys[i] == cr.keys[j])
				}
				if own[i] == own[j] {
					shared++
				}
			}
		}
		if shared == 0 {
			t.Errorf("rule %s: no two records share a block; the test proves nothing", rule.Name)
		}
	}
	// Two halves, keyed separately, keep every record's key.
	for _, part := range [][]int{evens(tab.Len()), odds(tab.Len())} {
		sub := subTable(tab, part)
		pk, err := BlockKeys(sub, rules)
		if err != nil {
			t.Fatal(err)
		}
		for r := range rules {
			for k, i := range part {
				if pk[r][k] != keys[r][i] {
					t.Fatalf("rule %s record %d: key %x in a part, %x in the whole", rules[r].Name, i, pk[r][k], keys[r][i])
				}
			}
		}
	}
}

func TestBlockKeys_Errors(t *testing.T) {
	tab := &Table{IDs: []string{"a"}, Cols: map[string][]string{"x": {"1"}}}
	for name, rule := range map[string]BlockingRule{
		"unknown column":    {Keys: []string{"y"}},
		"unknown transform": {Keys: []string{"x:bogus"}},
		"bad prefix":        {Keys: []string{"x:prefix:0"}},
		"empty column":      {Keys: []string{":dmetaphone"}},
		"second key bad":    {Keys: []string{"x", "nope"}},
	} {
		if _, err := BlockKeys(tab, []BlockingRule{{Keys: []string{"x"}}, rule}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	keys, err := BlockKeys(tab, nil)
	if err != nil || len(keys) != 0 {
		t.Errorf("no rules: %v, %v", keys, err)
	}
}

func TestBlockingColumns(t *testing.T) {
	cases := []struct {
		rules []BlockingRule
		want  []string
	}{
		{nil, nil},
		{DefaultSettings().BlockingRules, []string{"email_key", "phone_e164", "first_name", "company_key", "last_name", "postal_code"}},
		{[]BlockingRule{{Keys: []string{"a:prefix:3", " b :dmetaphone"}}, {Keys: []string{"b", "a:soundex", "c"}}}, []string{"a", "b", "c"}},
		{[]BlockingRule{{Keys: []string{":bad", "d:bogus", "e"}}}, []string{"e"}},
	}
	for _, tc := range cases {
		if got := BlockingColumns(tc.rules); !slices.Equal(got, tc.want) {
			t.Errorf("BlockingColumns(%v) = %q, want %q", tc.rules, got, tc.want)
		}
	}
}

func TestSettings_TFColumns(t *testing.T) {
	got := DefaultSettings().TFColumns()
	want := []TFColumn{{"first_name", ""}, {"last_name", ""}, {"company_key", ""}, {"city", ""}, {"postal_code", ""}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("default TF columns = %v, want %v", got, want)
	}
	s := Settings{Comparisons: []Comparison{
		{Name: "fn", Column: "first_name", Levels: []Level{{Type: "null"}, {Type: "exact", TermFrequency: true}, {Type: "exact", Transform: "nysiis", TermFrequency: true}, {Type: "else"}}},
		{Name: "fn_sound", Column: "first_name", Levels: []Level{{Type: "exact", Transform: "dmetaphone", TermFrequency: true}, {Type: "else"}}},
		{Name: "fn_again", Column: "first_name", Levels: []Level{{Type: "exact", TermFrequency: true}, {Type: "else"}}},
		{Name: "title", Column: "title", Levels: []Level{{Type: "exact"}, {Type: "else"}}},
		{Name: "city", Column: "city", Levels: []Level{{Type: "jaro_winkler", Threshold: 0.9}, {Type: "exact", Transform: "prefix:3", TermFrequency: true}, {Type: "else"}}},
	}}
	got = s.TFColumns()
	// Only each comparison's first TF level counts; duplicates fold.
	want = []TFColumn{{"first_name", ""}, {"first_name", "dmetaphone"}, {"city", "prefix:3"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("TF columns = %v, want %v", got, want)
	}
	if (TFColumn{"first_name", ""}).Key() == (TFColumn{"first_name", "dmetaphone"}).Key() {
		t.Error("a column's keys collide across transforms")
	}
	if len((Settings{}).TFColumns()) != 0 {
		t.Error("TF columns of empty settings")
	}
}

func TestPopulation_CountsNormalizedValues(t *testing.T) {
	s := Settings{Comparisons: []Comparison{
		{Name: "fn", Column: "first_name", Levels: []Level{{Type: "null"}, {Type: "exact", TermFrequency: true}, {Type: "else"}}},
		{Name: "fn_sound", Column: "first_name", Levels: []Level{{Type: "null"}, {Type: "exact", Transform: "dmetaphone", TermFrequency: true}, {Type: "else"}}},
		{Name: "title", Column: "title", Levels: []Level{{Type: "null"}, {Type: "exact"}, {Type: "else"}}},
	}}
	p, err := NewPopulation(s)
	if err != nil {
		t.Fatal(err)
	}
	if cols := p.Columns(s); !slices.Equal(cols, []string{"first_name"}) {
		t.Errorf("columns = %q, want [first_name]", cols)
	}
	batch := []string{"John", " john ", "JON", "", "  ", "mary"}
	p.Add(s, "first_name", batch)
	copy(batch, []string{"zzz", "zzz", "zzz", "zzz", "zzz", "zzz"}) // a reused batch must not change counts
	p.Add(s, "first_name", []string{"john"})
	p.Add(s, "title", []string{"ceo", "ceo"}) // not a TF column: ignored
	exact := TFColumn{"first_name", ""}.Key()
	sound := TFColumn{"first_name", "dmetaphone"}.Key()
	if want := map[string]int{"john": 3, "jon": 1, "mary": 1}; !reflect.DeepEqual(p.counts[exact], want) {
		t.Errorf("exact counts = %v, want %v", p.counts[exact], want)
	}
	if p.nonNull[exact] != 5 || p.nonNull[sound] != 5 {
		t.Errorf("non-null = %d exact, %d sound; want 5", p.nonNull[exact], p.nonNull[sound])
	}
	// John and Jon sound the same.
	if n := len(p.counts[sound]); n != 2 {
		t.Errorf("sound counts = %v, want two codes", p.counts[sound])
	}
	for code, n := range p.counts[sound] {
		if n != 4 && n != 1 {
			t.Errorf("sound code %q counted %d, want 4 (john, jon) or 1 (mary)", code, n)
		}
	}
	if len(p.counts) != 2 {
		t.Errorf("population has %d columns, want 2", len(p.counts))
	}
	bad := Settings{Comparisons: []Comparison{{Name: "x", Column: "x", Levels: []Level{{Type: "exact", Transform: "bogus", TermFrequency: true}, {Type: "else"}}}}}
	if _, err := NewPopulation(bad); err == nil {
		t.Error("no error for an unknown transform")
	}
}

func evens(n int) []int {
	var out []int
	for i := 0; i < n; i += 2 {
		out = append(out, i)
	}
	return out
}

func odds(n int) []int {
	var out []int
	for i := 1; i < n; i += 2 {
		out = append(out, i)
	}
	return out
}

// subTable holds the records rows of t, in that order.
func subTable(t *Table, rows []int) *Table {
	sub := &Table{Cols: map[string][]string{}}
	for _, i := range rows {
		sub.IDs = append(sub.IDs, t.IDs[i])
	}
	for c, vals := range t.Cols {
		col := make([]string, len(rows))
		for k, i := range rows {
			col[k] = vals[i]
		}
		sub.Cols[c] = col
	}
	return sub
}

// populationOf counts every TF column of the model's settings over t,
// in batches as a caller streaming a dataset would.
func populationOf(tb testing.TB, s Settings, t *Table) *Population {
	tb.Helper()
	p, err := NewPopulation(s)
	if err != nil {
		tb.Fatal(err)
	}
	for _, c := range p.Columns(s) {
		vals := t.Cols[c]
		for start := 0; start < len(vals); start += 97 {
			p.Add(s, c, vals[start:min(start+97, len(vals))])
		}
	}
	return p
}

// pairWeights predicts with sc and keys each pair's weight by record ids.
func pairWeights(tb testing.TB, sc *Scorer, t *Table) map[[2]string]float32 {
	tb.Helper()
	p, _, err := sc.Predict()
	if err != nil {
		tb.Fatal(err)
	}
	out := map[[2]string]float32{}
	for k := range p.L {
		a, b := t.IDs[p.L[k]], t.IDs[p.R[k]]
		if a > b {
			a, b = b, a
		}
		out[[2]string{a, b}] = p.Weight[k]
	}
	return out
}

// comparePartToWhole checks that every pair of the part scores as in the
// whole with the population, and that at least one scores differently
// without it. It returns how many pairs were compared.
func comparePartToWhole(t *testing.T, m *Model, whole, part *Table) int {
	t.Helper()
	wsc, err := NewScorer(m, whole)
	if err != nil {
		t.Fatal(err)
	}
	wantW := pairWeights(t, wsc, whole)
	pop := populationOf(t, m.Settings, whole)
	psc, err := NewScorerIn(m, part, pop)
	if err != nil {
		t.Fatal(err)
	}
	gotW := pairWeights(t, psc, part)
	bare, err := NewScorerIn(m, part, nil)
	if err != nil {
		t.Fatal(err)
	}
	bareW := pairWeights(t, bare, part)

	inPart := map[string]bool{}
	for _, id := range part.IDs {
		inPart[id] = true
	}
	n, differ := 0, 0
	for pair, w := range wantW {
		if !inPart[pair[0]] || !inPart[pair[1]] {
			continue
		}
		n++
		g, ok := gotW[pair]
		if !ok {
			t.Errorf("pair %v scored in the whole (%v) is missing from the part", pair, w)
			continue
		}
		if g != w {
			t.Errorf("pair %v: weight %v in the part with the population, %v in the whole", pair, g, w)
		}
		if b, ok := bareW[pair]; !ok || b != w {
			differ++
		}
	}
	for pair := range gotW {
		if _, ok := wantW[pair]; !ok {
			t.Errorf("pair %v scored in the part only", pair)
		}
	}
	if n == 0 {
		t.Fatal("the part has no pairs; the test proves nothing")
	}
	if differ == 0 {
		t.Errorf("all %d pairs score the same without the population: the test does not exercise it", n)
	}
	return n
}

// TestNewScorerIn_PartScoresAsTheWhole is the incremental night's
// promise on a trained default model: a part of the records, scored with
// the whole's population, gives every pair the weight the whole gives it.
func TestNewScorerIn_PartScoresAsTheWhole(t *testing.T) {
	whole, _ := genContacts(600, 5)
	s := DefaultSettings()
	s.USampleSize = 50_000
	s.MinPairProbability = 1e-300 // keep every candidate pair
	m, _, err := Train(whole, s)
	if err != nil {
		t.Fatal(err)
	}
	// A part: a third of the records, chosen at random.
	rng := rand.New(rand.NewPCG(9, 9))
	var rows []int
	for i := 0; i < whole.Len(); i++ {
		if rng.IntN(3) == 0 {
			rows = append(rows, i)
		}
	}
	n := comparePartToWhole(t, m, whole, subTable(whole, rows))
	t.Logf("%d pairs of the part compared", n)
}

// tfModel is a hand-made model whose first names weigh by frequency, on
// the value itself and on its double metaphone.
func tfModel() *Model {
	s := Settings{
		BlockingRules: []BlockingRule{{Name: "last_name", Keys: []string{"last_name"}}},
		Comparisons: []Comparison{
			{Name: "first_name", Column: "first_name", Levels: []Level{{Type: "null"}, {Type: "exact", TermFrequency: true}, {Type: "else"}}},
			{Name: "first_sound", Column: "first_name", Levels: []Level{{Type: "null"}, {Type: "exact", Transform: "dmetaphone", TermFrequency: true}, {Type: "else"}}},
			{Name: "city", Column: "city", Levels: []Level{{Type: "null"}, {Type: "exact"}, {Type: "else"}}},
		},
		MinPairProbability: 1e-300,
	}.withDefaults()
	three := func(tf bool, mu ...float64) ComparisonModel {
		return ComparisonModel{Levels: []LevelModel{
			{Label: "null", Null: true},
			{Label: "exact", M: mu[0], U: mu[1], TF: tf, Trained: true},
			{Label: "else", M: mu[2], U: mu[3], Trained: true},
		}}
	}
	m := &Model{Version: modelVersion, Settings: s, Prior: 0.01, Comparisons: []ComparisonModel{
		three(true, 0.9, 0.05, 0.1, 0.95),
		three(true, 0.95, 0.1, 0.05, 0.9),
		three(false, 0.8, 0.2, 0.2, 0.8),
	}}
	for c := range m.Comparisons {
		m.Comparisons[c].Name = s.Comparisons[c].Name
	}
	return m
}

// tfTable has a common first name (john, in many spellings of case and
// space), a few middling ones and many rare ones, over 40 families.
func tfTable(n int) *Table {
	rng := rand.New(rand.NewPCG(4, 2))
	rare := strings.Fields("przemek oluwaseun xiomara thaddeus zebulon ignatius wilhelmina ottoline perpetua cosmo ysolde bartholomew")
	t := &Table{Cols: map[string][]string{}}
	for i := 0; i < n; i++ {
		var first string
		switch r := rng.IntN(10); {
		case r < 5:
			first = []string{"john", "John", " JOHN", "jon"}[rng.IntN(4)]
		case r < 7:
			first = []string{"mary", "anna", "peter"}[rng.IntN(3)]
		case r < 9:
			first = rare[rng.IntN(len(rare))]
		default:
			first = ""
		}
		t.IDs = append(t.IDs, fmt.Sprintf("rec/%03d", i))
		t.Cols["first_name"] = append(t.Cols["first_name"], first)
		t.Cols["last_name"] = append(t.Cols["last_name"], fmt.Sprintf("family%02d", rng.IntN(40)))
		t.Cols["city"] = append(t.Cols["city"], []string{"oslo", "rome", ""}[rng.IntN(3)])
	}
	return t
}

func TestNewScorerIn_TermFrequenciesComeFromThePopulation(t *testing.T) {
	m := tfModel()
	whole := tfTable(400)
	// Parts of different make-ups: rare names over-represented, the common
	// name over-represented, a single family, every other record.
	var rareRows, johnRows, family, everyOther []int
	for i, f := range whole.Cols["first_name"] {
		lf := strings.ToLower(strings.TrimSpace(f))
		if lf != "john" && lf != "jon" && i%2 == 0 {
			rareRows = append(rareRows, i)
		}
		if lf == "john" || i%5 == 0 {
			johnRows = append(johnRows, i)
		}
		if whole.Cols["last_name"][i] == "family07" || whole.Cols["last_name"][i] == "family08" {
			family = append(family, i)
		}
	}
	everyOther = evens(whole.Len())
	for name, rows := range map[string][]int{"rare": rareRows, "john": johnRows, "families": family, "every other": everyOther} {
		t.Run(name, func(t *testing.T) {
			comparePartToWhole(t, m, whole, subTable(whole, rows))
		})
	}
}

// TestNewScorerIn_WeightIsLogMOverWholeFrequency pins the formula: two
// records agreeing exactly on a TF comparison get log2(m/f) from it, f
// being the value's share of the whole's non-null values (not the part's).
func TestNewScorerIn_WeightIsLogMOverWholeFrequency(t *testing.T) {
	m := tfModel()
	whole := tfTable(400)
	pop := populationOf(t, m.Settings, whole)
	exactOf, err := compare.Normalizer("")
	if err != nil {
		t.Fatal(err)
	}
	soundOf, err := compare.Normalizer("dmetaphone")
	if err != nil {
		t.Fatal(err)
	}
	// Shares in the whole, counted here independently of Population.
	share := func(norm func(string) string, v string) float64 {
		n, nonNull := 0, 0
		for _, raw := range whole.Cols["first_name"] {
			if x := norm(raw); x != "" {
				nonNull++
				if x == norm(v) {
					n++
				}
			}
		}
		if n == 0 {
			t.Fatalf("%q not in the whole", v)
		}
		return float64(n) / float64(nonNull)
	}
	if soundOf("john") != soundOf("jon") {
		t.Fatalf("john and jon sound different (%q, %q); pick other names", soundOf("john"), soundOf("jon"))
	}
	if exactOf(" John") != "john" {
		t.Fatal("normalizer does not fold case and space")
	}
	// The part: one family; john twice, jon, przemek twice.
	part := &Table{IDs: []string{"p/1", "p/2", "p/3", "p/4", "p/5"}, Cols: map[string][]string{
		"first_name": {"john", " John", "jon", "przemek", "Przemek"},
		"last_name":  {"fam", "fam", "fam", "fam", "fam"},
		"city":       {"", "", "", "", ""},
	}}
	prior := m.PriorWeight()
	fn, fs := m.Comparisons[0].Levels, m.Comparisons[1].Levels
	agree := func(lv LevelModel, f float64) float64 { return math.Log2(lv.M / f) }
	want := map[[2]string]float64{
		{"p/1", "p/2"}: prior + agree(fn[1], share(exactOf, "john")) + agree(fs[1], share(soundOf, "john")),
		{"p/1", "p/3"}: prior + fn[2].Weight() + agree(fs[1], share(soundOf, "john")),
		{"p/2", "p/3"}: prior + fn[2].Weight() + agree(fs[1], share(soundOf, "john")),
		{"p/4", "p/5"}: prior + agree(fn[1], share(exactOf, "przemek")) + agree(fs[1], share(soundOf, "przemek")),
		{"p/1", "p/4"}: prior + fn[2].Weight() + fs[2].Weight(),
	}
	// In the part alone the shares are 2/5 (john), 3/5 (its sound), 2/5.
	bareWant := map[[2]string]float64{
		{"p/1", "p/2"}: prior + agree(fn[1], 2.0/5) + agree(fs[1], 3.0/5),
		{"p/4", "p/5"}: prior + agree(fn[1], 2.0/5) + agree(fs[1], 2.0/5),
	}
	sc, err := NewScorerIn(m, part, pop)
	if err != nil {
		t.Fatal(err)
	}
	got := pairWeights(t, sc, part)
	if len(got) != 10 {
		t.Errorf("%d pairs, want all 10 of one block", len(got))
	}
	for pair, w := range want {
		if g, ok := got[pair]; !ok || math.Abs(float64(g)-w) > 1e-4 {
			t.Errorf("pair %v: weight %v, want %v", pair, g, w)
		}
	}
	bare, err := NewScorer(m, part)
	if err != nil {
		t.Fatal(err)
	}
	bareGot := pairWeights(t, bare, part)
	for pair, w := range bareWant {
		if g, ok := bareGot[pair]; !ok || math.Abs(float64(g)-w) > 1e-4 {
			t.Errorf("without population, pair %v: weight %v, want %v", pair, g, w)
		}
	}
}

// TestNewScorerIn_NilPopulationIsNewScorer checks that NewScorerIn
// without a population scores as NewScorer, and that a population of
// nothing but the part changes nothing either.
func TestNewScorerIn_NilPopulationIsNewScorer(t *testing.T) {
	m := tfModel()
	part := subTable(tfTable(200), evens(200))
	plain, err := NewScorer(m, part)
	if err != nil {
		t.Fatal(err)
	}
	want := pairWeights(t, plain, part)
	for name, pop := range map[string]*Population{"nil": nil, "the part itself": populationOf(t, m.Settings, part)} {
		sc, err := NewScorerIn(m, part, pop)
		if err != nil {
			t.Fatal(err)
		}
		if got := pairWeights(t, sc, part); !reflect.DeepEqual(got, want) {
			t.Errorf("%s population: weights differ from NewScorer", name)
		}
	}
	if _, err := NewScorerIn(nil, part, nil); err == nil {
		t.Error("nil model: no error")
	}
}

// TestNewScorerIn_PartCountsFloorThePopulation: a value the population
// has fewer times than the part itself (a population counted before the
// part's records arrived) counts as often as the part holds it, over the
// larger of the two non-null totals.
func TestNewScorerIn_PartCountsFloorThePopulation(t *testing.T) {
	m := tfModel()
	older := &Table{IDs: make([]string, 12), Cols: map[string][]string{"first_name": make([]string, 12), "last_name": make([]string, 12), "city": make([]string, 12)}}
	for i := range older.IDs {
		older.IDs[i] = fmt.Sprintf("old/%d", i)
		older.Cols["first_name"][i] = "john"
	}
	pop := populationOf(t, m.Settings, older)
	part := &Table{IDs: []string{"p/1", "p/2", "p/3"}, Cols: map[string][]string{
		"first_name": {"przemek", "przemek", "anna"},
		"last_name":  {"fam", "fam", "fam"},
		"city":       {"", "", ""},
	}}
	sc, err := NewScorerIn(m, part, pop)
	if err != nil {
		t.Fatal(err)
	}
	got := pairWeights(t, sc, part)[[2]string{"p/1", "p/2"}]
	fn, fs := m.Comparisons[0].Levels[1], m.Comparisons[1].Levels[1]
	f := 2.0 / 12 // przemek: 0 in the population, 2 in the part; 12 non-null
	want := m.PriorWeight() + math.Log2(fn.M/f) + math.Log2(fs.M/f)
	if math.Abs(float64(got)-want) > 1e-4 {
		t.Errorf("przemek pair: weight %v, want %v", got, want)
	}
}
