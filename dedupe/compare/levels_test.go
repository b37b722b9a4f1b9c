package compare

import (
	"fmt"
	"testing"
)

// levelOf compiles one comparison over two records and returns the level
// of the pair.
func levelOf(t *testing.T, c Comparison, cols map[string][2]string) int {
	t.Helper()
	raw := map[string][]string{}
	for name, v := range cols {
		raw[name] = []string{v[0], v[1]}
	}
	cc, err := Compile(c, columnsOf(raw))
	if err != nil {
		t.Fatal(err)
	}
	return int(cc.Level(0, 1))
}

// columnsOf prepares columns for Compile from raw values, each column and
// transform once (as a table's preparation does).
func columnsOf(cols map[string][]string) func(name, tr string) (*Column, error) {
	built := map[string]*Column{}
	return func(name, tr string) (*Column, error) {
		raw, ok := cols[name]
		if !ok {
			return nil, fmt.Errorf("unknown column %q", name)
		}
		key := name + "\x00" + tr
		if c, ok := built[key]; ok {
			return c, nil
		}
		c, err := BuildColumn(raw, tr)
		if err != nil {
			return nil, err
		}
		built[key] = c
		return c, nil
	}
}

func TestLevels_PickTheFirstThatHolds(t *testing.T) {
	name := Comparison{Name: "n", Column: "first", Levels: []Level{
		{Type: "null"}, {Type: "exact"}, {Type: "swapped", Other: "last"},
		{Type: "jaro_winkler", Threshold: 0.92}, {Type: "jaro_winkler", Threshold: 0.8},
		{Type: "initials"}, {Type: "else"}}}
	email := Comparison{Name: "e", Column: "email", Levels: []Level{
		{Type: "null"}, {Type: "exact"}, {Type: "email_user"}, {Type: "email_domain"}, {Type: "else"}}}
	dob := Comparison{Name: "d", Column: "dob", Levels: []Level{
		{Type: "null"}, {Type: "exact"}, {Type: "damerau_levenshtein", Distance: 1},
		{Type: "date_diff", Distance: 1, Unit: "months"}, {Type: "date_diff", Distance: 5, Unit: "years"}, {Type: "else"}}}
	num := Comparison{Name: "r", Column: "rev", Levels: []Level{
		{Type: "null"}, {Type: "exact"}, {Type: "numeric_ratio", Threshold: 0.9}, {Type: "else"}}}
	phone := Comparison{Name: "p", Column: "phone", Levels: []Level{
		{Type: "null"}, {Type: "exact"}, {Type: "levenshtein", Distance: 2}, {Type: "else"}}}
	sound := Comparison{Name: "s", Column: "first", Levels: []Level{
		{Type: "null"}, {Type: "exact"}, {Type: "exact", Transform: "dmetaphone"}, {Type: "else"}}}
	cases := []struct {
		name string
		c    Comparison
		cols map[string][2]string
		want int
	}{
		{"null on either side", name, map[string][2]string{"first": {"", "anna"}, "last": {"x", "y"}}, 0},
		{"exact ignores case and spaces", name, map[string][2]string{"first": {"Anna ", "anna"}, "last": {"x", "y"}}, 1},
		{"swapped names", name, map[string][2]string{"first": {"smith", "anna"}, "last": {"anna", "smith"}}, 2},
		{"close typo", name, map[string][2]string{"first": {"jonathan", "jonathon"}, "last": {"x", "y"}}, 3},
		{"looser typo", name, map[string][2]string{"first": {"dwayne", "duane"}, "last": {"x", "y"}}, 4},
		{"initial", name, map[string][2]string{"first": {"j.", "zachary"}, "last": {"x", "y"}}, 6},
		{"initial agrees", name, map[string][2]string{"first": {"z.", "zachary"}, "last": {"x", "y"}}, 5},
		{"different names", name, map[string][2]string{"first": {"anna", "bob"}, "last": {"x", "y"}}, 6},
		{"same mailbox user", email, map[string][2]string{"email": {"ann@a.com", "ann@b.org"}}, 2},
		{"same domain", email, map[string][2]string{"email": {"ann@a.com", "bob@a.com"}}, 3},
		{"broken email is else", email, map[string][2]string{"email": {"ann", "ann@a.com"}}, 4},
		{"dob digit typo", dob, map[string][2]string{"dob": {"1980-01-15", "1980-01-16"}}, 2},
		{"dob within a month", dob, map[string][2]string{"dob": {"1980-01-15", "1980-02-28"}}, 3},
		{"dob within years", dob, map[string][2]string{"dob": {"1980-01-15", "1983-07-01"}}, 4},
		{"dob far apart", dob, map[string][2]string{"dob": {"1980-01-15", "1999-07-01"}}, 5},
		{"dob unparsable is else", dob, map[string][2]string{"dob": {"soon", "1980-01-15"}}, 5},
		{"numbers close", num, map[string][2]string{"rev": {"1,000,000", "950000"}}, 2},
		{"numbers far", num, map[string][2]string{"rev": {"1000", "500"}}, 3},
		{"numbers unparsable", num, map[string][2]string{"rev": {"a lot", "500"}}, 3},
		{"two edits", phone, map[string][2]string{"phone": {"+15550001111", "+15550001122"}}, 2},
		{"three edits", phone, map[string][2]string{"phone": {"+15550001111", "+15550002222"}}, 3},
		{"same sound", sound, map[string][2]string{"first": {"smith", "smyth"}}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := levelOf(t, tc.c, tc.cols); got != tc.want {
				t.Errorf("level = %d (%s), want %d (%s)", got, tc.c.Levels[got].Label(), tc.want, tc.c.Levels[tc.want].Label())
			}
		})
	}
}

func TestLevels_FuzzySwapNeedsBothCrossingsClose(t *testing.T) {
	c := Comparison{Name: "n", Column: "first", Levels: []Level{
		{Type: "null"}, {Type: "exact"}, {Type: "swapped", Other: "last", Threshold: 0.88}, {Type: "else"}}}
	if got := levelOf(t, c, map[string][2]string{"first": {"grace", "kiirk"}, "last": {"kirk", "grace"}}); got != 2 {
		t.Errorf("fuzzy swap not found: level %d", got)
	}
	if got := levelOf(t, c, map[string][2]string{"first": {"grace", "kiirk"}, "last": {"kirk", "jones"}}); got != 3 {
		t.Errorf("half a swap counted: level %d", got)
	}
}

func TestLevelLabel_DescribesTheLevel(t *testing.T) {
	cases := map[string]Level{
		"jaro_winkler>=0.92":     {Type: "jaro_winkler", Threshold: 0.92},
		"date_diff<=1 years":     {Type: "date_diff", Distance: 1, Unit: "years"},
		"exact (tf)":             {Type: "exact", TermFrequency: true},
		"swapped with last_name": {Type: "swapped", Other: "last_name"},
		"exact on dmetaphone":    {Type: "exact", Transform: "dmetaphone"},
		"damerau_levenshtein<=1": {Type: "damerau_levenshtein", Distance: 1},
		"numeric_ratio>=0.9":     {Type: "numeric_ratio", Threshold: 0.9},
		"date_diff<=30 days":     {Type: "date_diff", Distance: 30},
		"levenshtein<=2":         {Type: "levenshtein", Distance: 2},
		"else":                   {Type: "else"},
	}
	for want, lv := range cases {
		if got := lv.Label(); got != want {
			t.Errorf("label = %q, want %q", got, want)
		}
	}
}
