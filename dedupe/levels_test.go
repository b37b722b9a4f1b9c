package dedupe

import "testing"

// levelOf compiles one comparison over a two-record table and returns the
// level of the pair.
func levelOf(t *testing.T, c Comparison, cols map[string][2]string) int {
	t.Helper()
	tab := &Table{IDs: []string{"a", "b"}, Cols: map[string][]string{}}
	for name, v := range cols {
		tab.Cols[name] = []string{v[0], v[1]}
	}
	cc, err := compileComparison(newPrepared(tab), c)
	if err != nil {
		t.Fatal(err)
	}
	return int(cc.level(0, 1))
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
				t.Errorf("level = %d (%s), want %d (%s)", got, tc.c.Levels[got].label(), tc.want, tc.c.Levels[tc.want].label())
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
		if got := lv.label(); got != want {
			t.Errorf("label = %q, want %q", got, want)
		}
	}
}

// TestLeveler_MatchesLevel checks the fast path (record rows, memo) against
// the plain level scan on every candidate pair and on random pairs, for the
// default comparisons and for level lists that the fast path must not
// shortcut: a leading fuzzy level, transforms, a swap in the tail, edit
// distances beyond one. Each pair is checked twice, so the second check
// reads what the first stored.
func TestLeveler_MatchesLevel(t *testing.T) {
	tab, _ := genContacts(3000, 5)
	comps := append(DefaultSettings().Comparisons,
		Comparison{Name: "city_first_fuzzy", Column: "city", Levels: []Level{
			{Type: "jaro_winkler", Threshold: 0.9}, {Type: "null"}, {Type: "exact"}, {Type: "else"}}},
		Comparison{Name: "company_prefix", Column: "company_key", Levels: []Level{
			{Type: "null"}, {Type: "exact", Transform: "prefix:3"},
			{Type: "jaro_winkler", Threshold: 0.85, Transform: "sorted_tokens"},
			{Type: "levenshtein", Distance: 3}, {Type: "else"}}},
		Comparison{Name: "last_swap_late", Column: "last_name", Levels: []Level{
			{Type: "null"}, {Type: "jaro_winkler", Threshold: 0.95},
			{Type: "swapped", Other: "first_name"}, {Type: "jaro_winkler", Threshold: 0.7},
			{Type: "damerau_levenshtein", Distance: 2}, {Type: "else"}}},
		Comparison{Name: "title_no_null", Column: "title_norm", Levels: []Level{
			{Type: "exact"}, {Type: "jaro_winkler", Threshold: 0.8}, {Type: "else"}}},
	)
	p := newPrepared(tab)
	cs, err := compileComparisons(p, comps)
	if err != nil {
		t.Fatal(err)
	}
	lev := newLeveler(cs)
	memo := newPairMemo(cs)
	memos := 0
	for _, m := range memo {
		if m != nil {
			memos++
		}
	}
	// first_name, last_name, company, city, title and the four added
	// above; email has no fuzzy level, phone and postcode one edit.
	if memos != 9 {
		t.Fatalf("%d comparisons have a memo, want 9", memos)
	}
	set := DefaultSettings()
	b, err := newBlocking(p, set.BlockingRules, set.MaxBlockSize)
	if err != nil {
		t.Fatal(err)
	}
	check := func(i, j int32) {
		var got, plain [maxComparisons]uint8
		lev.levels(i, j, memo, got[:len(cs)])
		lev.levels(i, j, nil, plain[:len(cs)])
		for c, cc := range cs {
			if want := cc.level(i, j); got[c] != want || plain[c] != want || cc.levelMemo(i, j, memo[c]) != want {
				t.Fatalf("%s (%d, %d): memo %d, no memo %d, level %d", cc.name, i, j, got[c], plain[c], want)
			}
		}
	}
	pairs := 0
	for _, task := range b.tasks {
		for _, blk := range task {
			b.pairs(blk, true, func(i, j int32) { check(i, j); check(i, j); pairs++ })
		}
	}
	rng := uint64(7)
	for k := 0; k < 200_000; k++ {
		rng = rng*6364136223846793005 + 1442695040888963407
		i, j := int32((rng>>33)%3000), int32((rng>>13)%3000)
		check(i, j)
	}
	if pairs < 1000 {
		t.Fatalf("only %d candidate pairs checked", pairs)
	}
}
