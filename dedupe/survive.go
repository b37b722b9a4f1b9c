package dedupe

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
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
)

var surviveRules = []string{SurviveSourcePriority, SurviveMostRecent, SurviveMostComplete, SurviveMostFrequent, SurviveLongest}

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
}

// Survive builds the golden records. For every field, each rule picks
// among the cluster's records that have a value, and ties go to the more
// trusted source, then the more recent record, then the earlier record.
func Survive(t *Table, c *Clustering, entityIDs []string, opt SurviveOptions) (*Golden, error) {
	if err := t.check(); err != nil {
		return nil, fmt.Errorf("survive: %w", err)
	}
	n := t.Len()
	if c == nil || len(c.Cluster) != n || len(entityIDs) != n {
		return nil, fmt.Errorf("survive: need one cluster and one entity id per record (%d records)", n)
	}
	if opt.Priority != nil && len(opt.Priority) != n {
		return nil, fmt.Errorf("survive: %d priorities for %d records", len(opt.Priority), n)
	}
	rules := opt.Rules
	if rules.Default == "" {
		rules.Default = SurviveMostComplete
	}
	if !validSurviveRule(rules.Default) {
		return nil, fmt.Errorf("survive: unknown default rule %q", rules.Default)
	}
	cols := opt.Columns
	if cols == nil {
		cols = t.Columns()
	}
	for _, col := range cols {
		if _, ok := t.Cols[col]; !ok {
			return nil, fmt.Errorf("survive: unknown column %q", col)
		}
	}
	for f, r := range rules.Fields {
		if !validSurviveRule(r) {
			return nil, fmt.Errorf("survive: field %q: unknown rule %q", f, r)
		}
	}
	var ts []time.Time
	if rules.TimestampColumn != "" {
		raw, ok := t.Cols[rules.TimestampColumn]
		if !ok {
			return nil, fmt.Errorf("survive: unknown timestamp column %q", rules.TimestampColumn)
		}
		ts = make([]time.Time, n)
		for i, v := range raw {
			ts[i] = parseTimestamp(v)
		}
	}
	filled := make([]int, n)
	for _, col := range cols {
		for i, v := range t.Cols[col] {
			if v != "" {
				filled[i]++
			}
		}
	}
	prio := func(i int) int {
		if opt.Priority == nil {
			return 0
		}
		return opt.Priority[i]
	}
	// better reports whether record a wins a tie against record b.
	better := func(a, b int) bool {
		if pa, pb := prio(a), prio(b); pa != pb {
			return pa < pb
		}
		if ts != nil && !ts[a].Equal(ts[b]) {
			return ts[a].After(ts[b])
		}
		return a < b
	}

	members := make([][]int, c.NumClusters())
	for i, cl := range c.Cluster {
		if cl < 0 || int(cl) >= len(members) {
			return nil, fmt.Errorf("survive: record %d has cluster %d outside 0..%d", i, cl, len(members)-1)
		}
		members[cl] = append(members[cl], i)
	}
	// One plan per column, so the loop over entities and columns does no
	// map lookups.
	type colPlan struct {
		vals []string
		rule string
		out  []string
	}
	plans := make([]colPlan, len(cols))
	for k, col := range cols {
		plans[k] = colPlan{vals: t.Cols[col], rule: rules.Default, out: make([]string, 0, len(members))}
		if r, ok := rules.Fields[col]; ok {
			plans[k].rule = r
		}
	}
	g := &Golden{Cols: map[string][]string{}}
	counts := map[string]int{}
	for _, recs := range members {
		if len(recs) == 0 {
			continue
		}
		g.EntityIDs = append(g.EntityIDs, entityIDs[recs[0]])
		keys := make([]string, len(recs))
		var first time.Time
		for k, i := range recs {
			keys[k] = t.IDs[i]
			if ts != nil && !ts[i].IsZero() && (first.IsZero() || ts[i].Before(first)) {
				first = ts[i]
			}
		}
		slices.Sort(keys)
		g.SourceRecordIDs = append(g.SourceRecordIDs, keys)
		g.FirstSeenAt = append(g.FirstSeenAt, first)
		if len(recs) == 1 {
			// Every rule picks a single record's value.
			for k := range plans {
				plans[k].out = append(plans[k].out, plans[k].vals[recs[0]])
			}
			continue
		}
		for k := range plans {
			vals, rule := plans[k].vals, plans[k].rule
			best := -1
			if rule == SurviveMostFrequent {
				clear(counts)
				for _, i := range recs {
					if vals[i] != "" {
						counts[vals[i]]++
					}
				}
			}
			for _, i := range recs {
				if vals[i] == "" {
					continue
				}
				if best < 0 || wins(rule, i, best, vals, ts, filled, counts, better) {
					best = i
				}
			}
			v := ""
			if best >= 0 {
				v = vals[best]
			}
			plans[k].out = append(plans[k].out, v)
		}
	}
	for k, col := range cols {
		g.Cols[col] = plans[k].out
	}
	return g, nil
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
	if day, _ := parseDate(s); day != noDate {
		return time.Unix(int64(day)*86400, 0).UTC()
	}
	return time.Time{}
}
