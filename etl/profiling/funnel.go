package profiling

import (
	"path"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/report"
)

// Lead ranks and funnel stages in the order the report shows them.
var (
	leadRanks    = []string{"1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C"}
	funnelStages = []string{"awareness", "interest", "consideration", "decision", "customer"}
)

// funnelColumns are the contacts columns whose every value is counted.
// (Segments are partitions, counted from the files: see segmentCounts.)
var funnelColumns = []string{"lead_rank", "funnel_stage", "queue", "owner", "account_match_method", "account_tier"}

// contactCounts is what one pass over the contacts counts.
type contactCounts struct {
	rows      int64
	mqls      int64
	due24     int64
	due72     int64
	matched   int64
	values    map[string]map[string]int64 // column -> value -> contacts
	sizes     map[int64]int64             // record_count -> entities
	hasColumn map[string]bool
	segments  map[string]int64 // segment -> contacts

	from, limit24, limit72 int64 // the as-of time and 24 and 72 hours later, in µs
}

func newContactCounts(asOf time.Time) *contactCounts {
	cc := &contactCounts{values: map[string]map[string]int64{}, sizes: map[int64]int64{}, hasColumn: map[string]bool{},
		from: asOf.UnixMicro(), limit24: asOf.Add(24 * time.Hour).UnixMicro(), limit72: asOf.Add(72 * time.Hour).UnixMicro()}
	for _, c := range funnelColumns {
		cc.values[c] = map[string]int64{}
	}
	return cc
}

// observe counts one batch of the contacts (or golden records): every
// value of the funnel columns, MQLs, SLA deadlines due within 24 and 72
// hours of the as-of time, contacts with an account, and entities by
// record count. String columns may be plain or dictionary arrays.
func (cc *contactCounts) observe(rec arrow.Record) error {
	n := int(rec.NumRows())
	cc.rows += int64(n)
	for _, c := range funnelColumns {
		col := texts(columnar.Column(rec, c))
		if col == nil {
			continue
		}
		cc.hasColumn[c] = true
		counts := cc.values[c]
		for i := 0; i < n; i++ {
			v, ok := col(i)
			if !ok || v == "" {
				continue
			}
			if _, seen := counts[v]; !seen {
				v = strings.Clone(v) // the batch's buffer is released
			}
			counts[v]++
		}
	}
	if acc := texts(columnar.Column(rec, "account_id")); acc != nil {
		cc.hasColumn["account_id"] = true
		for i := 0; i < n; i++ {
			if v, ok := acc(i); ok && v != "" {
				cc.matched++
			}
		}
	}
	if mql, ok := columnar.Column(rec, "is_mql").(*array.Boolean); ok {
		for i := 0; i < n; i++ {
			if mql.IsValid(i) && mql.Value(i) {
				cc.mqls++
			}
		}
	}
	if due, ok := columnar.Column(rec, "sla_due_at").(*array.Timestamp); ok {
		for i := 0; i < n; i++ {
			if due.IsNull(i) {
				continue
			}
			t := int64(due.Value(i))
			if t >= cc.from && t <= cc.limit24 {
				cc.due24++
			}
			if t >= cc.from && t <= cc.limit72 {
				cc.due72++
			}
		}
	}
	if rcnt, ok := columnar.Column(rec, "record_count").(*array.Int64); ok {
		for i := 0; i < n; i++ {
			if rcnt.IsValid(i) {
				cc.sizes[rcnt.Value(i)]++
			}
		}
	}
	return nil
}

// merge adds o's counts to cc.
func (cc *contactCounts) merge(o *contactCounts) {
	cc.rows += o.rows
	cc.mqls += o.mqls
	cc.due24 += o.due24
	cc.due72 += o.due72
	cc.matched += o.matched
	for c, vs := range o.values {
		for v, n := range vs {
			cc.values[c][v] += n
		}
	}
	for k, n := range o.sizes {
		cc.sizes[k] += n
	}
	for c := range o.hasColumn {
		cc.hasColumn[c] = true
	}
}

// texts reads a string or dictionary-of-strings array by row; nil for any
// other array.
func texts(a arrow.Array) func(i int) (string, bool) {
	switch c := a.(type) {
	case *array.String:
		return func(i int) (string, bool) { return c.Value(i), c.IsValid(i) }
	case *array.Dictionary:
		d, ok := c.Dictionary().(*array.String)
		if !ok {
			return nil
		}
		return func(i int) (string, bool) {
			if c.IsNull(i) {
				return "", false
			}
			return d.Value(c.GetValueIndex(i)), true
		}
	}
	return nil
}

// ordered lists counts in a fixed order (every label, zeros included),
// then any other label by count.
func ordered(counts map[string]int64, order []string) []report.Count {
	seen := map[string]bool{}
	var out []report.Count
	for _, l := range order {
		seen[l] = true
		out = append(out, report.Count{Label: l, N: counts[l]})
	}
	return append(out, byCount(counts, seen)...)
}

// byCount lists counts largest first (ties by label), skipping labels in
// skip.
func byCount(counts map[string]int64, skip map[string]bool) []report.Count {
	var out []report.Count
	for l, n := range counts {
		if !skip[l] {
			out = append(out, report.Count{Label: l, N: n})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Label < out[j].Label
	})
	return out
}

// segmentCounts counts the contacts of each segment: score writes each
// segment's contacts to files under segment=<name>/.
func segmentCounts(files []columnar.FileInfo) map[string]int64 {
	out := map[string]int64{}
	for _, f := range files {
		seg := etl.DefaultSegment
		for _, dir := range strings.Split(path.Dir(f.Key), "/") {
			if s, ok := strings.CutPrefix(dir, "segment="); ok {
				seg = s
			}
		}
		out[seg] += f.Rows
	}
	return out
}

// funnelSection is the report's funnel from the contacts' counts.
func funnelSection(cc *contactCounts) *report.FunnelSection {
	return &report.FunnelSection{
		Contacts: cc.rows, MQLs: cc.mqls, SLADue24h: cc.due24, SLADue72h: cc.due72,
		Ranks:        ordered(cc.values["lead_rank"], leadRanks),
		FunnelStages: ordered(cc.values["funnel_stage"], funnelStages),
		Segments:     byCount(cc.segments, nil),
		Queues:       byCount(cc.values["queue"], nil),
		Owners:       byCount(cc.values["owner"], nil),
	}
}

// clusterSizes lists entities by record count, smallest size first.
func clusterSizes(sizes map[int64]int64) []report.Count {
	keys := make([]int64, 0, len(sizes))
	for k := range sizes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	out := make([]report.Count, len(keys))
	for i, k := range keys {
		out[i] = report.Count{Label: itoa(k), N: sizes[k]}
	}
	return out
}
