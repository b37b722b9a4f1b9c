package dedupe

import (
	"fmt"
	"math"
	"strconv"
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

// maxLevels keeps a level in 4 bits so a pair's levels pack into a uint64
// pattern key during EM.
const maxLevels = 16

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

// cLevel is a Level compiled against a table's prepared columns.
type cLevel struct {
	kind     levelKind
	col      *colData
	other    *colData // swapped: the other column, same transform
	thr      float64
	dist     int
	unit     string
	day      []int32
	month    []int32
	num      []float64
	sameAsJW bool // col is the comparison's base column, so a JW value can be reused
}

// cComparison is a Comparison compiled for fast, allocation-free scoring.
type cComparison struct {
	name   string
	base   *colData
	levels []cLevel
	// minJW is the lowest threshold of the Jaro-Winkler levels on the
	// base column: below it the exact value does not matter.
	minJW float64
}

func compileComparison(p *prepared, c Comparison) (*cComparison, error) {
	base, err := p.column(c.Column, "")
	if err != nil {
		return nil, fmt.Errorf("comparison %q: %w", c.Name, err)
	}
	cc := &cComparison{name: c.Name, base: base}
	for i, lv := range c.Levels {
		kind, ok := levelKinds[lv.Type]
		if !ok {
			return nil, fmt.Errorf("comparison %q level %d: unknown type %q", c.Name, i, lv.Type)
		}
		col, err := p.column(c.Column, lv.Transform)
		if err != nil {
			return nil, fmt.Errorf("comparison %q level %d: %w", c.Name, i, err)
		}
		cl := cLevel{kind: kind, col: col, thr: lv.Threshold, dist: lv.Distance, unit: lv.Unit, sameAsJW: lv.Transform == ""}
		switch kind {
		case levelLevenshtein, levelDamerau:
			col.signatures()
		case levelJaroWinkler:
			col.signatures()
			if cl.sameAsJW && (cc.minJW == 0 || lv.Threshold < cc.minJW) {
				cc.minJW = lv.Threshold
			}
		case levelSwapped:
			if cl.other, err = p.column(lv.Other, lv.Transform); err != nil {
				return nil, fmt.Errorf("comparison %q level %d: %w", c.Name, i, err)
			}
		case levelDateDiff:
			cl.day, cl.month = col.dates()
		case levelNumericRatio:
			cl.num = col.nums()
		}
		cc.levels = append(cc.levels, cl)
	}
	return cc, nil
}

// level returns the index of the first level that holds for records i, j.
// Levels other than null and else need both values present; a pair that
// meets none of them falls to the last level.
func (c *cComparison) level(i, j int32) uint8 {
	jw := -1.0
	for li := range c.levels {
		lv := &c.levels[li]
		a, b := lv.col.id[i], lv.col.id[j]
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
	return uint8(len(c.levels) - 1)
}

// holds tests a level for two different, non-null values. jw caches the
// base column's Jaro-Winkler value across levels (negative: not computed).
func (lv *cLevel) holds(i, j int32, jw *float64, minJW float64) bool {
	va, vb := lv.col.val[i], lv.col.val[j]
	switch lv.kind {
	case levelJaroWinkler:
		if !lv.sameAsJW {
			return jaroWinklerBounded(lv.col, i, j, lv.thr) >= lv.thr
		}
		if *jw < 0 {
			*jw = jaroWinklerBounded(lv.col, i, j, minJW)
		}
		return *jw >= lv.thr
	case levelLevenshtein, levelDamerau:
		transpose := lv.kind == levelDamerau
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
		ua, _, oka := strings.Cut(va, "@")
		ub, _, okb := strings.Cut(vb, "@")
		return oka && okb && ua != "" && ua == ub
	case levelEmailDomain:
		da := va[strings.LastIndexByte(va, '@')+1:]
		db := vb[strings.LastIndexByte(vb, '@')+1:]
		return da != "" && da == db && strings.Contains(va, "@") && strings.Contains(vb, "@")
	case levelInitials:
		return initialsAgree(va, vb)
	}
	return false
}

// swappedHolds: the two fields are crossed between the records (first
// name in the last name's place and back), exactly or, with a threshold, by
// Jaro-Winkler on both crossings. A pair already equal on this field is not
// a swap.
func (lv *cLevel) swappedHolds(i, j int32) bool {
	ci, cj, oi, oj := lv.col.val[i], lv.col.val[j], lv.other.val[i], lv.other.val[j]
	if ci == "" || cj == "" || oi == "" || oj == "" || lv.col.id[i] == lv.col.id[j] {
		return false
	}
	if lv.thr == 0 {
		return ci == oj && oi == cj
	}
	return jaroWinkler(ci, oj) >= lv.thr && jaroWinkler(oi, cj) >= lv.thr
}

func dateWithin(lv *cLevel, i, j int32) bool {
	if lv.day[i] == noDate || lv.day[j] == noDate {
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

// label names a level for reports and the waterfall.
func (lv Level) label() string {
	var b strings.Builder
	b.WriteString(lv.Type)
	switch levelKinds[lv.Type] {
	case levelJaroWinkler, levelNumericRatio:
		b.WriteString(">=" + strconv.FormatFloat(lv.Threshold, 'g', -1, 64))
	case levelLevenshtein, levelDamerau:
		b.WriteString("<=" + strconv.Itoa(lv.Distance))
	case levelDateDiff:
		unit := lv.Unit
		if unit == "" {
			unit = "days"
		}
		b.WriteString("<=" + strconv.Itoa(lv.Distance) + " " + unit)
	case levelSwapped:
		b.WriteString(" with " + lv.Other)
		if lv.Threshold > 0 {
			b.WriteString(" jaro_winkler>=" + strconv.FormatFloat(lv.Threshold, 'g', -1, 64))
		}
	}
	if lv.Transform != "" {
		b.WriteString(" on " + lv.Transform)
	}
	if lv.TermFrequency {
		b.WriteString(" (tf)")
	}
	return b.String()
}
