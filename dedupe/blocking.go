package dedupe

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/leadsmith/leadsmith/dedupe/compare"
	"github.com/leadsmith/leadsmith/internal/par"
)

// BlockingReport says how many candidate pairs each rule produced and which
// blocks were too big to compare. Blocks are named by rule and size only:
// their key is a person's data.
type BlockingReport struct {
	Rules []RuleReport `json:"rules"`
	// TotalPairs counts distinct candidate pairs over all rules.
	TotalPairs int64 `json:"total_pairs"`
	// LargestBlocks lists the biggest compared or capped blocks, largest first.
	LargestBlocks []BlockInfo `json:"largest_blocks"`
	// Weights counts every scored candidate pair by match weight, those
	// below min_pair_probability (not kept) included.
	Weights WeightHistogram `json:"weights"`
}

// WeightHistogram counts match weights in bins of one bit: Counts[k]
// holds weights in [Lo+k, Lo+k+1); weights beyond either end fall into the
// end bins.
type WeightHistogram struct {
	Lo     float64 `json:"lo"`
	Counts []int64 `json:"counts"`
}

// Weight histogram bounds: match weights beyond ±40 bits are certain either
// way.
const (
	weightHistLo   = -40
	weightHistBins = 80
)

func weightHistBin(w float64) int {
	if math.IsNaN(w) {
		return 0
	}
	return min(max(int(math.Floor(w-weightHistLo)), 0), weightHistBins-1)
}

// add merges counts of the same bounds into h.
func (h *WeightHistogram) add(counts []int64) {
	if h.Counts == nil {
		h.Lo = weightHistLo
		h.Counts = make([]int64, weightHistBins)
	}
	for k, c := range counts {
		h.Counts[k] += c
	}
}

// RuleReport is one blocking rule's share of the work.
type RuleReport struct {
	Name string `json:"name"`
	// Pairs this rule contributed that no earlier rule had found.
	Pairs int64 `json:"pairs"`
	// Blocks with at least two records that were compared.
	Blocks int `json:"blocks"`
	// CappedBlocks exceeded max_block_size and were not compared;
	// SkippedPairs is how many pairs they held.
	CappedBlocks int   `json:"capped_blocks"`
	SkippedPairs int64 `json:"skipped_pairs"`
}

// BlockInfo names a block by rule and size.
type BlockInfo struct {
	Rule   string `json:"rule"`
	Size   int    `json:"size"`
	Capped bool   `json:"capped"`
}

// cRule is a compiled blocking rule: one 64-bit key per record, 0 for a
// record the rule cannot place (a null key part, or a capped block).
type cRule struct {
	name string
	keys []uint64
}

type block struct {
	rule       uint8
	start, end int32 // range in blocking.order[rule]
}

// blocking holds candidate-pair generation for a list of rules: records are
// sorted by their compact key, so a block is a run of equal keys.
type blocking struct {
	rules  []cRule
	order  [][]int32
	blocks []block
	tasks  [][]block
	report BlockingReport
}

// shallowCopy is a blocking whose task list and report can be changed
// without touching b's.
func (b *blocking) shallowCopy() *blocking {
	c := *b
	c.tasks = slices.Clone(b.tasks)
	c.report.Rules = slices.Clone(b.report.Rules)
	return &c
}

func ruleName(r BlockingRule) string {
	if r.Name != "" {
		return r.Name
	}
	return strings.Join(r.Keys, " & ")
}

// mix64 is splitmix64's finaliser; it spreads interned ids over 64 bits so
// that AND-ed keys combine into one comparable word. A collision would only
// add a candidate pair, which is then scored on its merits.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

func compileRule(p *prepared, r BlockingRule) (cRule, error) {
	name := ruleName(r)
	if len(r.Keys) == 0 {
		return cRule{}, fmt.Errorf("blocking rule %q: no keys", name)
	}
	cr := cRule{name: name, keys: make([]uint64, p.t.Len())}
	for k, expr := range r.Keys {
		col, tr, err := compare.ParseKeyExpr(expr)
		if err != nil {
			return cRule{}, fmt.Errorf("blocking rule %q: %w", name, err)
		}
		trName := tr.Name()
		if trName == "exact" || trName == "lower" {
			trName = ""
		}
		cd, err := p.column(col, trName)
		if err != nil {
			return cRule{}, fmt.Errorf("blocking rule %q: %w", name, err)
		}
		for i, id := range cd.IDs() {
			if id == 0 || (k > 0 && cr.keys[i] == 0) {
				cr.keys[i] = 0
				continue
			}
			h := mix64(cr.keys[i] ^ (uint64(id)*0x9e3779b97f4a7c15 + uint64(k) + 1))
			if h == 0 {
				h = 1 // 0 means "no key"
			}
			cr.keys[i] = h
		}
	}
	return cr, nil
}

// newBlocking sorts every rule's records by key, caps oversized blocks and
// cuts the blocks into tasks of roughly equal pair counts for the workers.
func newBlocking(p *prepared, rules []BlockingRule, maxBlock int) (*blocking, error) {
	if len(rules) > 255 {
		return nil, fmt.Errorf("at most 255 blocking rules, got %d", len(rules))
	}
	b := &blocking{}
	type keyed struct {
		key uint64
		idx int32
	}
	var buf []keyed
	var largest []BlockInfo
	for r, rule := range rules {
		cr, err := compileRule(p, rule)
		if err != nil {
			return nil, err
		}
		buf = buf[:0]
		for i, k := range cr.keys {
			if k != 0 {
				buf = append(buf, keyed{k, int32(i)})
			}
		}
		slices.SortFunc(buf, func(x, y keyed) int {
			if x.key != y.key {
				if x.key < y.key {
					return -1
				}
				return 1
			}
			return int(x.idx - y.idx)
		})
		order := make([]int32, len(buf))
		rep := RuleReport{Name: cr.name}
		for s := 0; s < len(buf); {
			e := s + 1
			for e < len(buf) && buf[e].key == buf[s].key {
				e++
			}
			for k := s; k < e; k++ {
				order[k] = buf[k].idx
			}
			size := e - s
			switch {
			case size > maxBlock:
				rep.CappedBlocks++
				rep.SkippedPairs += int64(size) * int64(size-1) / 2
				for k := s; k < e; k++ {
					cr.keys[buf[k].idx] = 0 // later rules must not think this rule found these pairs
				}
				largest = append(largest, BlockInfo{Rule: cr.name, Size: size, Capped: true})
			case size >= 2:
				rep.Blocks++
				b.blocks = append(b.blocks, block{rule: uint8(r), start: int32(s), end: int32(e)})
				largest = append(largest, BlockInfo{Rule: cr.name, Size: size})
			}
			s = e
		}
		slices.SortFunc(largest, func(x, y BlockInfo) int { return y.Size - x.Size })
		if len(largest) > 10 {
			largest = largest[:10]
		}
		b.rules = append(b.rules, cr)
		b.order = append(b.order, order)
		b.report.Rules = append(b.report.Rules, rep)
	}
	b.report.LargestBlocks = largest
	b.makeTasks(1 << 15)
	return b, nil
}

func (b *blocking) makeTasks(targetPairs int64) {
	var cur []block
	var pairs int64
	for _, blk := range b.blocks {
		n := int64(blk.end - blk.start)
		cur = append(cur, blk)
		pairs += n * (n - 1) / 2
		if pairs >= targetPairs {
			b.tasks = append(b.tasks, cur)
			cur, pairs = nil, 0
		}
	}
	if len(cur) > 0 {
		b.tasks = append(b.tasks, cur)
	}
}

// pairs calls fn for every pair of the block, i < j, skipping a pair when
// dedupe is set and an earlier rule already groups both records: checking
// earlier rules' keys costs O(rules) per pair and no memory.
func (b *blocking) pairs(blk block, dedupe bool, fn func(i, j int32)) {
	order := b.order[blk.rule][blk.start:blk.end]
	earlier := b.rules[:blk.rule]
	for x := 0; x < len(order); x++ {
		i := order[x]
	next:
		for y := x + 1; y < len(order); y++ {
			j := order[y]
			if dedupe {
				for r := range earlier {
					k := earlier[r].keys
					if k[i] != 0 && k[i] == k[j] {
						continue next
					}
				}
			}
			fn(i, j)
		}
	}
}

// runTasks hands tasks to GOMAXPROCS workers; do gets the worker number (for
// per-worker scratch) and the task number (for deterministic output order).
func (b *blocking) runTasks(do func(worker, task int)) {
	par.Each(len(b.tasks), do)
}
