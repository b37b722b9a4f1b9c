package profile

import (
	"math"
	"time"
)

// Metric is one figure of one column in long format, the rows of the
// `profile` dataset. Metric names: rows, present, completeness, validity
// (only when some value was checked), distinct, elements (list columns),
// approximate_top (1 when top value counts are approximate), top_value
// (Key the value, Value its count, by count descending then value),
// pattern (Key the shape, Value its count), and for numbers and timestamps
// min, max, mean, p01, p25, p50, p75, p99 (timestamps in unix microseconds,
// with Text the same instant in RFC 3339).
type Metric struct {
	Dataset, Source, Column string
	Metric                  string
	Key                     string
	Value                   float64
	Text                    string
}

// Metrics returns the column's figures as long-format rows with Column set;
// Dataset and Source are left to the caller.
func (c *Column) Metrics() []Metric {
	s := c.Stats()
	var out []Metric
	add := func(name, key string, v float64) {
		out = append(out, Metric{Column: c.name, Metric: name, Key: key, Value: v})
	}
	add("rows", "", float64(s.Rows))
	add("present", "", float64(s.Present))
	add("completeness", "", s.Completeness())
	if v, ok := s.Validity(); ok {
		add("validity", "", v)
	}
	add("distinct", "", float64(s.Distinct))
	if s.List {
		add("elements", "", float64(s.Elements))
	}
	if c.text != nil {
		add("approximate_top", "", b2f(s.TopApproximate))
		for _, t := range s.Top {
			add("top_value", t.Value, float64(t.N))
		}
		for _, t := range s.Patterns {
			add("pattern", t.Value, float64(t.N))
		}
	}
	for _, sum := range []struct {
		s    *Summary
		time bool
	}{{s.Numbers, false}, {s.Times, true}} {
		if sum.s == nil {
			continue
		}
		for _, q := range []struct {
			name string
			v    float64
		}{
			{"min", sum.s.Min}, {"max", sum.s.Max}, {"mean", sum.s.Mean},
			{"p01", sum.s.P01}, {"p25", sum.s.P25}, {"p50", sum.s.P50},
			{"p75", sum.s.P75}, {"p99", sum.s.P99},
		} {
			m := Metric{Column: c.name, Metric: q.name, Value: q.v}
			if sum.time {
				m.Text = MicrosText(q.v)
			}
			out = append(out, m)
		}
	}
	return out
}

// MicrosText formats unix microseconds as RFC 3339 text in UTC.
func MicrosText(us float64) string {
	if math.IsNaN(us) || math.IsInf(us, 0) {
		return ""
	}
	return time.UnixMicro(int64(math.Round(us))).UTC().Format(time.RFC3339Nano)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
