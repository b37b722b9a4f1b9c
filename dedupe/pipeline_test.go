package dedupe

import (
	"math/rand/v2"
	"testing"
)

// TestPipeline_SurvivesHostileInput runs every stage over values chosen to
// break parsers: empty strings, invalid UTF-8, long and non-Latin text.
func TestPipeline_SurvivesHostileInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 13))
	odd := []string{"", " ", "@", "a@", "@b", "\xff\xfe", "日本語のテキスト", "ß", "0000-00-00", "31/02/2020", "+", "--", "NaN", "1e400",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "smith", "Smith", "x.y+z@gmail.com"}
	tab := &Table{Cols: map[string][]string{}}
	for i := 0; i < 300; i++ {
		tab.IDs = append(tab.IDs, string(rune('a'+i%26))+string(rune('0'+i/26)))
		for _, c := range canonicalColumns {
			tab.Cols[c] = append(tab.Cols[c], odd[rng.IntN(len(odd))])
		}
	}
	s := DefaultSettings()
	s.Comparisons = append(s.Comparisons,
		Comparison{Name: "when", Column: "postal_code", Levels: []Level{{Type: "null"}, {Type: "date_diff", Distance: 3, Unit: "months"}, {Type: "numeric_ratio", Threshold: 0.5}, {Type: "levenshtein", Distance: 3}, {Type: "else"}}},
		Comparison{Name: "sound", Column: "last_name", Levels: []Level{{Type: "null"}, {Type: "exact", Transform: "nysiis"}, {Type: "jaro_winkler", Threshold: 0.7, Transform: "soundex"}, {Type: "else"}}})
	m, _, err := Train(tab, s)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := NewScorer(m, tab)
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := sc.Predict()
	if err != nil {
		t.Fatal(err)
	}
	c, err := Cluster(p, tab.Len(), 0.5, 7)
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := AssignIdentities(tab.IDs, c, map[string]string{"a0": "e_x", "b0": "e_x"}, nil)
	if _, err := Survive(tab, c, ids, SurviveOptions{Rules: Survivorship{Default: SurviveLongest, TimestampColumn: "postal_code"}}); err != nil {
		t.Fatal(err)
	}
	for k := 0; k < p.Len(); k += 7 {
		if _, err := sc.Explain(int(p.L[k]), int(p.R[k])); err != nil {
			t.Fatal(err)
		}
	}
	for i := range p.Comparisons {
		if got := p.ComparisonLevels(i); len(got) != p.Len() {
			t.Fatalf("comparison %d: %d levels for %d pairs", i, len(got), p.Len())
		}
	}
}

func TestPairs_ComparisonLevelsAndIsMatch(t *testing.T) {
	p := &Pairs{Comparisons: []string{"a", "b"}, L: []int32{0, 1}, R: []int32{1, 2}, Levels: []uint8{1, 2, 3, 4}, Prob: []float32{0.95, 0.5}}
	if got := p.ComparisonLevels(1); got[0] != 2 || got[1] != 4 {
		t.Errorf("levels of b = %v, want [2 4]", got)
	}
	if p.ComparisonLevels(2) != nil {
		t.Error("out-of-range comparison gave levels")
	}
	if !p.IsMatch(0, 0.95) || p.IsMatch(1, 0.9) {
		t.Error("IsMatch disagrees with the threshold")
	}
}

func TestInvalidClusterings_AreRejectedNotPanics(t *testing.T) {
	if ids, _ := AssignIdentities([]string{"a"}, &Clustering{Cluster: []int32{3}, Size: []int32{1}}, nil, nil); ids != nil {
		t.Error("cluster number out of range gave ids")
	}
	bad := &Pairs{L: []int32{0}, R: []int32{1}}
	if _, err := Cluster(bad, 2, 0.5, 5); err == nil {
		t.Error("pairs without probabilities accepted")
	}
}
