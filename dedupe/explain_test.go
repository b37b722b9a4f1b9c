package dedupe

import (
	"math"
	"strings"
	"testing"
)

func TestExplain_WaterfallAddsUpToThePredictedWeight(t *testing.T) {
	sc, _, _ := trainedScorer(t, 1000)
	pairs, _, err := sc.Predict()
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < pairs.Len(); k += max(1, pairs.Len()/50) {
		e, err := sc.Explain(int(pairs.L[k]), int(pairs.R[k]))
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(e.MatchWeight-float64(pairs.Weight[k])) > 1e-3 {
			t.Fatalf("pair %d: explained weight %v, predicted %v", k, e.MatchWeight, pairs.Weight[k])
		}
		sum := e.PriorWeight
		for c, st := range e.Steps {
			sum += st.Weight + st.TFAdjustment
			if math.Abs(sum-st.Running) > 1e-9 || st.Level != int(pairs.PairLevels(k)[c]) {
				t.Fatalf("pair %d step %d: running %v (want %v), level %d (want %d)", k, c, st.Running, sum, st.Level, pairs.PairLevels(k)[c])
			}
		}
	}
}

func TestExplain_TextNamesEveryComparison(t *testing.T) {
	sc, _, _ := trainedScorer(t, 300)
	e, err := sc.Explain(0, 1)
	if err != nil {
		t.Fatal(err)
	}
	text := e.String()
	for _, c := range sc.model.Comparisons {
		if !strings.Contains(text, c.Name) {
			t.Errorf("waterfall lacks %q:\n%s", c.Name, text)
		}
	}
	for _, want := range []string{"prior", "match weight", "probability"} {
		if !strings.Contains(text, want) {
			t.Errorf("waterfall lacks %q", want)
		}
	}
	if _, err := sc.Explain(-1, 5); err == nil {
		t.Error("negative record accepted")
	}
}

func TestExplain_TermFrequencyMakesRareNamesCountMore(t *testing.T) {
	tab := &Table{Cols: map[string][]string{"last_name": {}, "first_name": {}}}
	add := func(id, first, last string) {
		tab.IDs = append(tab.IDs, id)
		tab.Cols["first_name"] = append(tab.Cols["first_name"], first)
		tab.Cols["last_name"] = append(tab.Cols["last_name"], last)
	}
	for i := 0; i < 40; i++ {
		add("s"+string(rune('a'+i%26))+string(rune('a'+i/26)), "x"+string(rune('a'+i%26)), "smith")
	}
	add("p1", "anna", "przybylski")
	add("p2", "anna", "przybylski")
	add("s1", "anna", "smith")
	s := Settings{
		BlockingRules: []BlockingRule{{Keys: []string{"last_name"}}},
		Comparisons: []Comparison{{Name: "last_name", Column: "last_name", Levels: []Level{
			{Type: "null"}, {Type: "exact", TermFrequency: true}, {Type: "else"}}}},
		Prior: 0.01,
	}
	m, _, err := Train(tab, s)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := NewScorer(m, tab)
	if err != nil {
		t.Fatal(err)
	}
	n := len(tab.IDs)
	rare, _ := sc.Explain(n-3, n-2)
	common, _ := sc.Explain(0, n-1)
	if !(rare.MatchWeight > common.MatchWeight+2) {
		t.Errorf("przybylski weight %.2f, smith weight %.2f: a rare name should count more", rare.MatchWeight, common.MatchWeight)
	}
}
