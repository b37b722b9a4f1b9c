package dedupe

import "fmt"

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
	ids := map[string]int32{}
	entity := make([]int32, len(truth))
	for i, t := range truth {
		if t == "" {
			entity[i] = int32(len(ids))
			ids[fmt.Sprintf("\x00unlabelled-%d", i)] = entity[i]
			continue
		}
		id, ok := ids[t]
		if !ok {
			id = int32(len(ids))
			ids[t] = id
		}
		entity[i] = id
	}
	cell := map[[2]int32]int64{}
	csize := map[int32]int64{}
	esize := map[int32]int64{}
	for i, c := range cluster {
		cell[[2]int32{c, entity[i]}]++
		csize[c]++
		esize[entity[i]]++
	}
	pairs := func(n int64) int64 { return n * (n - 1) / 2 }
	var m Metrics
	var bp, br float64
	for k, n := range cell {
		m.TruePositives += pairs(n)
		// Each of the n records in this cell sees n of its cluster's and
		// n of its entity's records.
		bp += float64(n) * float64(n) / float64(csize[k[0]])
		br += float64(n) * float64(n) / float64(esize[k[1]])
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
