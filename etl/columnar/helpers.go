package columnar

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/leadsmith/leadsmith/etl/storage"
)

// ColumnStrings renders a column as strings into out (len(out) values,
// already "" where null), a list of strings as its items joined by
// ListSeparator; it returns false for types that have no single-text form
// (other lists, structs), which HasText tells beforehand.
func ColumnStrings(a arrow.Array, out []string) bool {
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
	case *array.List:
		if _, ok := c.ListValues().(*array.String); !ok {
			return false
		}
		ListStrings(c, ListSeparator, out)
	default:
		return false
	}
	return true
}

// NamedStrings is the column name of rec as strings (ColumnStrings); all
// "" when rec has no such column.
func NamedStrings(rec arrow.Record, name string) []string {
	vals := make([]string, rec.NumRows())
	if col := Column(rec, name); col != nil {
		ColumnStrings(col, vals)
	}
	return vals
}

// ListSeparator joins a list<string> value's items into one text value
// (ListStrings) and splits it again (AppendText); it is
// dedupe.ListSeparator, the separator of multi-valued table values.
const ListSeparator = "|"

// ListStrings writes each list<string> row's items joined by sep into out
// (a null or empty list stays ""); other lists are left alone.
func ListStrings(l *array.List, sep string, out []string) {
	vs, ok := l.ListValues().(*array.String)
	if !ok {
		return
	}
	var b strings.Builder
	for i := range out {
		if !l.IsValid(i) {
			continue
		}
		lo, hi := l.ValueOffsets(i)
		if lo == hi {
			continue
		}
		b.Reset()
		for k := lo; k < hi; k++ {
			if k > lo {
				b.WriteString(sep)
			}
			b.WriteString(vs.Value(int(k)))
		}
		out[i] = b.String()
	}
}

// HasText reports whether ColumnStrings can render a column: strings,
// numbers, timestamps and lists of strings (items joined by ListSeparator).
func HasText(a arrow.Array) bool {
	switch c := a.(type) {
	case *array.String, *array.Timestamp, *array.Float64, *array.Int64:
		return true
	case *array.List:
		_, ok := c.ListValues().(*array.String)
		return ok
	}
	return false
}

func AppendOptString(sb *array.StringBuilder, v string) {
	if v == "" {
		sb.AppendNull()
	} else {
		sb.Append(v)
	}
}

// AppendText appends a value that loadTable rendered as text back in its
// column's type; text that does not parse is null.
func AppendText(fb array.Builder, v string) {
	if v == "" {
		fb.AppendNull()
		return
	}
	switch b := fb.(type) {
	case *array.StringBuilder:
		b.Append(v)
	case *array.Float64Builder:
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			b.Append(f)
		} else {
			b.AppendNull()
		}
	case *array.Int64Builder:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			b.Append(n)
		} else {
			b.AppendNull()
		}
	case *array.ListBuilder:
		if vb, ok := b.ValueBuilder().(*array.StringBuilder); ok {
			b.Append(true)
			for _, item := range strings.Split(v, ListSeparator) {
				vb.Append(item)
			}
		} else {
			b.AppendNull()
		}
	case *array.TimestampBuilder:
		if ts, err := time.Parse(time.RFC3339Nano, v); err == nil {
			b.Append(arrow.Timestamp(ts.UnixMicro()))
		} else {
			b.AppendNull()
		}
	default:
		fb.AppendNull()
	}
}

// EachBatch calls fn for every record batch of the files, in order, with
// the rows of a file's deletion vector left out (see deadrows.go; the
// next batch is decoded and filtered on another goroutine while fn works);
// with columns given, only those columns are read. A batch left with no
// row is skipped.
func EachBatch(ctx context.Context, s storage.Store, files []FileInfo, fn func(arrow.Record) error, columns ...string) error {
	return eachBatch(ctx, s, files, live, func(b Batch) error {
		if b.Rec.NumRows() == 0 {
			return nil
		}
		return fn(b.Rec)
	}, columns)
}

// Project returns rec with schema's columns: a column rec lacks is null,
// one it has is taken as it is (the same name has the same type in every
// version of the store, since types come from the normalized schema).
func Project(mem memory.Allocator, rec arrow.Record, schema *arrow.Schema) (arrow.Record, error) {
	cols := make([]arrow.Array, schema.NumFields())
	n := int(rec.NumRows())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for j, f := range schema.Fields() {
		if idx := rec.Schema().FieldIndices(f.Name); len(idx) > 0 {
			c := rec.Column(idx[0])
			if !arrow.TypeEqual(c.DataType(), f.Type) {
				return nil, fmt.Errorf("store column %s is %s, want %s", f.Name, c.DataType(), f.Type)
			}
			c.Retain()
			cols[j] = c
		} else {
			cols[j] = array.MakeArrayOfNull(mem, f.Type, n)
		}
	}
	return array.NewRecord(schema, cols, int64(n)), nil
}

// WriteKept writes the rows of rec where keep is true, projected to
// schema, to each writer (its schema given beside it), as one record per
// call: each projection's runs of kept rows are sliced and concatenated
// (only the columns it writes), because a Parquet writer pays a buffer
// per Write (see columnar's statArena), so a write per run would hold
// thousands of them until the row group closes.
func WriteKept(mem memory.Allocator, rec arrow.Record, keep []bool, outs ...KeptOut) error {
	n := len(keep)
	var runs [][2]int64
	for s := 0; s < n; {
		if !keep[s] {
			s++
			continue
		}
		e := s + 1
		for e < n && keep[e] {
			e++
		}
		runs = append(runs, [2]int64{int64(s), int64(e)})
		s = e
	}
	if len(runs) == 0 {
		return nil
	}
	for _, o := range outs {
		proj, err := Project(mem, rec, o.Schema)
		if err != nil {
			return err
		}
		kept, err := keptRuns(mem, proj, runs)
		proj.Release()
		if err != nil {
			return err
		}
		err = o.W.Write(kept)
		kept.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// keptRuns is rec's rows in the given runs, as one record.
func keptRuns(mem memory.Allocator, rec arrow.Record, runs [][2]int64) (arrow.Record, error) {
	if len(runs) == 1 {
		return rec.NewSlice(runs[0][0], runs[0][1]), nil
	}
	parts := make([]arrow.Record, len(runs))
	for k, r := range runs {
		parts[k] = rec.NewSlice(r[0], r[1])
	}
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	return concatRecords(mem, parts)
}

// KeptOut is one destination of WriteKept.
type KeptOut struct {
	W      *ParquetWriter
	Schema *arrow.Schema
}
