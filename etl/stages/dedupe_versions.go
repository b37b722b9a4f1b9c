package stages

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/readers"
)

// isTombstoneColumn tells a source's tombstone column: a passthrough
// column whose header reads deleted, is_deleted or isdeleted in any case
// and spacing ("Is Deleted", "IsDeleted"). A record whose newest version
// has a true value there is deleted.
func isTombstoneColumn(name string) bool {
	switch readers.HeaderKey(name) {
	case "deleted", "is_deleted", "isdeleted":
		return true
	}
	return false
}

// truthy reads a tombstone flag the way sources write it.
func truthy(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "t", "1", "yes", "y", "x", "deleted":
		return true
	}
	return false
}

// nightRecords is tonight's records with one version per record.
type nightRecords struct {
	t *dedupe.Table
	// deleted holds the keys whose newest version tonight is a tombstone,
	// with that version's updated_at (zero when it has none).
	deleted map[string]time.Time
	// superseded counts the older versions dropped for a newer one.
	superseded int
}

// versionTime is a version's updated_at (RFC 3339 text, as loadTable
// renders timestamps); zero when it has none.
func versionTime(t *dedupe.Table, i int) time.Time {
	col := t.Cols["updated_at"]
	if col == nil || col[i] == "" {
		return time.Time{}
	}
	ts, err := time.Parse(time.RFC3339Nano, col[i])
	if err != nil {
		return time.Time{}
	}
	return ts
}

// newerVersion tells whether a version updated at a replaces one updated
// at b that arrived before it: by updated_at when both have one, else the
// later arrival wins.
func newerVersion(a, b time.Time) bool {
	if !a.IsZero() && !b.IsZero() {
		return !a.Before(b)
	}
	return true
}

// resolveVersions keeps the newest version of each record key of t (see
// newerVersion; arrival order is object key, then line, which extract
// reads in) and takes tombstones out. The lineage and tombstone columns
// are dropped: they describe a source row, not the person.
func resolveVersions(t *dedupe.Table) *nightRecords {
	n := t.Len()
	objs, lines := t.Cols[columnar.ColSourceObject], t.Cols[columnar.ColSourceLine]
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	line := func(i int) int64 {
		if lines == nil {
			return 0
		}
		v, _ := strconv.ParseInt(lines[i], 10, 64)
		return v
	}
	obj := func(i int) string {
		if objs == nil {
			return ""
		}
		return objs[i]
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(t.IDs[a], t.IDs[b]), cmp.Compare(obj(a), obj(b)), cmp.Compare(line(a), line(b)))
	})
	var tomb []string
	for _, c := range t.Columns() {
		if isTombstoneColumn(c) {
			tomb = t.Cols[c]
			break
		}
	}
	nr := &nightRecords{deleted: map[string]time.Time{}}
	keep := make([]int, 0, n)
	for s := 0; s < n; {
		e := s + 1
		for e < n && t.IDs[order[e]] == t.IDs[order[s]] {
			e++
		}
		best := order[s]
		for _, i := range order[s+1 : e] {
			if newerVersion(versionTime(t, i), versionTime(t, best)) {
				best = i
			}
		}
		nr.superseded += e - s - 1
		if tomb != nil && truthy(tomb[best]) {
			nr.deleted[t.IDs[best]] = versionTime(t, best)
		} else {
			keep = append(keep, best)
		}
		s = e
	}
	// keep is in record key order: survivorship breaks its last ties by
	// record order, so a canonical order gives an entity the same golden
	// record whether it is matched in a full run or on an incremental night.
	out := &dedupe.Table{IDs: make([]string, len(keep)), Cols: map[string][]string{}}
	for k, i := range keep {
		out.IDs[k] = t.IDs[i]
	}
	for name, col := range t.Cols {
		if name == columnar.ColSourceObject || name == columnar.ColSourceLine || isTombstoneColumn(name) {
			continue
		}
		vals := make([]string, len(keep))
		for k, i := range keep {
			vals[k] = col[i]
		}
		out.Cols[name] = vals
	}
	nr.t = out
	return nr
}
