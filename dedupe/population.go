package dedupe

import (
	"hash/maphash"
	"math"

	"github.com/leadsmith/leadsmith/dedupe/compare"
)

// An incremental night scores a part of the known records (tonight's and
// their candidates) instead of all of them. Two things must then come from
// the whole rather than the part: which records share a block (BlockKeys,
// content keys that compare across tables) and how common a value is
// (Population, for term-frequency levels). With both, a pair scores as it
// would in a run over every record.

var blockKeySeed = maphash.MakeSeed()

// BlockKeys gives, for each blocking rule, each record's content key: two
// records of any tables share a block of the rule exactly when (barring a
// 64-bit collision, which only adds a candidate) their keys are equal and
// not 0. 0 means the rule cannot place the record (a null key part).
// Keys compare only within one process.
func BlockKeys(t *Table, rules []BlockingRule) ([][]uint64, error) {
	out := make([][]uint64, len(rules))
	for r, rule := range rules {
		keys := make([]uint64, t.Len())
		for k, expr := range rule.Keys {
			col, tr, err := compare.ParseKeyExpr(expr)
			if err != nil {
				return nil, err
			}
			name := tr.Name()
			if name == "exact" || name == "lower" {
				name = ""
			}
			norm, err := compare.Normalizer(name)
			if err != nil {
				return nil, err
			}
			vals, ok := t.Cols[col]
			if !ok {
				return nil, errUnknownColumn(col)
			}
			for i, raw := range vals {
				if k > 0 && keys[i] == 0 {
					continue
				}
				v := norm(raw)
				if v == "" {
					keys[i] = 0
					continue
				}
				h := mix64(keys[i] ^ (maphash.String(blockKeySeed, v)*0x9e3779b97f4a7c15 + uint64(k) + 1))
				if h == 0 {
					h = 1
				}
				keys[i] = h
			}
		}
		out[r] = keys
	}
	return out, nil
}

// BlockingColumns lists the columns the rules read.
func BlockingColumns(rules []BlockingRule) []string {
	var cols []string
	seen := map[string]bool{}
	for _, r := range rules {
		for _, expr := range r.Keys {
			if col, _, err := compare.ParseKeyExpr(expr); err == nil && !seen[col] {
				seen[col] = true
				cols = append(cols, col)
			}
		}
	}
	return cols
}

// TFColumn is a column whose values' frequencies weigh an exact
// agreement (a term-frequency level), with the transform it compares.
type TFColumn struct {
	Column, Transform string
}

// Key names the column and transform in a Population.
func (c TFColumn) Key() string { return c.Column + "\x00" + c.Transform }

// TFColumns lists the term-frequency columns of the settings.
func (s Settings) TFColumns() []TFColumn {
	var out []TFColumn
	seen := map[string]bool{}
	for _, cm := range s.Comparisons {
		for _, lv := range cm.Levels {
			if !lv.TermFrequency {
				continue
			}
			c := TFColumn{Column: cm.Column, Transform: lv.Transform}
			if !seen[c.Key()] {
				seen[c.Key()] = true
				out = append(out, c)
			}
			break // the first term-frequency level is the one scored
		}
	}
	return out
}

// Population counts the values of term-frequency columns over all known
// records, so that a part of them is scored with the whole's frequencies.
type Population struct {
	counts  map[string]map[string]int
	nonNull map[string]int
	norm    map[string]func(string) string
}

// NewPopulation is an empty population for the settings' TF columns.
func NewPopulation(s Settings) (*Population, error) {
	p := &Population{counts: map[string]map[string]int{}, nonNull: map[string]int{}, norm: map[string]func(string) string{}}
	for _, c := range s.TFColumns() {
		n, err := compare.Normalizer(c.Transform)
		if err != nil {
			return nil, err
		}
		p.counts[c.Key()] = map[string]int{}
		p.norm[c.Key()] = n
	}
	return p, nil
}

// Columns lists the raw columns whose values Add wants.
func (p *Population) Columns(s Settings) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range s.TFColumns() {
		if !seen[c.Column] {
			seen[c.Column] = true
			out = append(out, c.Column)
		}
	}
	return out
}

// Add counts raw values of a column (every TF column reading it).
func (p *Population) Add(s Settings, column string, raw []string) {
	for _, c := range s.TFColumns() {
		if c.Column != column {
			continue
		}
		k := c.Key()
		counts, norm := p.counts[k], p.norm[k]
		for _, v := range raw {
			if v = norm(v); v != "" {
				if n, ok := counts[v]; ok {
					counts[v] = n + 1
				} else {
					counts[string([]byte(v))] = 1 // the caller's batch may be reused
				}
				p.nonNull[k]++
			}
		}
	}
}

// applyPopulation replaces the term-frequency adjustments computed from
// the scorer's table by the population's.
func (s *Scorer) applyPopulation(pop *Population) {
	minU := s.model.Settings.withDefaults().TFMinimumU
	for c, cm := range s.model.Settings.Comparisons {
		tfl := s.tfLevel[c]
		if tfl < 0 || c >= len(s.model.Comparisons) {
			continue
		}
		key := TFColumn{Column: cm.Column, Transform: cm.Levels[tfl].Transform}.Key()
		counts, total := pop.counts[key], pop.nonNull[key]
		if counts == nil || total == 0 {
			continue
		}
		col := s.comps[c].LevelColumn(tfl)
		u := s.model.Comparisons[c].Levels[tfl].U
		adj := make([]float64, len(col.Counts()))
		done := make([]bool, len(adj))
		for i, id := range col.IDs() {
			if id == 0 || done[id] {
				continue
			}
			done[id] = true
			n := counts[col.Value(i)]
			if n < int(col.Counts()[id]) {
				n = int(col.Counts()[id]) // the part's own records are in the whole
			}
			f := math.Max(float64(n)/float64(max(total, col.NonNull())), minU)
			if u > 0 {
				adj[id] = math.Log2(u / f)
			}
		}
		s.tfAdj[c] = adj
	}
}

// NewScorerIn compiles the model for t, a part of the population pop: as
// NewScorer, with term frequencies taken from pop (nil: from t).
func NewScorerIn(m *Model, t *Table, pop *Population) (*Scorer, error) {
	s, err := NewScorer(m, t)
	if err != nil || pop == nil {
		return s, err
	}
	s.applyPopulation(pop)
	return s, nil
}

// Resolved is the settings with every default filled in.
func (s Settings) Resolved() Settings { return s.withDefaults() }
