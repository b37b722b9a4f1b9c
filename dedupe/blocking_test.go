package dedupe

import (
	"strings"
	"testing"
)

func collectPairs(b *blocking) map[[2]int32]string {
	out := map[[2]int32]string{}
	for _, task := range b.tasks {
		for _, blk := range task {
			b.pairs(blk, true, func(i, j int32) {
				key := [2]int32{i, j}
				if prev, dup := out[key]; dup {
					out[key] = prev + "+" + b.rules[blk.rule].name
					return
				}
				out[key] = b.rules[blk.rule].name
			})
		}
	}
	return out
}

func TestBlocking_PairFoundByTwoRulesIsScoredOnceUnderTheFirst(t *testing.T) {
	tab := &Table{IDs: []string{"0", "1", "2", "3"}, Cols: map[string][]string{
		"email": {"a@x.com", "A@x.com ", "b@x.com", ""},
		"last":  {"smith", "smith", "smith", ""},
	}}
	b, err := newBlocking(newPrepared(tab), []BlockingRule{
		{Name: "email", Keys: []string{"email"}},
		{Name: "last", Keys: []string{"last"}},
	}, 100)
	if err != nil {
		t.Fatal(err)
	}
	got := collectPairs(b)
	want := map[[2]int32]string{{0, 1}: "email", {0, 2}: "last", {1, 2}: "last"}
	if len(got) != len(want) {
		t.Fatalf("pairs = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("pair %v found by %q, want %q", k, got[k], v)
		}
	}
}

func TestBlocking_CappedBlockIsSkippedReportedAndLeftToLaterRules(t *testing.T) {
	n := 6
	tab := &Table{Cols: map[string][]string{"country": {}, "last": {}}}
	for i := 0; i < n; i++ {
		tab.IDs = append(tab.IDs, string(rune('a'+i)))
		tab.Cols["country"] = append(tab.Cols["country"], "us")
		last := "smith"
		if i >= 2 {
			last = "jones-" + string(rune('a'+i))
		}
		tab.Cols["last"] = append(tab.Cols["last"], last)
	}
	b, err := newBlocking(newPrepared(tab), []BlockingRule{
		{Name: "country", Keys: []string{"country"}},
		{Name: "last", Keys: []string{"last"}},
	}, 5)
	if err != nil {
		t.Fatal(err)
	}
	got := collectPairs(b)
	if len(got) != 1 || got[[2]int32{0, 1}] != "last" {
		t.Errorf("pairs = %v, want only {0,1} from last", got)
	}
	r := b.report.Rules[0]
	if r.CappedBlocks != 1 || r.SkippedPairs != 15 || r.Blocks != 0 {
		t.Errorf("report = %+v, want 1 capped block of 15 pairs", r)
	}
	if len(b.report.LargestBlocks) == 0 || b.report.LargestBlocks[0] != (BlockInfo{Rule: "country", Size: 6, Capped: true}) {
		t.Errorf("largest blocks = %+v", b.report.LargestBlocks)
	}
}

func TestBlocking_AndOfKeysNeedsEveryPartPresent(t *testing.T) {
	tab := &Table{IDs: []string{"0", "1", "2", "3"}, Cols: map[string][]string{
		"last": {"Smith", "Smyth", "Smith", "Smith"},
		"dob":  {"1980-01-01", "1980-05-05", "", "1981-01-01"},
	}}
	b, err := newBlocking(newPrepared(tab), []BlockingRule{{Keys: []string{"last:dmetaphone", "dob:year"}}}, 100)
	if err != nil {
		t.Fatal(err)
	}
	got := collectPairs(b)
	if len(got) != 1 || got[[2]int32{0, 1}] == "" {
		t.Errorf("pairs = %v, want only {0,1}", got)
	}
	if name := b.rules[0].name; name != "last:dmetaphone & dob:year" {
		t.Errorf("unnamed rule is called %q", name)
	}
}

func TestBlockingReport_NeverHoldsKeyValues(t *testing.T) {
	sc, _, _ := trainedScorer(t, 500)
	_, rep, err := sc.Predict()
	if err != nil {
		t.Fatal(err)
	}
	for _, blk := range rep.LargestBlocks {
		known := false
		for _, r := range rep.Rules {
			known = known || r.Name == blk.Rule
		}
		if !known || strings.Contains(blk.Rule, "@") {
			t.Errorf("block %+v is not named by a rule", blk)
		}
	}
}

func BenchmarkBlocking(b *testing.B) {
	tab, _ := genContacts(50000, 3)
	s := DefaultSettings()
	for n := 0; n < b.N; n++ {
		if _, err := newBlocking(newPrepared(tab), s.BlockingRules, s.MaxBlockSize); err != nil {
			b.Fatal(err)
		}
	}
}
