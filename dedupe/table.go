package dedupe

import (
	"fmt"
	"sort"
)

// Table is a columnar set of records. IDs are unique record keys (RecordKey
// when the records come from sources); every column has one value per
// record, and "" means null.
type Table struct {
	IDs  []string
	Cols map[string][]string
}

// Len is the number of records.
func (t *Table) Len() int {
	if t == nil {
		return 0
	}
	return len(t.IDs)
}

// Columns lists the column names in sorted order.
func (t *Table) Columns() []string {
	if t == nil {
		return nil
	}
	names := make([]string, 0, len(t.Cols))
	for k := range t.Cols {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// check reports a table whose columns do not line up with its ids or whose
// ids repeat, because every later step indexes columns by record position.
func (t *Table) check() error {
	if t == nil {
		return fmt.Errorf("table is nil")
	}
	for name, col := range t.Cols {
		if len(col) != len(t.IDs) {
			return fmt.Errorf("column %q has %d values, want %d (one per id)", name, len(col), len(t.IDs))
		}
	}
	seen := make(map[string]struct{}, len(t.IDs))
	for _, id := range t.IDs {
		if _, dup := seen[id]; dup {
			return fmt.Errorf("record id %q is not unique", id)
		}
		seen[id] = struct{}{}
	}
	return nil
}
