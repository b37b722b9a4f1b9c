package dedupe

import (
	"bytes"
	"maps"
	"os"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/leadsmith/leadsmith/dedupe/compare"
)

func trainedScorer(tb testing.TB, n int) (*Scorer, *Table, []string) {
	tb.Helper()
	t, truth := genContacts(n, 1)
	s := DefaultSettings()
	s.USampleSize = 200_000
	s.MinPairProbability = 1e-300 // keep every candidate pair, hard ones included
	m, _, err := Train(t, s)
	if err != nil {
		tb.Fatal(err)
	}
	sc, err := NewScorer(m, t)
	if err != nil {
		tb.Fatal(err)
	}
	return sc, t, truth
}

// mustPredict builds a Scorer for m over t and predicts.
func mustPredict(tb testing.TB, m *Model, t *Table) (*Pairs, *BlockingReport) {
	tb.Helper()
	sc, err := NewScorer(m, t)
	if err != nil {
		tb.Fatal(err)
	}
	p, rep, err := sc.Predict()
	if err != nil {
		tb.Fatal(err)
	}
	return p, rep
}

func TestPredict_DefaultSettingsFindSyntheticDuplicates(t *testing.T) {
	sc, tab, truth := trainedScorer(t, 3000)
	pairs, rep, err := sc.Predict()
	if err != nil {
		t.Fatal(err)
	}
	if rep.TotalPairs != int64(pairs.Len()) {
		t.Errorf("report counts %d pairs, predict returned %d", rep.TotalPairs, pairs.Len())
	}
	c, err := Cluster(pairs, tab.Len(), sc.model.Settings.Threshold, sc.model.Settings.MaxClusterSize)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Evaluate(c.Cluster, truth)
	if err != nil {
		t.Fatal(err)
	}
	if m.F1 < 0.9 {
		t.Errorf("synthetic contacts F1 = %.3f (P %.3f R %.3f), want >= 0.9", m.F1, m.Precision, m.Recall)
	}
}

func TestPredict_DropsPairsBelowTheFloor(t *testing.T) {
	sc, _, _ := trainedScorer(t, 1500)
	all, _, err := sc.Predict()
	if err != nil {
		t.Fatal(err)
	}
	sc.model.Settings.MinPairProbability = 0.5
	kept, rep, err := sc.Predict()
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, p := range all.Prob {
		if p >= 0.5 {
			want++
		}
	}
	if kept.Len() != want || rep.TotalPairs != int64(all.Len()) {
		t.Errorf("kept %d of %d scored (report says %d), want %d", kept.Len(), all.Len(), rep.TotalPairs, want)
	}
	for _, p := range kept.Prob {
		if p < 0.5 {
			t.Fatalf("kept a pair at %v", p)
		}
	}
}

func TestPredict_PairsAreDistinctAndOrdered(t *testing.T) {
	sc, _, _ := trainedScorer(t, 1500)
	pairs, _, err := sc.Predict()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[[2]int32]bool{}
	for k := range pairs.L {
		if pairs.L[k] >= pairs.R[k] {
			t.Fatalf("pair %d: left %d not below right %d", k, pairs.L[k], pairs.R[k])
		}
		key := [2]int32{pairs.L[k], pairs.R[k]}
		if seen[key] {
			t.Fatalf("pair %v scored twice", key)
		}
		seen[key] = true
	}
	again, _, _ := sc.Predict()
	for k := range pairs.L {
		if pairs.L[k] != again.L[k] || pairs.R[k] != again.R[k] || pairs.Weight[k] != again.Weight[k] {
			t.Fatalf("predict is not deterministic at pair %d", k)
		}
	}
}

// BenchmarkScorePairs measures single-core scoring of blocked candidate
// pairs on realistic contacts (20,000 generated records, about 21,700
// candidate pairs; SCORE_BENCH_RECORDS sets the size):
//
//	go test -run '^$' -bench ScorePairs ./dedupe/
func BenchmarkScorePairs(b *testing.B) {
	sc, _, _ := trainedScorer(b, benchN())
	pairs, _, err := sc.Predict()
	if err != nil {
		b.Fatal(err)
	}
	lv := make([]uint8, len(sc.comps))
	memo := compare.NewMemo(sc.comps)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var scored int
	var sink float64
	for n := 0; n < b.N; n++ {
		// Predict scores each pair once: the memo starts cold every pass.
		for _, m := range memo {
			clear(m)
		}
		for k := range pairs.L {
			sink += sc.score(pairs.L[k], pairs.R[k], lv, memo)
		}
		scored += pairs.Len()
	}
	b.ReportMetric(float64(scored)/time.Since(start).Seconds(), "pairs/s")
	if sink == 0 {
		b.Log("no weight") // keeps the loop from being optimised away
	}
}

// benchN is SCORE_BENCH_RECORDS, or 20,000.
func benchN() int {
	if v, err := strconv.Atoi(os.Getenv("SCORE_BENCH_RECORDS")); err == nil && v > 1 {
		return v
	}
	return 20000
}

// BenchmarkPredict measures blocking plus parallel scoring end to end.
func BenchmarkPredict(b *testing.B) {
	sc, _, _ := trainedScorer(b, 20000)
	b.ResetTimer()
	var total int
	start := time.Now()
	for n := 0; n < b.N; n++ {
		p, _, err := sc.Predict()
		if err != nil {
			b.Fatal(err)
		}
		total += p.Len()
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "pairs/s")
}

// BenchmarkEndToEnd runs train, predict, cluster, ids and survivorship on
// synthetic contacts; DEDUPE_BENCH_RECORDS sets the size (default 100000):
// DEDUPE_BENCH_RECORDS=1000000 go test -run '^$' -bench EndToEnd -benchtime 1x ./dedupe/
func BenchmarkEndToEnd(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("DEDUPE_BENCH_RECORDS")); err == nil && v > 1 {
		n = v
	}
	tab, truth := genContacts(n, 11)
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		start := time.Now()
		m, _, err := Train(tab, DefaultSettings())
		if err != nil {
			b.Fatal(err)
		}
		trained := time.Now()
		p, rep := mustPredict(b, m, tab)
		predicted := time.Now()
		c, err := Cluster(p, tab.Len(), m.Settings.Threshold, m.Settings.MaxClusterSize)
		if err != nil {
			b.Fatal(err)
		}
		ids, _ := AssignIdentities(tab.IDs, c, nil, nil)
		if _, err := Survive(tab, c, ids, SurviveOptions{Rules: m.Settings.Survivorship}); err != nil {
			b.Fatal(err)
		}
		done := time.Now()
		met, err := Evaluate(c.Cluster, truth)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(trained.Sub(start).Seconds(), "train-s")
		b.ReportMetric(predicted.Sub(trained).Seconds(), "predict-s")
		b.ReportMetric(done.Sub(predicted).Seconds(), "cluster+survive-s")
		b.ReportMetric(float64(rep.TotalPairs), "candidates")
		b.ReportMetric(met.F1, "F1")
	}
}

// A Scorer for the table a model was trained on reuses training's columns
// and its blocking of the prediction rules; it must predict exactly what a
// Scorer built from the saved model does, and its report must not count
// pairs twice over repeated Predicts.
func TestPredict_ReusesTrainingPreparationExactly(t *testing.T) {
	tab, _ := genContacts(3000, 9)
	s := DefaultSettings()
	s.MinPairProbability = 1e-300
	m, _, err := Train(tab, s)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := SaveModel(&buf, m); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadModel(&buf)
	if err != nil {
		t.Fatal(err)
	}
	prep := m.prep.Load()
	if prep == nil || loaded.prep.Load() != nil {
		t.Fatal("the trained model should carry its preparation, the loaded one not")
	}
	predict := func(m *Model, tab *Table) (*Pairs, *BlockingReport) { return mustPredict(t, m, tab) }
	shared, repShared := predict(m, tab)
	if prep.handed != nil || m.prep.Load() != nil {
		t.Error("the first Scorer did not take over the preparation and its blocking")
	}
	fresh, repFresh := predict(loaded, tab)
	again, repAgain := predict(m, tab)
	for name, p := range map[string]*Pairs{"fresh": fresh, "again": again} {
		if !reflect.DeepEqual(shared, p) {
			t.Errorf("pairs from the shared preparation differ from the %s ones", name)
		}
	}
	if !reflect.DeepEqual(repShared, repFresh) || !reflect.DeepEqual(repShared, repAgain) {
		t.Errorf("reports differ: shared %+v, fresh %+v, again %+v", repShared, repFresh, repAgain)
	}
	if repShared.TotalPairs != int64(shared.Len()) {
		t.Errorf("report counts %d pairs, %d scored", repShared.TotalPairs, shared.Len())
	}

	// A column replaced after training is prepared again.
	edited := &Table{IDs: tab.IDs, Cols: maps.Clone(tab.Cols)}
	edited.Cols["city"] = slices.Repeat([]string{"springfield"}, tab.Len())
	m2, _, err := Train(edited, s)
	if err != nil {
		t.Fatal(err)
	}
	edited.Cols["city"] = slices.Clone(tab.Cols["city"])
	got, _ := predict(m2, edited)
	want, _ := predict(&Model{Version: m2.Version, Settings: m2.Settings, Prior: m2.Prior, Comparisons: m2.Comparisons}, edited)
	if !reflect.DeepEqual(got, want) {
		t.Error("a Scorer reused columns of a table that changed after training")
	}
}
