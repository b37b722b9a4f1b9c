package columnar

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/leadsmith/leadsmith/etl/storage"
)

// TestDeadRows: readers skip the rows of a file's deletion vector, across
// batch boundaries, and EachBatchAt places every row in its file.
func TestDeadRows(t *testing.T) {
	ctx := context.Background()
	s, err := storage.NewLocalStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.BinaryTypes.String}, {Name: "n", Type: arrow.PrimitiveTypes.Int64}}, nil)
	const rows = BatchRows*2 + 100 // three batches
	w, err := NewParquetWriter(ctx, s, "a.parquet", schema, ParquetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	for i := 0; i < rows; i++ {
		b.Field(0).(*array.StringBuilder).Append(strconv.Itoa(i))
		b.Field(1).(*array.Int64Builder).Append(int64(i))
	}
	rec := b.NewRecord()
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	rec.Release()
	b.Release()
	fi, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	dead := roaring.BitmapOf(0, 5, BatchRows-1, BatchRows, BatchRows+1, rows-1)
	dead.AddRange(BatchRows*2, BatchRows*2+50)
	fi.Dead = "a.dead"
	if err := WriteDeadRows(ctx, s, fi.Dead, dead); err != nil {
		t.Fatal(err)
	}

	var got []int64
	err = EachBatch(ctx, s, []FileInfo{fi}, func(rec arrow.Record) error {
		ns := rec.Column(1).(*array.Int64)
		for i := 0; i < ns.Len(); i++ {
			got = append(got, ns.Value(i))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := rows - int(dead.GetCardinality()); len(got) != want {
		t.Fatalf("EachBatch: %d live rows, want %d", len(got), want)
	}
	for _, v := range got {
		if dead.Contains(uint32(v)) {
			t.Fatalf("EachBatch handed on dead row %d", v)
		}
	}

	seen, deadSeen := 0, 0
	err = EachBatchAt(ctx, s, []FileInfo{fi, {Key: fi.Key}}, func(b Batch) error {
		ns := b.Rec.Column(1).(*array.Int64)
		counted := 0
		for i := 0; i < ns.Len(); i++ {
			if ns.Value(i) != b.First+int64(i) {
				t.Fatalf("file %d row %d: First %d places it wrong", b.File, ns.Value(i), b.First)
			}
			if !b.Live(i) {
				counted++
			}
		}
		if counted != b.DeadIn() {
			t.Fatalf("file %d batch at %d: DeadIn %d, Live says %d", b.File, b.First, b.DeadIn(), counted)
		}
		if b.File == 1 && counted > 0 {
			t.Fatal("a file without a deletion vector has dead rows")
		}
		seen += ns.Len()
		deadSeen += counted
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != 2*rows || deadSeen != int(dead.GetCardinality()) {
		t.Fatalf("EachBatchAt saw %d rows (%d dead), want %d (%d)", seen, deadSeen, 2*rows, dead.GetCardinality())
	}

	// A failing fn stops the pass (and the batch decoded ahead) at once.
	stop := errors.New("stop")
	calls := 0
	err = EachBatchAt(ctx, s, []FileInfo{fi, fi, fi}, func(Batch) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("EachBatchAt after a failing fn: %v after %d calls", err, calls)
	}
}
