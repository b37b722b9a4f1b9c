package dedupe

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/leadsmith/leadsmith/dedupe/compare"
)

// Survivorship rules.
const (
	// SurviveSourcePriority takes the value from the most trusted source.
	SurviveSourcePriority = "source_priority"
	// SurviveMostRecent takes the value from the latest record.
	SurviveMostRecent = "most_recent"
	// SurviveMostComplete takes the value from the record with the most
	// non-null fields: a fuller record was entered with more care.
	SurviveMostComplete = "most_complete"
	// SurviveMostFrequent takes the value most records agree on.
	SurviveMostFrequent = "most_frequent"
	// SurviveLongest takes the longest value ("Jonathan" over "Jon").
	SurviveLongest = "longest"
	// SurviveUnion keeps every distinct item of the records' values, each
	// value a list of items separated by ListSeparator, sorted (a field
	// that describes the records rather than picks one, like their data
	// quality issues).
	SurviveUnion = "union"
)

// ListSeparator separates the items of a multi-valued table value.
const ListSeparator = "|"

var surviveRules = []string{SurviveSourcePriority, SurviveMostRecent, SurviveMostComplete, SurviveMostFrequent, SurviveLongest, SurviveUnion}

func validSurviveRule(r string) bool { return slices.Contains(surviveRules, r) }

// SurviveOptions are the inputs of survivorship besides the table.
type SurviveOptions struct {
	// Rules give each field's rule, the default and the timestamp column.
	Rules Survivorship
	// Priority ranks each record's source, lower is more trusted; nil
	// treats all sources alike.
	Priority []int
	// Columns are the fields of the golden record; nil means every column.
	Columns []string
}

// Golden holds one golden record per cluster, in cluster order.
type Golden struct {
	EntityIDs []string
	Cols      map[string][]string
	// SourceRecordIDs lists each entity's record keys, sorted.
	SourceRecordIDs [][]string
	// FirstSeenAt is the earliest timestamp among the entity's records;
	// zero when there is no timestamp column or no parsable value.
	FirstSeenAt []time.Time
	// LastSeenAt is the latest timestamp among the entity's records.
	LastSeenAt []time.Time
}

// Survive builds the golden records. For every field, each rule picks
// among the cluster's records that have a value, and ties go to the more
// trusted source, then the more recent record, then the earlier record.
func Survive(t *Table, c *Clustering, entityIDs []string, opt SurviveOptions) (*Golden, error) {
	rules, cols, err := checkSurvive(t, c, entityIDs, opt)
	if err != nil {
		return nil, fmt.Errorf("survive: %w", err)
	}
	ts := recordTimes(t, rules.TimestampColumn)
	members, err := clusterMembers(c)
	if err != nil {
		return nil, fmt.Errorf("survive: %w", err)
	}
	pick := picker{ts: ts, filled: filledCounts(t, cols), counts: map[string]int{}, better: tieBreak(opt.Priority, ts)}
	plans := make([]colPlan, len(cols))
	for k, col := range cols {
		plans[k] = colPlan{vals: t.Cols[col], rule: rules.Default, out: make([]string, 0, len(members))}
		if r, ok := rules.Fields[col]; ok {
			plans[k].rule = r
		}
	}
	g := &Golden{Cols: map[string][]string{}}
	for _, recs := range members {
		if len(recs) == 0 {
			continue
		}
		g.addEntity(t, entityIDs[recs[0]], recs, ts)
		for k := range plans {
			plans[k].out = append(plans[k].out, pick.value(plans[k].vals, plans[k].rule, recs))
		}
	}
	for k, col := range cols {
		g.Cols[col] = plans[k].out
	}
	return g, nil
}

// checkSurvive checks the inputs line up and every rule and column exists;
// it returns the rules with their default filled in and the golden columns.
func checkSurvive(t *Table, c *Clustering, entityIDs []string, opt SurviveOptions) (Survivorship, []string, error) {
	rules := opt.Rules
	if err := t.check(); err != nil {
		return rules, nil, err
	}
	n := t.Len()
	if c == nil || len(c.Cluster) != n || len(entityIDs) != n {
		return rules, nil, fmt.Errorf("need one cluster and one entity id per record (%d records)", n)
	}
	if opt.Priority != nil && len(opt.Priority) != n {
		return rules, nil, fmt.Errorf("%d priorities for %d records", len(opt.Priority), n)
	}
	if rules.Default == "" {
		rules.Default = SurviveMostComplete
	}
	if !validSurviveRule(rules.Default) {
		return rules, nil, fmt.Errorf("unknown default rule %q", rules.Default)
	}
	cols := opt.Columns
	if cols == nil {
		cols = t.Columns()
	}
	for _, col := range cols {
		if _, ok := t.Cols[col]; !ok {
			return rules, nil, fmt.Errorf("unknown column %q", col)
		}
	}
	for f, r := range rules.Fields {
		if !validSurviveRule(r) {
			return rules, nil, fmt.Errorf("field %q: unknown rule %q", f, r)
		}
	}
	if rules.TimestampColumn != "" {
		if _, ok := t.Cols[rules.TimestampColumn]; !ok {
			return rules, nil, fmt.Errorf("unknown timestamp column %q", rules.TimestampColumn)
		}
	}
	return rules, cols, nil
}

// recordTimes parses each record's timestamp; nil without a column.
func recordTimes(t *Table, column string) []time.Time {
	if column == "" {
		return nil
	}
	ts := make([]time.Time, t.Len())
	for i, v := range t.Cols[column] {
		ts[i] = parseTimestamp(v)
	}
	return ts
}

// filledCounts counts each record's non-null golden columns, which
// SurviveMostComplete compares.
func filledCounts(t *Table, cols []string) []int {
	filled := make([]int, t.Len())
	for _, col := range cols {
		for i, v := range t.Cols[col] {
			if v != "" {
				filled[i]++
			}
		}
	}
	return filled
}

// tieBreak returns whether record a wins a tie against record b: the more
// trusted source, then the more recent record, then the earlier record.
func tieBreak(priority []int, ts []time.Time) func(a, b int) bool {
	prio := func(i int) int {
		if priority == nil {
			return 0
		}
		return priority[i]
	}
	return func(a, b int) bool {
		if pa, pb := prio(a), prio(b); pa != pb {
			return pa < pb
		}
		if ts != nil && !ts[a].Equal(ts[b]) {
			return ts[a].After(ts[b])
		}
		return a < b
	}
}

// clusterMembers lists each cluster's records in record order.
func clusterMembers(c *Clustering) ([][]int, error) {
	members := make([][]int, c.NumClusters())
	for i, cl := range c.Cluster {
		if cl < 0 || int(cl) >= len(members) {
			return nil, fmt.Errorf("record %d has cluster %d outside 0..%d", i, cl, len(members)-1)
		}
		members[cl] = append(members[cl], i)
	}
	return members, nil
}

// colPlan is one golden column: its input values, its rule and the values
// picked so far, so the loop over entities and columns does no map lookups.
type colPlan struct {
	vals []string
	rule string
	out  []string
}

// addEntity records one entity's id, sorted record keys and first-seen
// time.
func (g *Golden) addEntity(t *Table, id string, recs []int, ts []time.Time) {
	g.EntityIDs = append(g.EntityIDs, id)
	keys := make([]string, len(recs))
	var first, last time.Time
	for k, i := range recs {
		keys[k] = t.IDs[i]
		if ts != nil && !ts[i].IsZero() && (first.IsZero() || ts[i].Before(first)) {
			first = ts[i]
		}
		if ts != nil && ts[i].After(last) {
			last = ts[i]
		}
	}
	slices.Sort(keys)
	g.SourceRecordIDs = append(g.SourceRecordIDs, keys)
	g.FirstSeenAt = append(g.FirstSeenAt, first)
	g.LastSeenAt = append(g.LastSeenAt, last)
}

// picker chooses one field's value among a cluster's records.
type picker struct {
	ts     []time.Time
	filled []int
	counts map[string]int // scratch for SurviveMostFrequent
	better func(a, b int) bool
}

// value is the value rule picks among recs from vals; "" when none has one.
func (p *picker) value(vals []string, rule string, recs []int) string {
	if len(recs) == 1 {
		return vals[recs[0]] // every rule picks a single record's value
	}
	if rule == SurviveUnion {
		return unionItems(vals, recs)
	}
	if rule == SurviveMostFrequent {
		clear(p.counts)
		for _, i := range recs {
			if vals[i] != "" {
				p.counts[vals[i]]++
			}
		}
	}
	best := -1
	for _, i := range recs {
		if vals[i] == "" {
			continue
		}
		if best < 0 || wins(rule, i, best, vals, p.ts, p.filled, p.counts, p.better) {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	return vals[best]
}

// wins reports whether record i's value beats record b's under rule.
func wins(rule string, i, b int, vals []string, ts []time.Time, filled []int, counts map[string]int, better func(a, b int) bool) bool {
	switch rule {
	case SurviveMostRecent:
		if ts != nil && !ts[i].Equal(ts[b]) {
			return ts[i].After(ts[b])
		}
	case SurviveMostComplete:
		if filled[i] != filled[b] {
			return filled[i] > filled[b]
		}
	case SurviveMostFrequent:
		if ci, cb := counts[vals[i]], counts[vals[b]]; ci != cb {
			return ci > cb
		}
	case SurviveLongest:
		if li, lb := utf8.RuneCountInString(vals[i]), utf8.RuneCountInString(vals[b]); li != lb {
			return li > lb
		}
	}
	return better(i, b)
}

// parseTimestamp reads RFC 3339 and the common date-time layouts; an
// unreadable value is the zero time, which never wins most_recent.
func parseTimestamp(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04:05Z07:00", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	if day, _ := compare.ParseDate(s); day != compare.NoDate {
		return time.Unix(int64(day)*86400, 0).UTC()
	}
	return time.Time{}
}

// unionItems joins the distinct items of the records' list values, sorted.
func unionItems(vals []string, recs []int) string {
	var items []string
	for _, i := range recs {
		if vals[i] != "" {
			items = append(items, strings.Split(vals[i], ListSeparator)...)
		}
	}
	slices.Sort(items)
	items = slices.Compact(items)
	if len(items) > 0 && items[0] == "" {
		items = items[1:]
	}
	return strings.Join(items, ListSeparator)
}
