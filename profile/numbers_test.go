package profile

import (
	"math"
	"slices"
	"sort"
	"testing"
)

// rankError returns how far the rank of q among sorted is from p: 0 when
// some position of q in sorted has rank p.
func rankError(sorted []float64, q, p float64) float64 {
	n := float64(len(sorted))
	lo := float64(sort.SearchFloat64s(sorted, q)) / n
	hi := float64(sort.Search(len(sorted), func(i int) bool { return sorted[i] > q })) / n
	switch {
	case p < lo:
		return lo - p
	case p > hi:
		return p - hi
	}
	return 0
}

func TestColumn_QuantilesWithinOnePercentRank(t *testing.T) {
	const n = 1_000_000
	r := rng(11)
	gens := map[string]func(i int) float64{
		"uniform":     func(int) float64 { return float64(r.intn(1 << 30)) },
		"exponential": func(int) float64 { return -math.Log((float64(r.next()>>11) + 0.5) / (1 << 53)) },
		"ascending":   func(i int) float64 { return float64(i) },
		"half zeros": func(i int) float64 {
			if i%2 == 0 {
				return 0
			}
			return float64(r.intn(1000))
		},
	}
	for name, gen := range gens {
		t.Run(name, func(t *testing.T) {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = gen(i)
			}
			c := NewColumn("revenue_usd", Options{})
			arr := floatArray(xs, nil)
			defer arr.Release()
			observe(t, c, arr, nil)
			sorted := slices.Clone(xs)
			slices.Sort(sorted)
			checkSummary(t, c.Stats().Numbers, sorted)
		})
	}
}

// checkSummary checks min and max exactly, the mean closely and each
// quantile within 1% of rank.
func checkSummary(t *testing.T, s *Summary, sorted []float64) {
	t.Helper()
	var sum float64
	for _, x := range sorted {
		sum += x
	}
	mean := sum / float64(len(sorted))
	if s.Min != sorted[0] || s.Max != sorted[len(sorted)-1] || math.Abs(s.Mean-mean) > 1e-9*math.Max(1, math.Abs(mean)) {
		t.Errorf("min %v max %v mean %v, want %v %v %v", s.Min, s.Max, s.Mean, sorted[0], sorted[len(sorted)-1], mean)
	}
	for _, q := range []struct{ p, v float64 }{{0.01, s.P01}, {0.25, s.P25}, {0.5, s.P50}, {0.75, s.P75}, {0.99, s.P99}} {
		if e := rankError(sorted, q.v, q.p); e > 0.01 {
			t.Errorf("p%02.0f = %v: rank error %.4f", q.p*100, q.v, e)
		}
	}
}

func TestReservoir_ExactBelowSampleSize(t *testing.T) {
	r := newReservoir(8, 1)
	for _, x := range []float64{5, 1, 4, 2, 3} {
		r.add(x)
	}
	if got := r.quantiles([]float64{0, 0.5, 1}); !slices.Equal(got, []float64{1, 3, 5}) {
		t.Errorf("quantiles %v", got)
	}
	o := newReservoir(8, 2)
	for _, x := range []float64{6, 7, 8} {
		o.add(x)
	}
	r.merge(&o)
	if got := r.quantiles([]float64{0, 1}); len(r.xs) != 8 || !slices.Equal(got, []float64{1, 8}) {
		t.Errorf("merged %v quantiles %v", r.xs, got)
	}
}
