package dedupe

import (
	"math"
	"sync"

	"github.com/leadsmith/leadsmith/dedupe/compare"
)

// probFloor keeps every trained probability positive so that no level
// has an infinite weight.
const probFloor = 1e-6

// emState holds the m and u probabilities being trained, per comparison
// and level, and which levels are null (no evidence) or fixed by settings.
type emState struct {
	m, u    [][]float64
	null    [][]bool
	fixed   [][]bool
	trained []bool
	cols    [][]string // columns each comparison reads
	labels  [][]string
	tf      [][]bool
}

func newEMState(s Settings) *emState {
	st := &emState{}
	for _, cs := range s.Comparisons {
		k := len(cs.Levels)
		m, u := make([]float64, k), make([]float64, k)
		null, fixed := make([]bool, k), make([]bool, k)
		labels, tf := make([]string, k), make([]bool, k)
		cols := []string{cs.Column}
		// Start m falling geometrically from the strictest level: EM then
		// converges to the mode where the first levels mean "match".
		var nonNull []int
		for l, lv := range cs.Levels {
			labels[l], tf[l] = lv.Label(), lv.TermFrequency
			null[l] = lv.Type == "null"
			if lv.Other != "" {
				cols = append(cols, lv.Other)
			}
			if !null[l] {
				nonNull = append(nonNull, l)
			}
		}
		var sum float64
		for r, l := range nonNull {
			m[l] = math.Exp2(float64(len(nonNull) - 1 - r))
			sum += m[l]
		}
		for _, l := range nonNull {
			m[l] /= sum
			u[l] = 1 / float64(len(nonNull))
		}
		for l, lv := range cs.Levels {
			if lv.M != nil && lv.U != nil && !null[l] {
				fixed[l] = true
				m[l], u[l] = *lv.M, *lv.U
			}
		}
		st.m, st.u = append(st.m, m), append(st.u, u)
		st.null, st.fixed = append(st.null, null), append(st.fixed, fixed)
		st.labels, st.tf = append(st.labels, labels), append(st.tf, tf)
		st.cols = append(st.cols, cols)
		st.trained = append(st.trained, false)
	}
	return st
}

func (st *emState) allFixed(c int) bool {
	for l := range st.m[c] {
		if !st.null[c][l] && !st.fixed[c][l] {
			return false
		}
	}
	return true
}

// activeFor lists the comparisons a training rule may train: those that
// read none of the rule's columns (a rule that blocks on surname makes
// every pair agree on surname, which says nothing about m for surname).
func (st *emState) activeFor(rule BlockingRule) []bool {
	used := map[string]bool{}
	for _, k := range rule.Keys {
		if col, _, err := compare.ParseKeyExpr(k); err == nil {
			used[col] = true
		}
	}
	active := make([]bool, len(st.m))
	for c, cols := range st.cols {
		active[c] = !st.allFixed(c)
		for _, col := range cols {
			if used[col] {
				active[c] = false
			}
		}
	}
	return active
}

func (st *emState) cloneM() [][]float64 {
	out := make([][]float64, len(st.m))
	for c := range st.m {
		out[c] = append([]float64(nil), st.m[c]...)
	}
	return out
}

// estimateU counts each comparison's levels over random record pairs, or
// over all pairs when there are fewer than the sample size. A level never
// seen gets half a count (at least probFloor), so its weight is large but
// finite.
func (st *emState) estimateU(comps []*compare.Compiled, n, sample int, seed uint64) int64 {
	const chunks = 8
	counts := make([][][]float64, chunks)
	for ch := range counts {
		counts[ch] = make([][]float64, len(comps))
		for c := range comps {
			counts[ch][c] = make([]float64, len(st.m[c]))
		}
	}
	all := int64(n) * int64(n-1) / 2
	var drawn int64
	if all <= int64(sample) {
		drawn = all
		var wg sync.WaitGroup
		for ch := 0; ch < chunks; ch++ {
			wg.Add(1)
			go func(ch int) {
				defer wg.Done()
				cnt := counts[ch]
				for i := ch; i < n; i += chunks {
					for j := i + 1; j < n; j++ {
						for c, cc := range comps {
							cnt[c][cc.Level(int32(i), int32(j))]++
						}
					}
				}
			}(ch)
		}
		wg.Wait()
	} else {
		drawn = int64(sample)
		randomPairs(n, sample, seed, func(ch int, i, j int32) {
			cnt := counts[ch]
			for c, cc := range comps {
				cnt[c][cc.Level(i, j)]++
			}
		})
	}
	for c := range comps {
		var total float64
		k := 0
		for l := range st.u[c] {
			if st.null[c][l] {
				continue
			}
			k++
			for ch := range counts {
				total += counts[ch][c][l]
			}
		}
		for l := range st.u[c] {
			if st.null[c][l] || st.fixed[c][l] {
				continue
			}
			var cnt float64
			for ch := range counts {
				cnt += counts[ch][c][l]
			}
			if total == 0 {
				st.u[c][l] = 1 / float64(k)
				continue
			}
			// The same floor as m: a level seen neither in random pairs nor
			// among matches then weighs 0 instead of a spurious bonus.
			st.u[c][l] = math.Max(math.Max(cnt, 0.5)/total, probFloor)
		}
		normalize(st.u[c], st.null[c], st.fixed[c])
	}
	return drawn
}

// em runs expectation-maximisation over level patterns. The E-step works
// in log2 odds so that many comparisons cannot underflow. With updateM it
// re-estimates m for the active comparisons and the match share; without,
// only the match share. trace, when not nil, receives each iteration's
// largest parameter change.
func (st *emState) em(pats []pattern, m [][]float64, active []bool, lambda float64, updateM bool, maxIter int, tol float64, trace *[]float64) ([][]float64, float64, int, bool) {
	lw := make([][]float64, len(m))
	acc := make([][]float64, len(m))
	for c := range m {
		lw[c] = make([]float64, len(m[c]))
		acc[c] = make([]float64, len(m[c]))
	}
	var total float64
	for _, p := range pats {
		total += p.n
	}
	var prev []float64
	for it := 1; it <= maxIter; it++ {
		for c := range m {
			for l := range m[c] {
				lw[c][l] = 0
				acc[c][l] = 0
				if active[c] && !st.null[c][l] {
					lw[c][l] = math.Log2(m[c][l] / st.u[c][l])
				}
			}
		}
		prior := logit2(lambda)
		var matches float64
		for _, p := range pats {
			w := prior
			for c, l := range p.levels {
				w += lw[c][l]
			}
			post := p.n / (1 + math.Exp2(-w))
			matches += post
			if updateM {
				for c, l := range p.levels {
					acc[c][l] += post
				}
			}
		}
		delta := math.Abs(matches/total - lambda)
		lambda = matches / total
		if updateM {
			for c := range m {
				if !active[c] {
					continue
				}
				var sum float64
				for l := range m[c] {
					if !st.null[c][l] {
						sum += acc[c][l]
					}
				}
				if sum == 0 {
					continue
				}
				prev = append(prev[:0], m[c]...)
				for l := range m[c] {
					if st.null[c][l] || st.fixed[c][l] {
						continue
					}
					m[c][l] = math.Max(acc[c][l]/sum, probFloor)
				}
				normalize(m[c], st.null[c], st.fixed[c])
				// The change is measured after normalizing: a floored
				// level moves every time before it and never after.
				for l := range m[c] {
					delta = math.Max(delta, math.Abs(m[c][l]-prev[l]))
				}
			}
		}
		if trace != nil {
			*trace = append(*trace, delta)
		}
		if delta < tol {
			return m, lambda, it, true
		}
	}
	return m, lambda, maxIter, false
}

// normalize scales the free levels so that all non-null levels sum to 1,
// leaving fixed levels as set.
func normalize(p []float64, null, fixed []bool) {
	var free, fixedSum float64
	for l := range p {
		switch {
		case null[l]:
		case fixed[l]:
			fixedSum += p[l]
		default:
			free += p[l]
		}
	}
	if free <= 0 {
		return
	}
	scale := math.Max(1-fixedSum, 1e-6) / free
	for l := range p {
		if !null[l] && !fixed[l] {
			p[l] *= scale
		}
	}
}

func (st *emState) model(s Settings, prior float64) *Model {
	m := &Model{Version: modelVersion, Settings: s, Prior: prior}
	for c, cs := range s.Comparisons {
		cm := ComparisonModel{Name: cs.Name}
		for l := range cs.Levels {
			lm := LevelModel{Label: st.labels[c][l], Null: st.null[c][l], TF: st.tf[c][l]}
			if !lm.Null {
				lm.M, lm.U = st.m[c][l], st.u[c][l]
				lm.Trained = st.trained[c] && !st.fixed[c][l]
			}
			cm.Levels = append(cm.Levels, lm)
		}
		m.Comparisons = append(m.Comparisons, cm)
	}
	return m
}
