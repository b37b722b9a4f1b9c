package dedupe

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/leadsmith/leadsmith/dedupe/compare"
)

// TrainReport says what training saw and did, for the run's report.
type TrainReport struct {
	// USamplePairs is how many record pairs estimated u (all pairs when the
	// table is small enough).
	USamplePairs int64 `json:"u_sample_pairs"`
	// Rules describes one EM run per training blocking rule.
	Rules []TrainRuleReport `json:"rules"`
	// Untrained lists comparisons no training rule could estimate m for:
	// they keep their starting m values and deserve a new training rule.
	Untrained []string `json:"untrained,omitempty"`
	// CandidatePairs estimates the distinct candidate pairs of the
	// prediction rules, and CandidateMatchShare the share of them expected
	// to match under the prior; together they give the prior.
	CandidatePairs      float64 `json:"candidate_pairs"`
	CandidateMatchShare float64 `json:"candidate_match_share"`
	Prior               float64 `json:"prior"`
}

// TrainRuleReport is one EM run.
type TrainRuleReport struct {
	Rule       string   `json:"rule"`
	Pairs      int64    `json:"pairs"`
	Iterations int      `json:"iterations"`
	Converged  bool     `json:"converged"`
	MatchShare float64  `json:"match_share"`
	Trained    []string `json:"trained"`
	// Deltas is each iteration's largest parameter change; EM converged
	// when the last fell below the tolerance.
	Deltas []float64 `json:"deltas,omitempty"`
}

// Train estimates a model without labels: u from random record pairs, m by
// EM over the pairs of each training blocking rule (each rule trains the
// comparisons that do not use its columns, and the estimates are averaged),
// then the prior from the prediction rules' candidate pairs (see
// estimatePrior). Levels
// with fixed m and u in the settings keep them.
func Train(t *Table, s Settings) (*Model, *TrainReport, error) {
	s = s.withDefaults()
	if err := t.check(); err != nil {
		return nil, nil, fmt.Errorf("train: %w", err)
	}
	if errs := s.Validate(t.Columns()...); len(errs) > 0 {
		return nil, nil, fmt.Errorf("train: invalid settings: %w", joinErrors(errs))
	}
	if t.Len() < 2 {
		return nil, nil, fmt.Errorf("train: need at least 2 records, got %d", t.Len())
	}
	p := newPrepared(t)
	comps, err := compileComparisons(p, s.Comparisons)
	if err != nil {
		return nil, nil, fmt.Errorf("train: %w", err)
	}
	tr := &TrainReport{}
	st := newEMState(s)
	tr.USamplePairs = st.estimateU(comps, t.Len(), s.USampleSize, s.Seed)

	rules := s.TrainingBlockingRules
	if len(rules) == 0 {
		rules = s.BlockingRules
	}
	sum := make([][]float64, len(comps))
	runs := make([]int, len(comps))
	for c := range comps {
		sum[c] = make([]float64, len(st.m[c]))
	}
	for _, rule := range rules {
		b, err := newBlocking(p, []BlockingRule{rule}, s.MaxBlockSize)
		if err != nil {
			return nil, nil, fmt.Errorf("train: %w", err)
		}
		pats, n := aggregatePatterns(b, comps, false)
		rr := TrainRuleReport{Rule: ruleName(rule), Pairs: n}
		active := st.activeFor(rule)
		if n > 0 && slices.Contains(active, true) {
			m := st.cloneM()
			var lambda float64
			m, lambda, rr.Iterations, rr.Converged = st.em(pats, m, active, 0.3, true, s.EMMaxIterations, s.EMTolerance, &rr.Deltas)
			rr.MatchShare = lambda
			for c, a := range active {
				if !a {
					continue
				}
				rr.Trained = append(rr.Trained, comps[c].Name())
				runs[c]++
				for l := range m[c] {
					sum[c][l] += m[c][l]
				}
			}
		}
		tr.Rules = append(tr.Rules, rr)
	}
	for c := range comps {
		if runs[c] == 0 {
			if !st.allFixed(c) {
				tr.Untrained = append(tr.Untrained, comps[c].Name())
			}
			continue
		}
		for l := range sum[c] {
			if !st.null[c][l] && !st.fixed[c][l] {
				st.m[c][l] = sum[c][l] / float64(runs[c])
			}
		}
		st.trained[c] = true
	}

	prior := s.Prior
	if prior == 0 {
		prior, err = st.estimatePrior(p, comps, s, t.Len(), tr)
		if err != nil {
			return nil, nil, fmt.Errorf("train: %w", err)
		}
	}
	tr.Prior = prior
	m := st.model(s, prior)
	m.prep.Store(p)
	return m, tr, nil
}

// estimatePrior finds the prior that agrees with itself: the expected
// number of matches among the prediction rules' candidate pairs (a sample
// of blocks when there are many), each pair weighed exactly as the scorer
// will weigh it (term frequencies included) under that prior, divided by
// all record pairs. Pairs outside the candidates count as non-matches.
//
// Running EM for the match share inside the candidate pairs, with that
// share as the pairs' prior, counts the blocking agreement twice: a rule's
// key (a shared name, company or phone) is both what made the pair a
// candidate and, through its weight, evidence again. Name rules then look
// like mostly matches and the prior comes out several times too high.
func (st *emState) estimatePrior(p *prepared, comps []*compare.Compiled, s Settings, n int, tr *TrainReport) (float64, error) {
	all := float64(n) * float64(n-1) / 2
	// The prior stays in [floor, 0.5]; on a table of a few records the
	// floor (one match among all pairs) would exceed 0.5.
	floor := math.Min(1/all, 0.5)
	b, err := newBlocking(p, s.BlockingRules, s.MaxBlockSize)
	if err != nil {
		return 0, err
	}
	p.handOver(s.BlockingRules, s.MaxBlockSize, b)
	b = b.shallowCopy() // the sampling below must not change what Predict gets
	var raw int64
	for _, blk := range b.blocks {
		k := int64(blk.end - blk.start)
		raw += k * (k - 1) / 2
	}
	// A few million pairs pin the expected count down well; scoring them
	// all on a big table would cost as much as prediction.
	const budget = 4_000_000
	sampledRaw := raw
	if raw > budget {
		stride := int(raw/budget) + 1
		var keep [][]block
		sampledRaw = 0
		for t := 0; t < len(b.tasks); t += stride {
			keep = append(keep, b.tasks[t])
			for _, blk := range b.tasks[t] {
				k := int64(blk.end - blk.start)
				sampledRaw += k * (k - 1) / 2
			}
		}
		b.tasks = keep
	}
	lw := newLevelWeights(comps, st.m, st.u, st.null, st.tf, s.TFMinimumU)
	hist, visited := weightHistogram(b, comps, &lw)
	if visited == 0 || sampledRaw == 0 {
		return floor, nil
	}
	cand := float64(visited) / float64(sampledRaw) * float64(raw)
	scale := cand / float64(visited)
	// expected(prior) is the expected number of matches among all
	// candidates. prior*all - expected(prior) is convex in the prior and
	// zero at 0, so it has at most one positive root: bisect on its log.
	expected := func(prior float64) float64 {
		pw := logit2(prior)
		var e float64
		for k, c := range hist {
			if c != 0 {
				e += c / (1 + math.Exp2(-(pw + histWeight(k))))
			}
		}
		return e * scale
	}
	lo, hi := math.Log(floor), math.Log(math.Min(0.5, math.Max(cand/all, floor)))
	for it := 0; it < 100 && hi-lo > 1e-9; it++ {
		mid := (lo + hi) / 2
		if expected(math.Exp(mid)) > math.Exp(mid)*all {
			lo = mid
		} else {
			hi = mid
		}
	}
	prior := math.Exp(lo)
	tr.CandidatePairs = cand
	tr.CandidateMatchShare = expected(prior) / cand
	return prior, nil
}

// The weight histogram has bins of 1/histScale bit over ±histRange bits;
// weights beyond fall into the end bins.
const (
	histScale = 64
	histRange = 128
)

func histBin(w float64) int {
	k := int(math.Round((w + histRange) * histScale))
	return min(max(k, 0), 2*histRange*histScale)
}

func histWeight(k int) float64 { return float64(k)/histScale - histRange }

// weightHistogram counts the distinct candidate pairs of a blocking by
// match weight, prior excluded.
func weightHistogram(b *blocking, comps []*compare.Compiled, lw *levelWeights) ([]float64, int64) {
	total := make([]float64, 2*histRange*histScale+1)
	memos := compare.NewMemos(comps)
	lev := compare.NewLeveler(comps)
	nc := len(comps)
	visited := foldPairs(b, true,
		func() []float64 { return make([]float64, len(total)) },
		func(local []float64, w int, i, j int32) {
			var lv [maxComparisons]uint8
			lev.Levels(i, j, memos[w], lv[:nc])
			local[histBin(lw.sum(i, lev.Row(i), lv[:nc]))]++
		},
		func(local []float64) {
			for k, v := range local {
				total[k] += v
			}
		})
	return total, visited
}

// foldPairs visits every pair of a blocking's tasks in parallel: each task
// accumulates into a local value from newLocal, merged (one task at a time)
// when the task is done. It returns the number of pairs visited.
func foldPairs[L any](b *blocking, dedupe bool, newLocal func() L, visit func(L, int, int32, int32), merge func(L)) int64 {
	var mu sync.Mutex
	var visited int64
	b.runTasks(func(w, t int) {
		local := newLocal()
		var n int64
		for _, blk := range b.tasks[t] {
			b.pairs(blk, dedupe, func(i, j int32) {
				visit(local, w, i, j)
				n++
			})
		}
		mu.Lock()
		merge(local)
		visited += n
		mu.Unlock()
	})
	return visited
}

// aggregatePatterns counts the distinct level patterns over a blocking's
// pairs: EM then costs the number of patterns, not of pairs.
func aggregatePatterns(b *blocking, comps []*compare.Compiled, dedupe bool) ([]pattern, int64) {
	total := map[string]float64{}
	nc := len(comps)
	memos := compare.NewMemos(comps)
	lev := compare.NewLeveler(comps)
	visited := foldPairs(b, dedupe,
		func() map[string]float64 { return map[string]float64{} },
		func(local map[string]float64, w int, i, j int32) {
			var lv [maxComparisons]uint8
			lev.Levels(i, j, memos[w], lv[:nc])
			local[string(lv[:nc])]++
		},
		func(local map[string]float64) {
			for k, v := range local {
				total[k] += v
			}
		})
	pats := make([]pattern, 0, len(total))
	for k, v := range total {
		pats = append(pats, pattern{levels: []uint8(k), n: v})
	}
	// Map order is random; EM sums in float64, so fix the order for
	// reproducible models.
	slices.SortFunc(pats, func(a, b pattern) int { return slices.Compare(a.levels, b.levels) })
	return pats, visited
}

type pattern struct {
	levels []uint8
	n      float64
}

// randomPairs draws record pairs for u in a fixed number of seeded chunks,
// so the result does not depend on how many cores ran it.
func randomPairs(n, count int, seed uint64, fn func(chunk int, i, j int32)) {
	const chunks = 8
	var wg sync.WaitGroup
	for ch := 0; ch < chunks; ch++ {
		wg.Add(1)
		go func(ch int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(ch)+0x5eed))
			k := count / chunks
			if ch < count%chunks {
				k++
			}
			for ; k > 0; k-- {
				i := rng.IntN(n)
				j := rng.IntN(n - 1)
				if j >= i {
					j++
				}
				fn(ch, int32(i), int32(j))
			}
		}(ch)
	}
	wg.Wait()
}

// logit2 is log2 of odds, bounded for p at 0 or 1.
func logit2(p float64) float64 {
	p = math.Min(math.Max(p, 1e-12), 1-1e-12)
	return math.Log2(p / (1 - p))
}
