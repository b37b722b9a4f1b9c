package dedupe

import "math"

// tfAdjustments returns, per interned value id, the weight to add when two
// records agree exactly on that value: log2(u / f) where f is the value's
// share of non-null records. The level's own weight log2(m/u) plus this
// makes log2(m/f), so agreeing on "smith" counts less than agreeing on
// "przybylski". f is floored at minU so a one-off value stays bounded.
func tfAdjustments(col *colData, u, minU float64) []float64 {
	adj := make([]float64, len(col.count))
	if col.nonNull == 0 || u <= 0 {
		return adj
	}
	for id := 1; id < len(col.count); id++ {
		f := float64(col.count[id]) / float64(col.nonNull)
		if f < minU {
			f = minU
		}
		adj[id] = math.Log2(u / f)
	}
	return adj
}
