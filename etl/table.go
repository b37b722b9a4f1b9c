package etl

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/leadsmith/leadsmith/dedupe"
)

// loadTable reads staged files into a dedupe table: one string slice per
// column, "" for null, record keys "source/record_id". Each batch's string
// bytes are copied once and shared by its values, so a million records cost
// one allocation per column per batch, not one per value. Timestamps become
// RFC 3339 text (which sorts in time order), numbers their shortest text.
func loadTable(ctx context.Context, s Store, files []FileInfo, keep func(string) bool) (*dedupe.Table, error) {
	var total int64
	for _, f := range files {
		total += f.Rows
	}
	t := &dedupe.Table{IDs: make([]string, 0, total), Cols: map[string][]string{}}
	for _, f := range files {
		pf, err := OpenParquet(ctx, s, f.Key)
		if err != nil {
			return nil, err
		}
		err = pf.Each(ctx, func(rec arrow.Record) error {
			n := int(rec.NumRows())
			src, id := stringCol(rec, "source"), stringCol(rec, "record_id")
			if id == nil {
				return fmt.Errorf("%s: no record_id column", f.Key)
			}
			for i := 0; i < n; i++ {
				t.IDs = append(t.IDs, strAt(src, i)+"/"+strAt(id, i))
			}
			for j, fld := range rec.Schema().Fields() {
				if !keep(fld.Name) {
					continue
				}
				vals, ok := columnStrings(rec.Column(j))
				if !ok {
					continue
				}
				col := t.Cols[fld.Name]
				if col == nil {
					col = make([]string, len(t.IDs)-n, total) // earlier files lacked it
				}
				t.Cols[fld.Name] = append(col, vals...)
			}
			for name, col := range t.Cols { // columns this file lacks stay null
				if len(col) < len(t.IDs) {
					t.Cols[name] = append(col, make([]string, len(t.IDs)-len(col))...)
				}
			}
			return nil
		})
		pf.Close()
		if err != nil {
			return nil, err
		}
	}
	return t, nil
}

// columnStrings renders a column as strings; ok is false for types that
// have no single-text form (lists).
func columnStrings(a arrow.Array) ([]string, bool) {
	n := a.Len()
	out := make([]string, n)
	switch c := a.(type) {
	case *array.String:
		if n == 0 {
			return out, true
		}
		offs := c.ValueOffsets()
		base := offs[0]
		data := c.ValueBytes()
		buf := string(data[:offs[n]-base]) // one copy per batch
		for i := 0; i < n; i++ {
			if c.IsValid(i) {
				out[i] = buf[offs[i]-base : offs[i+1]-base]
			}
		}
	case *array.Timestamp:
		unit := c.DataType().(*arrow.TimestampType).Unit
		for i := 0; i < n; i++ {
			if c.IsValid(i) {
				out[i] = c.Value(i).ToTime(unit).UTC().Format(time.RFC3339Nano)
			}
		}
	case *array.Float64:
		for i := 0; i < n; i++ {
			if c.IsValid(i) {
				out[i] = strconv.FormatFloat(c.Value(i), 'g', -1, 64)
			}
		}
	case *array.Int64:
		for i := 0; i < n; i++ {
			if c.IsValid(i) {
				out[i] = strconv.FormatInt(c.Value(i), 10)
			}
		}
	default:
		return nil, false
	}
	return out, true
}
