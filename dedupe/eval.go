package dedupe

import (
	"fmt"
	"slices"
)

// Metrics compare a clustering with ground truth. Pairwise figures count
// record pairs: predicted when both records share a cluster, true when they
// share a truth entity. B-cubed figures average, per record, the share of
// its cluster that is truly its entity (precision) and the share of its
// entity found in its cluster (recall).
type Metrics struct {
	Precision       float64 `json:"precision"`
	Recall          float64 `json:"recall"`
	F1              float64 `json:"f1"`
	TruePositives   int64   `json:"true_positives"`
	PredictedPairs  int64   `json:"predicted_pairs"`
	TruePairs       int64   `json:"true_pairs"`
	BCubedPrecision float64 `json:"bcubed_precision"`
	BCubedRecall    float64 `json:"bcubed_recall"`
	BCubedF1        float64 `json:"bcubed_f1"`
}

// Evaluate scores cluster numbers against truth labels (one per record)
// through the cluster-by-entity contingency table, so the cost is linear in
// records rather than quadratic in pairs. An empty truth label is its own
// entity (an unlabelled record matches nothing).
func Evaluate(cluster []int32, truth []string) (Metrics, error) {
	if len(cluster) != len(truth) {
		return Metrics{}, fmt.Errorf("evaluate: %d cluster labels for %d truth labels", len(cluster), len(truth))
	}
	entity, n := internTruth(truth)
	return evaluateEntities(cluster, entity, n, nil)
}

// internTruth numbers the truth labels 0..n-1; an empty label gets a
// number of its own.
func internTruth(truth []string) ([]int32, int) {
	ids := make(map[string]int32, len(truth)/2)
	entity := make([]int32, len(truth))
	n := int32(0)
	for i, t := range truth {
		if t == "" {
			entity[i] = n
			n++
			continue
		}
		id, ok := ids[t]
		if !ok {
			id = n
			ids[t] = id
			n++
		}
		entity[i] = id
	}
	return entity, int(n)
}

// evaluateEntities is Evaluate over entity numbers 0..entities-1. The
// contingency table's cells are counted cluster by cluster (records
// grouped by a counting sort), with one count per entity reset as a
// cluster ends: linear in records. At a million records the maps this
// replaced cost a second per threshold of a sweep. sc, when not nil, keeps
// the scratch slices between calls.
func evaluateEntities(cluster, entity []int32, entities int, sc *evalScratch) (Metrics, error) {
	if sc == nil {
		sc = &evalScratch{}
	}
	clusters := int32(0)
	for _, c := range cluster {
		if c < 0 {
			return Metrics{}, fmt.Errorf("evaluate: negative cluster number %d", c)
		}
		clusters = max(clusters, c+1)
	}
	csize := make([]int64, clusters)
	esize := make([]int64, entities)
	for i, c := range cluster {
		csize[c]++
		esize[entity[i]]++
	}
	// Records grouped by cluster: start[c] is where cluster c's records
	// begin in order.
	start := sized(&sc.start, int(clusters)+1)
	clear(start)
	for _, c := range cluster {
		start[c+1]++
	}
	for c := 1; c <= int(clusters); c++ {
		start[c] += start[c-1]
	}
	order := sized(&sc.order, len(cluster))
	fill := sized(&sc.fill, int(clusters))
	copy(fill, start[:clusters])
	for i, c := range cluster {
		order[fill[c]] = int32(i)
		fill[c]++
	}
	count := sized(&sc.count, entities)
	clear(count)
	var touched []int32
	pairs := func(n int64) int64 { return n * (n - 1) / 2 }
	var m Metrics
	var bp, br float64
	for c := int32(0); c < clusters; c++ {
		touched = touched[:0]
		for _, r := range order[start[c]:start[c+1]] {
			e := entity[r]
			if count[e] == 0 {
				touched = append(touched, e)
			}
			count[e]++
		}
		for _, e := range touched {
			n := int64(count[e])
			count[e] = 0
			m.TruePositives += pairs(n)
			// Each of the n records in this cell sees n of its cluster's
			// and n of its entity's records.
			bp += float64(n) * float64(n) / float64(csize[c])
			br += float64(n) * float64(n) / float64(esize[e])
		}
	}
	for _, n := range csize {
		m.PredictedPairs += pairs(n)
	}
	for _, n := range esize {
		m.TruePairs += pairs(n)
	}
	m.Precision = ratio(m.TruePositives, m.PredictedPairs)
	m.Recall = ratio(m.TruePositives, m.TruePairs)
	m.F1 = harmonic(m.Precision, m.Recall)
	if n := float64(len(cluster)); n > 0 {
		m.BCubedPrecision, m.BCubedRecall = bp/n, br/n
	}
	m.BCubedF1 = harmonic(m.BCubedPrecision, m.BCubedRecall)
	return m, nil
}

// evalScratch holds evaluateEntities' slices across a sweep's thresholds.
type evalScratch struct {
	start, order, fill, count []int32
}

// sized sets *s to n elements, reusing its array when big enough.
func sized(s *[]int32, n int) []int32 {
	*s = slices.Grow((*s)[:0], n)[:n]
	return *s
}

// ratio is a/b with the convention that nothing predicted (or nothing to
// find) is perfect: no pair was wrong (or none was missed).
func ratio(a, b int64) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func harmonic(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}
