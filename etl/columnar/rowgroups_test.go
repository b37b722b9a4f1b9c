package columnar

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/leadsmith/leadsmith/etl/storage"
)

// Reading a file row group by row group, with a projection that names a
// list column, gives every row once, in order, with only the named columns.
func TestEachBatchOfGroups_ReadsEveryRowOfTheNamedColumns(t *testing.T) {
	ctx := context.Background()
	st, err := storage.NewLocalStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
		{Name: "n", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	total := 2*RowGroupRows + 77
	w, err := NewParquetWriter(ctx, st, "t.parquet", schema, ParquetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	for i := 0; i < total; i++ {
		b.Field(0).(*array.StringBuilder).Append(fmt.Sprintf("v%d", i))
		lb := b.Field(1).(*array.ListBuilder)
		lb.Append(true)
		lb.ValueBuilder().(*array.StringBuilder).Append(fmt.Sprintf("t%d", i))
		b.Field(2).(*array.Int64Builder).Append(int64(i))
	}
	rec := b.NewRecord()
	b.Release()
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	rec.Release()
	fi, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	groups, err := RowGroupsOf(ctx, st, []FileInfo{fi})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 3 || groups[2].Rows != 77 {
		t.Fatalf("row groups %+v, want 3 of which the last holds 77 rows", groups)
	}
	// Groups in another order than the file's, as a partition reads them.
	order := []RowGroup{groups[2], groups[0], groups[1]}
	next := []int64{2 * RowGroupRows, 0, RowGroupRows}
	seen, k := int64(0), 0
	err = EachBatchOfGroups(ctx, st, order, func(c string) bool { return c == "n" || c == "tags" }, func(rec arrow.Record) error {
		if rec.NumCols() != 2 || rec.ColumnName(0) != "tags" || rec.ColumnName(1) != "n" {
			return fmt.Errorf("columns %v", rec.Schema())
		}
		ns := rec.Column(1).(*array.Int64)
		tags, ok := rec.Column(0).(*array.List)
		if !ok {
			return fmt.Errorf("tags column %v", rec.Column(0).DataType())
		}
		names := tags.ListValues().(*array.String)
		for i := 0; i < int(rec.NumRows()); i++ {
			want := next[k] + seen
			lo, _ := tags.ValueOffsets(i)
			if ns.Value(i) != want || names.Value(int(lo)) != fmt.Sprintf("t%d", want) {
				return fmt.Errorf("row %d of group %d: n=%d tag=%s, want %d", seen, k, ns.Value(i), names.Value(int(lo)), want)
			}
			seen++
			if seen == order[k].Rows {
				k, seen = k+1, 0
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if k != 3 {
		t.Fatalf("read %d whole groups, want 3", k)
	}
}
