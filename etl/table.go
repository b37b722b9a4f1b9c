package etl

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/internal/par"
)

// loadTable reads staged files into a dedupe table: one string slice per
// column, "" for null, record keys "source/record_id". Each batch's string
// bytes are copied once and shared by its values, so a million records cost
// one allocation per column per batch, not one per value. Timestamps become
// RFC 3339 text (which sorts in time order), numbers their shortest text.
func loadTable(ctx context.Context, s Store, files []FileInfo, keep func(string) bool) (*dedupe.Table, error) {
	var total int64
	counted := true
	for _, f := range files {
		total += f.Rows
		counted = counted && f.Rows > 0
	}
	if counted && len(files) > 1 && runtime.GOMAXPROCS(0) > 1 {
		return loadTableParallel(ctx, s, files, keep, int(total))
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
					col = make([]string, len(t.IDs)-n, max(int(total), len(t.IDs)-n)) // earlier files lacked it
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

// loadTableParallel is loadTable over files whose row counts are known: each
// file fills its own range of rows, one file per core at a time, into
// columns allocated at full length (a column a file lacks stays null there).
func loadTableParallel(ctx context.Context, s Store, files []FileInfo, keep func(string) bool, total int) (*dedupe.Table, error) {
	t := &dedupe.Table{IDs: make([]string, total), Cols: map[string][]string{}}
	var mu sync.Mutex
	column := func(name string) []string {
		mu.Lock()
		defer mu.Unlock()
		col := t.Cols[name]
		if col == nil {
			col = make([]string, total)
			t.Cols[name] = col
		}
		return col
	}
	offsets := make([]int, len(files)+1)
	for k, f := range files {
		offsets[k+1] = offsets[k] + int(f.Rows)
	}
	errs := make([]error, len(files))
	par.Each(len(files), func(_, k int) {
		errs[k] = loadFileRange(ctx, s, files[k], keep, column, t.IDs[offsets[k]:offsets[k+1]], offsets[k])
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

// loadFileRange reads one file into rows at..at+len(ids)-1 of the table's
// columns; its row count must be what the manifest says.
func loadFileRange(ctx context.Context, s Store, f FileInfo, keep func(string) bool, column func(string) []string, ids []string, at int) error {
	pf, err := OpenParquet(ctx, s, f.Key)
	if err != nil {
		return err
	}
	defer pf.Close()
	row := 0
	err = pf.Each(ctx, func(rec arrow.Record) error {
		n := int(rec.NumRows())
		if row+n > len(ids) {
			return fmt.Errorf("%s: more rows than the %d its stage recorded", f.Key, len(ids))
		}
		src, id := stringCol(rec, "source"), stringCol(rec, "record_id")
		if id == nil {
			return fmt.Errorf("%s: no record_id column", f.Key)
		}
		for i := 0; i < n; i++ {
			ids[row+i] = strAt(src, i) + "/" + strAt(id, i)
		}
		for j, fld := range rec.Schema().Fields() {
			if !keep(fld.Name) {
				continue
			}
			if col := rec.Column(j); hasText(col) {
				columnStringsInto(col, column(fld.Name)[at+row:at+row+n])
			}
		}
		row += n
		return nil
	})
	if err == nil && row != len(ids) {
		err = fmt.Errorf("%s: %d rows, its stage recorded %d", f.Key, row, len(ids))
	}
	return err
}

// columnStrings renders a column as strings; ok is false for types that
// have no single-text form (lists).
func columnStrings(a arrow.Array) ([]string, bool) {
	out := make([]string, a.Len())
	return out, columnStringsInto(a, out)
}

// columnStringsInto is columnStrings writing into out (len(out) values,
// already "" where null).
func columnStringsInto(a arrow.Array, out []string) bool {
	n := len(out)
	switch c := a.(type) {
	case *array.String:
		if n == 0 {
			return true
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
		return false
	}
	return true
}

// hasText reports whether columnStrings can render a column.
func hasText(a arrow.Array) bool {
	switch a.(type) {
	case *array.String, *array.Timestamp, *array.Float64, *array.Int64:
		return true
	}
	return false
}
