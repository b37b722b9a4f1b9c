package dedupe

import (
	"math"

	"github.com/leadsmith/leadsmith/dedupe/compare"
)

// tfAdjustments returns, per interned value id, the weight to add when two
// records agree exactly on that value: log2(u / f) where f is the value's
// share of non-null records. The level's own weight log2(m/u) plus this
// makes log2(m/f), so agreeing on "smith" counts less than agreeing on
// "przybylski". f is floored at minU so a one-off value stays bounded.
func tfAdjustments(col *compare.Column, u, minU float64) []float64 {
	adj := make([]float64, len(col.Counts()))
	if col.NonNull() == 0 || u <= 0 {
		return adj
	}
	for id := 1; id < len(col.Counts()); id++ {
		f := float64(col.Counts()[id]) / float64(col.NonNull())
		if f < minU {
			f = minU
		}
		adj[id] = math.Log2(u / f)
	}
	return adj
}
