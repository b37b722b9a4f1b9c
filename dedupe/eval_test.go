package dedupe

import (
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"
)

func TestEvaluate_CountsPairsAndBCubed(t *testing.T) {
	cases := []struct {
		name    string
		cluster []int32
		truth   []string
		want    Metrics
	}{
		{"perfect", []int32{0, 0, 1}, []string{"a", "a", "b"},
			Metrics{Precision: 1, Recall: 1, F1: 1, TruePositives: 1, PredictedPairs: 1, TruePairs: 1, BCubedPrecision: 1, BCubedRecall: 1, BCubedF1: 1}},
		{"mixed", []int32{0, 0, 1, 1, 2}, []string{"a", "a", "a", "b", "b"},
			Metrics{Precision: 0.5, Recall: 0.25, F1: 1.0 / 3, TruePositives: 1, PredictedPairs: 2, TruePairs: 4,
				BCubedPrecision: 0.8, BCubedRecall: (2.0/3 + 2.0/3 + 1.0/3 + 0.5 + 0.5) / 5, BCubedF1: harmonic(0.8, (2.0/3+2.0/3+1.0/3+0.5+0.5)/5)}},
		{"all singletons", []int32{0, 1, 2}, []string{"a", "a", "b"},
			Metrics{Precision: 1, Recall: 0, F1: 0, TruePairs: 1, BCubedPrecision: 1, BCubedRecall: (0.5 + 0.5 + 1) / 3, BCubedF1: harmonic(1, 2.0/3)}},
		{"unlabelled records are their own entities", []int32{0, 0}, []string{"", ""},
			Metrics{Precision: 0, Recall: 1, F1: 0, PredictedPairs: 1, BCubedPrecision: 0.5, BCubedRecall: 1, BCubedF1: harmonic(0.5, 1)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Evaluate(tc.cluster, tc.truth)
			if err != nil {
				t.Fatal(err)
			}
			near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
			if got.TruePositives != tc.want.TruePositives || got.PredictedPairs != tc.want.PredictedPairs || got.TruePairs != tc.want.TruePairs ||
				!near(got.Precision, tc.want.Precision) || !near(got.Recall, tc.want.Recall) || !near(got.F1, tc.want.F1) ||
				!near(got.BCubedPrecision, tc.want.BCubedPrecision) || !near(got.BCubedRecall, tc.want.BCubedRecall) || !near(got.BCubedF1, tc.want.BCubedF1) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestEvaluate_RejectsMismatchedLengths(t *testing.T) {
	if _, err := Evaluate([]int32{0}, []string{"a", "b"}); err == nil {
		t.Error("no error")
	}
}

func TestSweep_MatchesClusteringAtEachThreshold(t *testing.T) {
	p := pairsOf([3]float64{0, 1, 0.99}, [3]float64{1, 2, 0.6}, [3]float64{3, 4, 0.3})
	truth := []string{"a", "a", "b", "c", "c"}
	sw, err := Sweep(p, truth, []float64{0.2, 0.5, 0.9}, 10)
	if err != nil {
		t.Fatal(err)
	}
	wantF1 := []float64{}
	for _, thr := range []float64{0.2, 0.5, 0.9} {
		c, _ := Cluster(p, 5, thr, 10)
		m, _ := Evaluate(c.Cluster, truth)
		wantF1 = append(wantF1, m.F1)
	}
	for k, pt := range sw {
		if pt.F1 != wantF1[k] {
			t.Errorf("threshold %v: F1 %v, want %v", pt.Threshold, pt.F1, wantF1[k])
		}
	}
	if sw[0].Recall != 1 || sw[2].Precision != 1 || sw[2].Recall != 0.5 {
		t.Errorf("sweep = %+v", sw)
	}
	if _, err := Sweep(p, truth, []float64{1.5}, 10); err == nil {
		t.Error("threshold 1.5 accepted")
	}
}

func TestWriteSweepSVG_IsWellFormedWithOnePointPerThreshold(t *testing.T) {
	sw := []SweepPoint{{Threshold: 0.5, Metrics: Metrics{Precision: 0.9, Recall: 0.95, BCubedPrecision: 0.92, BCubedRecall: 0.96}},
		{Threshold: 0.9, Metrics: Metrics{Precision: 0.99, Recall: 0.9, BCubedPrecision: 0.99, BCubedRecall: 0.91}}}
	var b strings.Builder
	if err := WriteSweepSVG(&b, sw); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(strings.NewReader(b.String()))
	circles, polylines := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("svg is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			switch se.Name.Local {
			case "circle":
				circles++
			case "polyline":
				polylines++
			}
		}
	}
	if circles != 4 || polylines != 2 {
		t.Errorf("%d circles and %d polylines, want 4 and 2", circles, polylines)
	}
	if err := WriteSweepSVG(&b, nil); err != nil {
		t.Errorf("empty sweep: %v", err)
	}
}
