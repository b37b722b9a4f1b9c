package compare

import (
	"fmt"
	"math"
	"runtime"
	"strings"
)

type levelKind uint8

const (
	levelNull levelKind = iota
	levelExact
	levelJaroWinkler
	levelLevenshtein
	levelDamerau
	levelDateDiff
	levelNumericRatio
	levelEmailUser
	levelEmailDomain
	levelSwapped
	levelInitials
	levelElse
)

// MaxLevels is the most levels a comparison may have: a level fits in 4
// bits, and a scorer can keep MaxLevels weights per comparison in one
// flat table.
const MaxLevels = 16

var levelKinds = map[string]levelKind{
	"null":                levelNull,
	"exact":               levelExact,
	"jaro_winkler":        levelJaroWinkler,
	"levenshtein":         levelLevenshtein,
	"damerau_levenshtein": levelDamerau,
	"date_diff":           levelDateDiff,
	"numeric_ratio":       levelNumericRatio,
	"email_user":          levelEmailUser,
	"email_domain":        levelEmailDomain,
	"swapped":             levelSwapped,
	"initials":            levelInitials,
	"else":                levelElse,
}

// cLevel is a Level compiled against prepared columns.
type cLevel struct {
	kind   levelKind
	col    *Column
	other  *Column // swapped: the other column, same transform
	thr    float64
	dist   int
	unit   string
	day    []int32
	month  []int32
	num    []float64
	onBase bool // col is the comparison's base column (no transform)
}

// Compiled is a Comparison compiled for fast, allocation-free scoring.
type Compiled struct {
	name   string
	base   *Column
	levels []cLevel
	// minJW is the lowest threshold of the Jaro-Winkler levels on the
	// base column: below it the exact value does not matter.
	minJW float64
	// tail is the first level that a memo may skip to (see NewMemo),
	// -1 for none.
	tail int
	// nullExact: the first level is null and the second tests the base
	// values, so a null value gives level 0 and equal values level 1
	// without looking further; differFrom is where different values
	// resume (past an exact second level, which they cannot meet).
	nullExact  bool
	differFrom int
}

// Compile compiles c against prepared columns: column returns the column
// name with transform applied ("" for none), and must return the same
// *Column each time it is asked for the same column and transform, so that
// levels on the base values are recognised as such.
func Compile(c Comparison, column func(name, transform string) (*Column, error)) (*Compiled, error) {
	base, err := column(c.Column, "")
	if err != nil {
		return nil, fmt.Errorf("comparison %q: %w", c.Name, err)
	}
	cc := &Compiled{name: c.Name, base: base}
	for i, lv := range c.Levels {
		kind, ok := levelKinds[lv.Type]
		if !ok {
			return nil, fmt.Errorf("comparison %q level %d: unknown type %q", c.Name, i, lv.Type)
		}
		col, err := column(c.Column, lv.Transform)
		if err != nil {
			return nil, fmt.Errorf("comparison %q level %d: %w", c.Name, i, err)
		}
		cl := cLevel{kind: kind, col: col, thr: lv.Threshold, dist: lv.Distance, unit: lv.Unit, onBase: col == base}
		switch kind {
		case levelLevenshtein, levelDamerau:
			col.signatures()
		case levelJaroWinkler:
			col.signatures()
			if cl.onBase && (cc.minJW == 0 || lv.Threshold < cc.minJW) {
				cc.minJW = lv.Threshold
			}
		case levelSwapped:
			if cl.other, err = column(lv.Other, lv.Transform); err != nil {
				return nil, fmt.Errorf("comparison %q level %d: %w", c.Name, i, err)
			}
			col.signatures()
			cl.other.signatures()
		case levelDateDiff:
			cl.day, cl.month = col.dates()
		case levelNumericRatio:
			cl.num = col.nums()
		}
		cc.levels = append(cc.levels, cl)
	}
	cc.setTail()
	if len(cc.levels) >= 2 && cc.levels[0].kind == levelNull && cc.levels[0].col == base {
		switch l1 := cc.levels[1]; {
		case l1.col != base || l1.kind == levelNull || l1.kind == levelElse || l1.kind == levelSwapped:
		case l1.kind == levelExact:
			cc.nullExact, cc.differFrom = true, 2
		default:
			cc.nullExact, cc.differFrom = true, 1
		}
	}
	return cc, nil
}

// Name is the comparison's name.
func (c *Compiled) Name() string { return c.name }

// Base is the comparison's column, untransformed.
func (c *Compiled) Base() *Column { return c.base }

// LevelColumn is the column level l compares (Base unless the level has a
// transform).
func (c *Compiled) LevelColumn(l int) *Column { return c.levels[l].col }

// Level returns the index of the first level that holds for records i, j.
// Levels other than null and else need both values present; a pair that
// meets none of them falls to the last level.
func (c *Compiled) Level(i, j int32) uint8 {
	return c.LevelMemo(i, j, nil)
}

// LevelMemo is Level with a worker's memo of the comparison's tail (see
// NewMemo); a nil memo computes every level.
func (c *Compiled) LevelMemo(i, j int32, memo []uint64) uint8 {
	return c.rest(i, j, 0, c.base.id[i], c.base.id[j], memo)
}

// rest is the level of records i and j with base value ids a and b when
// none of the levels before from holds.
func (c *Compiled) rest(i, j int32, from int, a, b uint32, memo []uint64) uint8 {
	last := uint8(len(c.levels) - 1)
	if memo == nil {
		if l := c.scan(i, j, from, len(c.levels), a, b); l != noLevel {
			return l
		}
		return last
	}
	if l := c.scan(i, j, from, c.tail, a, b); l != noLevel {
		return l
	}
	key := uint64(a)<<36 | uint64(b)<<8
	slot := &memo[(uint64(a)*0x9e3779b97f4a7c15^uint64(b)*0xc2b2ae3d27d4eb4f)>>(64-memoBits)]
	if e := *slot; e != 0 && e&^0xff == key {
		return uint8(e) - 1
	}
	l := c.scan(i, j, max(from, c.tail), len(c.levels), a, b)
	if l == noLevel {
		l = last
	}
	*slot = key | uint64(l+1)
	return l
}

// Leveler computes the levels of all comparisons of a pair. Each record's
// base value ids for all comparisons sit side by side, so the null and
// exact tests that settle most comparisons read two short rows instead of
// two values from every comparison's own column.
type Leveler struct {
	comps []*Compiled
	ids   []uint32 // ids[i*len(comps)+c]: record i's base value id in comparison c
}

func NewLeveler(comps []*Compiled) *Leveler {
	nc, n := len(comps), 0
	if nc > 0 {
		n = len(comps[0].base.id)
	}
	lv := &Leveler{comps: comps, ids: make([]uint32, n*nc)}
	for c, cc := range comps {
		for i, id := range cc.base.id {
			lv.ids[i*nc+c] = id
		}
	}
	return lv
}

// Row is record i's base value ids, one per comparison.
func (lv *Leveler) Row(i int32) []uint32 {
	nc := len(lv.comps)
	return lv.ids[int(i)*nc : int(i)*nc+nc]
}

// Levels fills out, one level per comparison, for records i and j; memo is
// the worker's pair memo (NewMemo) or nil.
func (lv *Leveler) Levels(i, j int32, memo Memo, out []uint8) {
	ri, rj := lv.Row(i), lv.Row(j)
	out = out[:len(ri)]
	for c, cc := range lv.comps {
		a, b := ri[c], rj[c]
		from := 0
		if cc.nullExact {
			if a == 0 || b == 0 {
				out[c] = 0
				continue
			}
			if a == b {
				out[c] = 1
				continue
			}
			from = cc.differFrom
		}
		var m []uint64
		if memo != nil {
			m = memo[c]
		}
		out[c] = cc.rest(i, j, from, a, b, m)
	}
}

// noLevel: no level in the scanned range holds.
const noLevel = 0xff

// scan tests levels from..to-1 in order and returns the first that holds,
// or noLevel; baseA and baseB are the records' base value ids.
func (c *Compiled) scan(i, j int32, from, to int, baseA, baseB uint32) uint8 {
	jw := -1.0
	for li := from; li < to; li++ {
		lv := &c.levels[li]
		a, b := baseA, baseB
		if !lv.onBase {
			a, b = lv.col.id[i], lv.col.id[j]
		}
		switch lv.kind {
		case levelNull:
			if a == 0 || b == 0 {
				return uint8(li)
			}
			continue
		case levelElse:
			return uint8(li)
		}
		if lv.kind == levelSwapped {
			if lv.swappedHolds(i, j) {
				return uint8(li)
			}
			continue
		}
		if a == 0 || b == 0 {
			continue
		}
		if a == b {
			// Equal values meet every similarity level, so the first
			// non-null level (exact or the strictest fuzzy one) is taken.
			return uint8(li)
		}
		if lv.holds(i, j, &jw, c.minJW) {
			return uint8(li)
		}
	}
	return noLevel
}

// memoBits sizes a comparison's memo: 2^11 slots of 8 bytes (16 KiB) stay
// in the caches alongside the records' data.
const memoBits = 11

// Memo is one worker's memo of pair levels: a table per comparison, nil
// for a comparison that is computed directly (see NewMemo). A goroutine
// must not use another's Memo.
type Memo [][]uint64

// NewMemo returns one worker's memo for comps. Past its swapped levels
// a comparison's level depends on the two base values only, and pairs of
// different values repeat a lot (cities, titles, first names), so each
// comparison with a costly level there (Jaro-Winkler, edit distance beyond
// one) keeps a direct-mapped table from (value id, value id) to that
// level. A slot packs both ids (28 bits each) and the level plus one (0 is
// empty). Comparisons without such a level, or with too many values to
// pack, get nil and are computed directly.
func NewMemo(comps []*Compiled) Memo {
	memo := make(Memo, len(comps))
	for c, cc := range comps {
		if cc.tail >= 0 {
			memo[c] = make([]uint64, 1<<memoBits)
		}
	}
	return memo
}

// NewMemos returns one pair memo per worker of a pool of GOMAXPROCS
// workers.
func NewMemos(comps []*Compiled) []Memo {
	m := make([]Memo, runtime.GOMAXPROCS(0))
	for w := range m {
		m[w] = NewMemo(comps)
	}
	return m
}

// setTail finds the first costly level after the last swapped one (-1
// when there is none or the ids do not fit a memo slot).
func (c *Compiled) setTail() {
	c.tail = -1
	if len(c.base.count) >= 1<<28 {
		return
	}
	for li := len(c.levels) - 1; li >= 0; li-- {
		switch c.levels[li].kind {
		case levelSwapped:
			return
		case levelJaroWinkler:
			c.tail = li
		case levelLevenshtein, levelDamerau:
			// Within one edit is a linear scan, cheaper than a lookup
			// that mostly misses (phone numbers, postcodes).
			if c.levels[li].dist > 1 {
				c.tail = li
			}
		}
	}
}

// holds tests a level for two different, non-null values. jw caches the
// base column's Jaro-Winkler value across levels (negative: not computed).
func (lv *cLevel) holds(i, j int32, jw *float64, minJW float64) bool {
	// The values are read only where needed: the Jaro-Winkler bound
	// rejects most pairs from the letter counts alone.
	switch lv.kind {
	case levelJaroWinkler:
		if !lv.onBase {
			return jaroWinklerBounded(lv.col, i, j, lv.thr) >= lv.thr
		}
		if *jw < 0 {
			*jw = jaroWinklerBounded(lv.col, i, j, minJW)
		}
		return *jw >= lv.thr
	case levelLevenshtein, levelDamerau:
		if !bagBound(lv.col.sig[i], lv.col.sig[j], lv.dist) {
			return false
		}
		transpose := lv.kind == levelDamerau
		va, vb := lv.col.val[i], lv.col.val[j]
		if lv.dist == 1 && lv.col.short[i] && lv.col.short[j] {
			return withinOne(va, vb, transpose) <= 1
		}
		return editDistance(va, vb, lv.dist, transpose) <= lv.dist
	case levelDateDiff:
		return dateWithin(lv, i, j)
	case levelNumericRatio:
		x, y := math.Abs(lv.num[i]), math.Abs(lv.num[j])
		if math.IsNaN(x) || math.IsNaN(y) || x == 0 || y == 0 {
			return false
		}
		return math.Min(x, y)/math.Max(x, y) >= lv.thr
	case levelEmailUser:
		va, vb := lv.col.val[i], lv.col.val[j]
		ua, _, oka := strings.Cut(va, "@")
		ub, _, okb := strings.Cut(vb, "@")
		return oka && okb && ua != "" && ua == ub
	case levelEmailDomain:
		va, vb := lv.col.val[i], lv.col.val[j]
		da := va[strings.LastIndexByte(va, '@')+1:]
		db := vb[strings.LastIndexByte(vb, '@')+1:]
		return da != "" && da == db && strings.Contains(va, "@") && strings.Contains(vb, "@")
	case levelInitials:
		return initialsAgree(lv.col.val[i], lv.col.val[j])
	}
	return false
}

// swappedHolds: the two fields are crossed between the records (first
// name in the last name's place and back), exactly or, with a threshold, by
// Jaro-Winkler on both crossings. A pair already equal on this field is not
// a swap.
func (lv *cLevel) swappedHolds(i, j int32) bool {
	// Ids: 0 is empty, and reading them is cheaper than the strings.
	ci, cj, oi, oj := lv.col.id[i], lv.col.id[j], lv.other.id[i], lv.other.id[j]
	if ci == 0 || cj == 0 || oi == 0 || oj == 0 || ci == cj {
		return false
	}
	if lv.thr == 0 {
		return lv.col.val[i] == lv.other.val[j] && lv.other.val[i] == lv.col.val[j]
	}
	return jaroWinklerCross(lv.col, i, lv.other, j, lv.thr) >= lv.thr &&
		jaroWinklerCross(lv.other, i, lv.col, j, lv.thr) >= lv.thr
}

func dateWithin(lv *cLevel, i, j int32) bool {
	if lv.day[i] == NoDate || lv.day[j] == NoDate {
		return false
	}
	switch lv.unit {
	case "months":
		d := lv.month[i] - lv.month[j]
		return d <= int32(lv.dist) && -d <= int32(lv.dist)
	case "years":
		d := float64(lv.day[i] - lv.day[j])
		return math.Abs(d) <= float64(lv.dist)*365.25
	default:
		d := lv.day[i] - lv.day[j]
		return d <= int32(lv.dist) && -d <= int32(lv.dist)
	}
}

// initialsAgree: one value is an initial ("j" or "j.") of the other.
func initialsAgree(a, b string) bool {
	if len(a) == 0 || len(b) == 0 || a[0] != b[0] {
		return false
	}
	return isInitial(a) || isInitial(b)
}

func isInitial(s string) bool {
	return len(s) == 1 || (len(s) == 2 && s[1] == '.')
}
