package columnar

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/leadsmith/leadsmith/etl/storage"
)

func TestRowGroupRowsFor_CapsCellsOfWideSchemasOnly(t *testing.T) {
	for cols, want := range map[int]int64{
		1: RowGroupRows, 23: RowGroupRows, 50: RowGroupRows, 68: RowGroupRows,
		69: RowGroupCells / 69, 10023: 836, 1 << 20: minRowGroupRows,
	} {
		if got := RowGroupRowsFor(cols); got != want {
			t.Errorf("RowGroupRowsFor(%d) = %d, want %d", cols, got, want)
		}
		if got := isWide(cols); got != (cols > wideColumns) {
			t.Errorf("isWide(%d) = %v", cols, got)
		}
	}
}

// wideValue is the test value of string column c in row r: some nulls,
// some empty strings, the rest of varied lengths.
func wideValue(r, c int) (string, bool) {
	switch (r*31 + c*7) % 11 {
	case 0:
		return "", false
	case 1:
		return "", true
	}
	return fmt.Sprintf("r%03d-c%02d-%s", r, c, strings.Repeat("x", (r+c)%5)), true
}

// A wide schema is written a row group at a time, its string values
// gathered into buffers of its own: every value, null and empty string
// must come back, and every row group's statistics must be those of its
// rows although the records went back to a poisoning pool as soon as they
// were written.
func TestParquetWriter_WideSchemaRoundTrips(t *testing.T) {
	const nstr = wideColumns
	var fields []arrow.Field
	for c := 0; c < nstr; c++ {
		fields = append(fields, arrow.Field{Name: "col_" + strconv.Itoa(c), Type: arrow.BinaryTypes.String, Nullable: true})
	}
	fields = append(fields,
		arrow.Field{Name: "line", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		arrow.Field{Name: "issues", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true})
	schema := arrow.NewSchema(fields, nil)

	pool := NewPoolAllocator(64<<20, true)
	dir := t.TempDir()
	st, err := storage.NewLocalStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	w, err := NewParquetWriterMem(ctx, st, "wide.parquet", schema, ParquetOptions{}, pool)
	if err != nil {
		t.Fatal(err)
	}
	if !w.wide {
		t.Fatalf("a schema of %d columns is not written as wide", len(fields))
	}
	const group = 7 // small row groups, so that records cross their boundaries
	w.groupRows = group

	// build makes rows [from, from+n) preceded by pad rows of other values.
	build := func(from, n, pad int) arrow.Record {
		b := array.NewRecordBuilder(pool, schema)
		defer b.Release()
		for i := -pad; i < n; i++ {
			r := from + i
			for c := 0; c < nstr; c++ {
				sb := b.Field(c).(*array.StringBuilder)
				if i < 0 {
					sb.Append("pad")
				} else if v, ok := wideValue(r, c); ok {
					sb.Append(v)
				} else {
					sb.AppendNull()
				}
			}
			if i < 0 {
				r = 1 // any row: padding is sliced off
			}
			if lb := b.Field(nstr).(*array.Int64Builder); r%13 == 0 {
				lb.AppendNull()
			} else {
				lb.Append(int64(r))
			}
			lb := b.Field(nstr + 1).(*array.ListBuilder)
			switch {
			case r%3 == 0:
				lb.AppendNull()
			case r%5 == 0:
				lb.Append(true)
			default:
				lb.Append(true)
				lb.ValueBuilder().(*array.StringBuilder).Append("issue-" + strconv.Itoa(r))
				lb.ValueBuilder().(*array.StringBuilder).Append("b")
			}
		}
		return b.NewRecord()
	}
	total := 0
	for k, n := range []int{1, 5, 13, 0, 20, 2, 9, 6} {
		rec := build(total, n, 3*(k%2))
		if k%2 == 1 {
			s := rec.NewSlice(3, rec.NumRows())
			rec.Release()
			rec = s
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
		total += n
	}
	fi, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if fi.Rows != int64(total) {
		t.Fatalf("wrote %d rows, want %d", fi.Rows, total)
	}

	pf, err := OpenParquet(ctx, st, "wide.parquet")
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	got, err := pf.Schema()
	if err != nil || got.NumFields() != len(fields) {
		t.Fatalf("schema read back: %v (%v)", got, err)
	}
	for i, f := range got.Fields() {
		if f.Name != fields[i].Name || !arrow.TypeEqual(f.Type, fields[i].Type) {
			t.Fatalf("field %d read back as %s %s, want %s %s", i, f.Name, f.Type, fields[i].Name, fields[i].Type)
		}
	}
	row := 0
	err = pf.Each(ctx, func(rec arrow.Record) error {
		for i := 0; i < int(rec.NumRows()); i, row = i+1, row+1 {
			for c := 0; c < nstr; c++ {
				col := rec.Column(c).(*array.String)
				v, ok := wideValue(row, c)
				if col.IsValid(i) != ok || col.Value(i) != v {
					t.Fatalf("row %d col %d: %q (valid %v), want %q (valid %v)", row, c, col.Value(i), col.IsValid(i), v, ok)
				}
			}
			if line := rec.Column(nstr).(*array.Int64); line.IsNull(i) != (row%13 == 0) || (line.IsValid(i) && line.Value(i) != int64(row)) {
				t.Fatalf("row %d: line %s", row, line.ValueStr(i))
			}
			want := "[issue-" + strconv.Itoa(row) + " b]"
			switch {
			case row%3 == 0:
				want = "(null)"
			case row%5 == 0:
				want = "[]"
			}
			if got := rec.Column(nstr + 1).(*array.List); listString(got, i) != want {
				t.Fatalf("row %d: issues %s, want %s", row, listString(got, i), want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if row != total {
		t.Fatalf("read %d rows, want %d", row, total)
	}

	// Row groups of `group` rows, with the statistics of their own rows.
	f, err := os.Open(filepath.Join(dir, "wide.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	rd, err := file.NewParquetReader(f)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if want := (total + group - 1) / group; rd.NumRowGroups() != want {
		t.Fatalf("%d row groups, want %d", rd.NumRowGroups(), want)
	}
	for g := 0; g < rd.NumRowGroups(); g++ {
		rg := rd.MetaData().RowGroup(g)
		from, to := g*group, min(total, (g+1)*group)
		if rg.NumRows() != int64(to-from) {
			t.Fatalf("row group %d has %d rows, want %d", g, rg.NumRows(), to-from)
		}
		for c := 0; c <= nstr+1; c++ {
			var lo, hi string
			var nulls int64
			seen := false
			for r := from; r < to; r++ {
				var vals []string
				switch {
				case c < nstr:
					if v, ok := wideValue(r, c); ok {
						vals = []string{v}
					} else {
						nulls++
					}
				case c == nstr: // the int64 column: checked by value above
					continue
				case r%3 == 0 || r%5 == 0:
					nulls++ // a null or empty list: a null leaf
				default:
					vals = []string{"issue-" + strconv.Itoa(r), "b"}
				}
				for _, v := range vals {
					if !seen || v < lo {
						lo = v
					}
					if !seen || v > hi {
						hi = v
					}
					seen = true
				}
			}
			if c == nstr {
				continue
			}
			cc, err := rg.ColumnChunk(c)
			if err != nil {
				t.Fatal(err)
			}
			stats, err := cc.Statistics()
			if err != nil || stats == nil {
				t.Fatalf("row group %d column %d: no statistics (%v)", g, c, err)
			}
			if stats.NullCount() != nulls {
				t.Errorf("row group %d column %d: %d nulls, want %d", g, c, stats.NullCount(), nulls)
			}
			if !seen {
				continue
			}
			if !stats.HasMinMax() || string(stats.EncodeMin()) != lo || string(stats.EncodeMax()) != hi {
				t.Errorf("row group %d column %d: min %q max %q, want %q %q", g, c, stats.EncodeMin(), stats.EncodeMax(), lo, hi)
			}
		}
	}
}

// listString renders a list of strings as [a b], "(null)" when null.
func listString(l *array.List, i int) string {
	if l.IsNull(i) {
		return "(null)"
	}
	from, to := l.ValueOffsets(i)
	vals := l.ListValues().(*array.String)
	var s []string
	for j := from; j < to; j++ {
		s = append(s, vals.Value(int(j)))
	}
	return "[" + strings.Join(s, " ") + "]"
}
