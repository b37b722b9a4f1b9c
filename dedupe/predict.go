package dedupe

import (
	"fmt"
	"math"
	"runtime"

	"github.com/leadsmith/leadsmith/dedupe/compare"
	"golang.org/x/sync/errgroup"
)

// Scorer is a model compiled against one table: per-record values, keys
// and term frequencies are prepared once, so scoring a pair allocates
// nothing. A Scorer is safe for concurrent use.
type Scorer struct {
	model *Model
	t     *Table
	p     *prepared
	comps []*compare.Compiled
	lev   *compare.Leveler
	levelWeights
	priorW float64
}

// levelWeights are a model's per-level weights compiled against a table.
type levelWeights struct {
	// weight[c*compare.MaxLevels+l] is log2(m/u) of comparison c's level
	// l: one flat table, so the hot loop reads no nested slices.
	weight []float64
	// tfLevel is the term-frequency adjusted level of each comparison, -1
	// if none; tfAdj[c][id] is the extra weight for exact agreement on the
	// value with that id.
	tfLevel []int
	tfAdj   [][]float64
	// tfBase tells that the term-frequency level compares the base
	// values, whose ids are in the Leveler's rows; tfIDs[c] are the value
	// ids of the column it compares, for the other case (kept here so that
	// sum reads no compiled comparison and stays small enough to inline).
	tfBase []bool
	tfIDs  [][]uint32
}

// levelWeight is log2(m/u) of comparison c's level l.
func (lw *levelWeights) levelWeight(c int, l uint8) float64 {
	return lw.weight[c*compare.MaxLevels+int(l)]
}

// newLevelWeights compiles m and u per comparison and level (null levels
// weigh 0) and the term-frequency adjustments of each comparison's first
// term-frequency level.
func newLevelWeights(comps []*compare.Compiled, m, u [][]float64, null, tf [][]bool, minU float64) levelWeights {
	var lw levelWeights
	lw.weight = make([]float64, len(comps)*compare.MaxLevels)
	for c := range comps {
		w := lw.weight[c*compare.MaxLevels : c*compare.MaxLevels+len(m[c])]
		tfl := -1
		for l := range m[c] {
			w[l] = LevelModel{Null: null[c][l], M: m[c][l], U: u[c][l]}.Weight()
			if tf[c][l] && !null[c][l] && tfl < 0 {
				tfl = l
			}
		}
		lw.tfLevel = append(lw.tfLevel, tfl)
		var adj []float64
		var ids []uint32
		if tfl >= 0 {
			col := comps[c].LevelColumn(tfl)
			adj = tfAdjustments(col, u[c][tfl], minU)
			ids = col.IDs()
		}
		lw.tfAdj = append(lw.tfAdj, adj)
		lw.tfBase = append(lw.tfBase, tfl >= 0 && comps[c].LevelColumn(tfl) == comps[c].Base())
		lw.tfIDs = append(lw.tfIDs, ids)
	}
	return lw
}

// sum is the match weight, prior excluded, of a pair whose left record is
// i, with base value ids row (Leveler.Row), and whose levels are given.
func (lw *levelWeights) sum(i int32, row []uint32, levels []uint8) float64 {
	var w float64
	weight := lw.weight[:len(levels)*compare.MaxLevels]
	for c, l := range levels {
		w += weight[c*compare.MaxLevels+int(l&(compare.MaxLevels-1))]
		if int(l) == lw.tfLevel[c] {
			id := row[c]
			if !lw.tfBase[c] {
				id = lw.tfIDs[c][i]
			}
			w += lw.tfAdj[c][id]
		}
	}
	return w
}

// NewScorer compiles the model for the table.
func NewScorer(m *Model, t *Table) (*Scorer, error) {
	if m == nil {
		return nil, fmt.Errorf("new scorer: model is nil")
	}
	if err := t.check(); err != nil {
		return nil, fmt.Errorf("new scorer: %w", err)
	}
	if errs := m.Settings.Validate(t.Columns()...); len(errs) > 0 {
		return nil, fmt.Errorf("new scorer: %w", joinErrors(errs))
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("new scorer: %w", err)
	}
	p := m.prep.Load()
	if p == nil || p.t != t || !m.prep.CompareAndSwap(p, nil) {
		p = newPrepared(t)
	}
	comps, err := compileComparisons(p, m.Settings.Comparisons)
	if err != nil {
		return nil, fmt.Errorf("new scorer: %w", err)
	}
	s := &Scorer{model: m, t: t, p: p, comps: comps, lev: compare.NewLeveler(comps), priorW: m.PriorWeight()}
	var mm, uu [][]float64
	var null, tf [][]bool
	for _, cm := range m.Comparisons {
		k := len(cm.Levels)
		mc, uc, nc, tc := make([]float64, k), make([]float64, k), make([]bool, k), make([]bool, k)
		for l, lv := range cm.Levels {
			mc[l], uc[l], nc[l], tc[l] = lv.M, lv.U, lv.Null, lv.TF
		}
		mm, uu, null, tf = append(mm, mc), append(uu, uc), append(null, nc), append(tf, tc)
	}
	s.levelWeights = newLevelWeights(comps, mm, uu, null, tf, m.Settings.withDefaults().TFMinimumU)
	return s, nil
}

func compileComparisons(p *prepared, cs []Comparison) ([]*compare.Compiled, error) {
	// Comparisons compile in parallel: preparing a column (interning a
	// million values, phonetic keys, signatures) is the costly part, and
	// each column is prepared once however many ask for it.
	out := make([]*compare.Compiled, len(cs))
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for k := range cs {
		g.Go(func() (err error) {
			out[k], err = compare.Compile(cs[k], p.column)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// score fills levels (one per comparison) and returns the match weight,
// prior included; memo is the calling worker's pair memo (compare.NewMemo).
func (s *Scorer) score(i, j int32, levels []uint8, memo compare.Memo) float64 {
	s.lev.Levels(i, j, memo, levels)
	return s.priorW + s.sum(i, s.lev.Row(i), levels[:len(s.comps)])
}

// Pairs holds scored candidate pairs in compact columns: record indexes
// into the table, the blocking rule that found the pair, one level per
// comparison (row-major, NumComparisons per pair), the match weight (log2
// odds, prior included) and the match probability.
type Pairs struct {
	Comparisons []string
	Rules       []string
	L, R        []int32
	Rule        []uint8
	Levels      []uint8
	Weight      []float32
	Prob        []float32
}

// Len is the number of pairs.
func (p *Pairs) Len() int { return len(p.L) }

// PairLevels returns pair k's levels, one per comparison.
func (p *Pairs) PairLevels(k int) []uint8 {
	n := len(p.Comparisons)
	return p.Levels[k*n : (k+1)*n]
}

// ComparisonLevels copies comparison c's level for every pair: the
// `<comparison>_level` column of the pairs dataset.
func (p *Pairs) ComparisonLevels(c int) []uint8 {
	n := len(p.Comparisons)
	if c < 0 || c >= n {
		return nil
	}
	out := make([]uint8, p.Len())
	for k := range out {
		out[k] = p.Levels[k*n+c]
	}
	return out
}

// IsMatch reports whether pair k reaches the match threshold.
func (p *Pairs) IsMatch(k int, threshold float64) bool {
	return p.Prob[k] >= float32(threshold)
}

// gather concatenates one column of the per-task results in task order
// and releases the parts.
func gather[T any](parts []Pairs, col func(*Pairs) *[]T) []T {
	n := 0
	for k := range parts {
		n += len(*col(&parts[k]))
	}
	out := make([]T, 0, n)
	for k := range parts {
		c := col(&parts[k])
		out = append(out, *c...)
		*c = nil
	}
	return out
}

// Predict blocks the table with the model's blocking rules and scores every
// distinct candidate pair across GOMAXPROCS workers. Pairs below the
// settings' min_pair_probability are dropped. The output order is
// deterministic.
func (s *Scorer) Predict() (*Pairs, *BlockingReport, error) {
	set := s.model.Settings.withDefaults()
	b := s.p.takeOver(set.BlockingRules, set.MaxBlockSize)
	if b == nil {
		var err error
		if b, err = newBlocking(s.p, set.BlockingRules, set.MaxBlockSize); err != nil {
			return nil, nil, fmt.Errorf("predict: %w", err)
		}
	}
	nc := len(s.comps)
	minW := math.Inf(-1)
	if set.MinPairProbability > 0 {
		minW = math.Log2(set.MinPairProbability / (1 - set.MinPairProbability))
	}
	results := make([]Pairs, len(b.tasks))
	perRule := make([][]int64, len(b.tasks))
	hists := make([][]int64, len(b.tasks))
	memos := compare.NewMemos(s.comps)
	b.runTasks(func(wk, t int) {
		out := &results[t]
		counts := make([]int64, len(b.rules))
		hist := make([]int64, weightHistBins)
		var lv [maxComparisons]uint8
		for _, blk := range b.tasks[t] {
			rule := blk.rule
			b.pairs(blk, true, func(i, j int32) {
				counts[rule]++
				w := s.score(i, j, lv[:nc], memos[wk])
				hist[weightHistBin(w)]++
				if w < minW {
					return
				}
				out.L = append(out.L, i)
				out.R = append(out.R, j)
				out.Rule = append(out.Rule, rule)
				out.Levels = append(out.Levels, lv[:nc]...)
				out.Weight = append(out.Weight, float32(w))
				out.Prob = append(out.Prob, float32(probability(w)))
			})
		}
		perRule[t] = counts
		hists[t] = hist
	})
	pairs := &Pairs{}
	for _, cc := range s.comps {
		pairs.Comparisons = append(pairs.Comparisons, cc.Name())
	}
	for _, r := range b.rules {
		pairs.Rules = append(pairs.Rules, r.name)
	}
	for t := range perRule {
		for r, c := range perRule[t] {
			b.report.Rules[r].Pairs += c
			b.report.TotalPairs += c
		}
		b.report.Weights.add(hists[t])
	}
	// Gather one column at a time, dropping each task's copy as it goes,
	// so the peak is the output plus one column rather than twice the
	// output.
	pairs.L = gather(results, func(p *Pairs) *[]int32 { return &p.L })
	pairs.R = gather(results, func(p *Pairs) *[]int32 { return &p.R })
	pairs.Rule = gather(results, func(p *Pairs) *[]uint8 { return &p.Rule })
	pairs.Levels = gather(results, func(p *Pairs) *[]uint8 { return &p.Levels })
	pairs.Weight = gather(results, func(p *Pairs) *[]float32 { return &p.Weight })
	pairs.Prob = gather(results, func(p *Pairs) *[]float32 { return &p.Prob })
	// A copy: a pointer into b would keep its keys and orders alive.
	rep := b.report
	return pairs, &rep, nil
}

// maxComparisons bounds a model's comparisons so a pair's levels fit in a
// stack array while scoring.
const maxComparisons = 64
