package dedupe

import (
	"testing"

	"github.com/leadsmith/leadsmith/dedupe/compare"
)

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
	lev := compare.NewLeveler(cs)
	memo := compare.NewMemo(cs)
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
		lev.Levels(i, j, memo, got[:len(cs)])
		lev.Levels(i, j, nil, plain[:len(cs)])
		for c, cc := range cs {
			if want := cc.Level(i, j); got[c] != want || plain[c] != want || cc.LevelMemo(i, j, memo[c]) != want {
				t.Fatalf("%s (%d, %d): memo %d, no memo %d, level %d", cc.Name(), i, j, got[c], plain[c], want)
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
