package profile

import (
	"math"
	"time"
)

// Validity is what the caller says of one value: whether normalization
// could interpret it.
type Validity uint8

const (
	// Unchecked: the caller does not say. A column none of whose values was
	// checked has no validity metric.
	Unchecked Validity = iota
	// Valid: normalization could interpret the value.
	Valid
	// Invalid: normalization could not.
	Invalid
)

// Column profiles one column: of one dataset and one source, or of all of
// them once merged. Feed it with Observe (Arrow arrays) or the Observe*
// methods (plain values), in any mix; merge profiles of the same column
// with Merge. A Column is not safe for concurrent use: give each goroutine
// its own and merge them at the end.
//
// A value is present when it is not null and, for text, not empty once
// surrounding white space is trimmed; text is profiled trimmed. NaN counts
// as null. The values of one column may be text, numbers and timestamps at
// once (after a schema change, say): each kind is profiled apart, and the
// distinct count adds them up.
type Column struct {
	name       string
	opts       Options
	identifier bool

	rows, present   int64
	checked, valid  int64
	list            bool
	elements        int64
	text            *text
	num, time       *numbers
	validScratch    []bool
	counts, vcounts []int64 // per dictionary entry
	elemSel         []int32
}

// NewColumn returns an empty profile of the named column. The name decides,
// through opts.Identifier, whether the column's pattern shapes are counted.
func NewColumn(name string, opts Options) *Column {
	opts = opts.withDefaults()
	return &Column{name: name, opts: opts, identifier: opts.Identifier(name)}
}

// Name returns the column's name.
func (c *Column) Name() string { return c.name }

func (c *Column) texts() *text {
	if c.text == nil {
		c.text = newText(c.opts.Capacity, c.identifier)
	}
	return c.text
}

func (c *Column) numbers() *numbers {
	if c.num == nil {
		c.num = newNumbers(c.opts.Capacity, c.opts.SampleSize, c.opts.Seed)
	}
	return c.num
}

func (c *Column) times() *numbers {
	if c.time == nil {
		c.time = newNumbers(c.opts.Capacity, c.opts.SampleSize, c.opts.Seed)
	}
	return c.time
}

func (c *Column) check(v Validity) {
	switch v {
	case Valid:
		c.checked++
		c.valid++
	case Invalid:
		c.checked++
	}
}

// ObserveNull counts a null value.
func (c *Column) ObserveNull() { c.rows++ }

// ObserveString counts one text value; v is checked only if s is present.
func (c *Column) ObserveString(s string, v Validity) {
	c.rows++
	if s = trim(s); s == "" {
		return
	}
	c.present++
	c.check(v)
	c.texts().add(s, 1)
}

// ObserveNumber counts one number; NaN counts as null.
func (c *Column) ObserveNumber(x float64, v Validity) {
	c.rows++
	if math.IsNaN(x) {
		return
	}
	c.present++
	c.check(v)
	c.numbers().add(x)
}

// ObserveTime counts one timestamp, profiled as unix microseconds; the
// zero time counts as null.
func (c *Column) ObserveTime(t time.Time, v Validity) {
	c.rows++
	if t.IsZero() {
		return
	}
	c.present++
	c.check(v)
	c.times().add(float64(t.UnixMicro()))
}

// ObserveList counts one row of a list column (dq_issues codes, say): the
// row is present when the list is not empty, and its elements are
// profiled as text values.
func (c *Column) ObserveList(values []string, v Validity) {
	c.rows++
	c.list = true
	if len(values) == 0 {
		return
	}
	c.present++
	c.check(v)
	for _, s := range values {
		if s = trim(s); s != "" {
			c.elements++
			c.texts().add(s, 1)
		}
	}
}

// Merge adds o's profile to c, as if c had observed o's values too. o is
// left as it was. Counts, min, max and mean merge exactly, distinct counts
// as exactly as the sketches allow; top values stay exact while the
// merged column has at most Options.Capacity distinct values, and
// quantiles come from a sample drawn from both in proportion to their
// sizes.
func (c *Column) Merge(o *Column) {
	c.rows += o.rows
	c.present += o.present
	c.checked += o.checked
	c.valid += o.valid
	c.elements += o.elements
	c.list = c.list || o.list
	if o.text != nil {
		c.texts().merge(o.text)
	}
	if o.num != nil {
		c.numbers().merge(o.num)
	}
	if o.time != nil {
		c.times().merge(o.time)
	}
}

// Stats are a column's figures.
type Stats struct {
	Rows    int64
	Present int64
	// Checked counts the present values whose validity the caller said,
	// Valid those of them said to be valid.
	Checked, Valid int64
	// List is true for a list column; Present then counts its non-empty
	// lists and Elements their present elements, which the distinct count,
	// top values and patterns are about.
	List     bool
	Elements int64

	// Distinct counts distinct values: exactly while there are at most
	// Options.Capacity of them (DistinctExact), else estimated by a
	// HyperLogLog sketch of precision 14 (about 0.8% standard error).
	Distinct      int64
	DistinctExact bool
	// Top holds the most frequent text values, exact while the column has
	// at most Options.Capacity distinct values. Past that TopApproximate is
	// set and counts are lower bounds: short by at most about
	// 2·N/Capacity for N values, plus the few occurrences (8 on average) a
	// new value waits before the summary admits it. A value more frequent
	// than that is never missing from the summary.
	Top            []Count
	TopApproximate bool
	// Patterns holds the most frequent shapes (see Shape) of an identifier
	// column, exact unless PatternsApproximate (past Options.Capacity
	// distinct shapes).
	Patterns            []Count
	PatternsApproximate bool

	// Numbers and Times summarize the numeric and timestamp values; nil
	// when there were none. Times are in unix microseconds.
	Numbers, Times *Summary
}

// Count is one value and how often it was seen.
type Count struct {
	Value string
	N     int64
}

// Summary describes numbers: min and max are exact, the mean exact up to
// rounding, the quantiles are read from a uniform sample.
type Summary struct {
	Count                   int64
	Min, Max, Mean          float64
	P01, P25, P50, P75, P99 float64
}

// Completeness is Present/Rows, 0 for no rows.
func (s Stats) Completeness() float64 {
	if s.Rows == 0 {
		return 0
	}
	return float64(s.Present) / float64(s.Rows)
}

// Validity is Valid/Checked; ok is false when no value was checked, and the
// validity does not apply.
func (s Stats) Validity() (share float64, ok bool) {
	if s.Checked == 0 {
		return 0, false
	}
	return float64(s.Valid) / float64(s.Checked), true
}

// Stats returns the column's figures.
func (c *Column) Stats() Stats {
	s := Stats{
		Rows: c.rows, Present: c.present, Checked: c.checked, Valid: c.valid,
		List: c.list, Elements: c.elements, DistinctExact: true,
	}
	if t := c.text; t != nil {
		s.Distinct, s.DistinctExact = t.distinct()
		s.Top, s.TopApproximate = t.top.top(c.opts.TopN), !t.top.exact()
		s.Patterns, s.PatternsApproximate = t.topPatterns(c.opts.TopN)
	}
	for _, n := range []*numbers{c.num, c.time} {
		if n != nil {
			d, exact := n.distinct.count()
			s.Distinct += d
			s.DistinctExact = s.DistinctExact && exact
		}
	}
	s.Numbers, s.Times = summarize(c.num), summarize(c.time)
	return s
}

func summarize(n *numbers) *Summary {
	if n == nil || n.count == 0 {
		return nil
	}
	s := &Summary{Count: n.count, Min: n.min, Max: n.max, Mean: n.mean()}
	if q := n.sample.quantiles([]float64{0.01, 0.25, 0.5, 0.75, 0.99}); q != nil {
		s.P01, s.P25, s.P50, s.P75, s.P99 = q[0], q[1], q[2], q[3], q[4]
	}
	return s
}
