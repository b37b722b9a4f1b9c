package columnar

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/metadata"
	"github.com/leadsmith/leadsmith/etl/storage"
)

// Batches from a poisoning pool, released as soon as Write returns, must
// still give the footer the right string statistics (they alias the
// values until the row group closes), in row groups and files of any
// shape: a record spanning two row groups, a list<string> column.
func TestParquetWriter_StatisticsSurvivePooledBatches(t *testing.T) {
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
	mem := NewPoolAllocator(64<<20, true)
	w, err := NewParquetWriterMem(ctx, st, "t.parquet", schema, ParquetOptions{}, mem)
	if err != nil {
		t.Fatal(err)
	}
	const batch = 50000 // 122,880-row row groups: batches straddle them
	total := 3*RowGroupRows + 1234
	for start := 0; start < total; start += batch {
		b := array.NewRecordBuilder(mem, schema)
		for i := start; i < min(start+batch, total); i++ {
			// min is "aaa-<first row of the group>", max "zzz-...": the
			// extremes come from the first batch of each row group.
			v := fmt.Sprintf("m%07d", i)
			if i%RowGroupRows == 0 {
				v = fmt.Sprintf("aaa-%07d", i)
			} else if i%RowGroupRows == 1 {
				v = fmt.Sprintf("zzz-%07d", i)
			}
			b.Field(0).(*array.StringBuilder).Append(v)
			lb := b.Field(1).(*array.ListBuilder)
			lb.Append(true)
			lb.ValueBuilder().(*array.StringBuilder).Append("t" + v)
			b.Field(2).(*array.Int64Builder).Append(int64(i))
		}
		rec := b.NewRecord()
		b.Release()
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release() // back to the pool, poisoned, at once
		// Churn the pool so that freed buffers are handed out again.
		junk := array.NewRecordBuilder(mem, schema)
		for i := 0; i < batch; i++ {
			junk.Field(0).(*array.StringBuilder).Append("~~~~~~~~~~~~")
			junk.Field(1).(*array.ListBuilder).AppendNull()
			junk.Field(2).(*array.Int64Builder).Append(0)
		}
		junk.NewRecord().Release()
		junk.Release()
	}
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	pf, err := OpenParquet(ctx, st, "t.parquet")
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	md := pf.pf.MetaData()
	if pf.pf.NumRowGroups() != 4 {
		t.Fatalf("%d row groups, want 4", pf.pf.NumRowGroups())
	}
	for rg := 0; rg < pf.pf.NumRowGroups(); rg++ {
		first := rg * RowGroupRows
		for col, prefix := range map[int]string{0: "", 1: "t"} {
			cc, err := md.RowGroup(rg).ColumnChunk(col)
			if err != nil {
				t.Fatal(err)
			}
			s, err := cc.Statistics()
			if err != nil || s == nil {
				t.Fatalf("row group %d column %d: no statistics (%v)", rg, col, err)
			}
			bs := s.(*metadata.ByteArrayStatistics)
			wantMin := fmt.Sprintf("%saaa-%07d", prefix, first)
			wantMax := fmt.Sprintf("%szzz-%07d", prefix, first+1)
			if got := string(bs.Min()); got != wantMin {
				t.Errorf("row group %d column %d: min %q, want %q", rg, col, got, wantMin)
			}
			if got := string(bs.Max()); got != wantMax {
				t.Errorf("row group %d column %d: max %q, want %q", rg, col, got, wantMax)
			}
		}
	}
}

// failingStore's objects fail every write, as an upload cancelled by a
// signal does.
type failingStore struct{ storage.Store }

type failingObject struct{}

func (failingObject) Write([]byte) (int, error) { return 0, context.Canceled }
func (failingObject) Close() error              { return context.Canceled }
func (failingObject) Abort() error              { return nil }

func (failingStore) Create(context.Context, string) (storage.ObjectWriter, error) {
	return failingObject{}, nil
}

// Arrow's file writer panics when its first write fails; the writer
// returns the store's error instead, so a signal never crashes a run.
func TestNewParquetWriter_FirstWriteFailureIsAnError(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.BinaryTypes.String}}, nil)
	_, err := NewParquetWriter(context.Background(), failingStore{}, "x.parquet", schema, ParquetOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// A dictionary column of many distinct values writes the same bytes every
// time (a dictionary fallback would list its encodings in map order).
func TestParquetWriter_SameBytesForManyDistinctValues(t *testing.T) {
	ctx := context.Background()
	st, err := storage.NewLocalStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	schema := arrow.NewSchema([]arrow.Field{{Name: "company", Type: arrow.BinaryTypes.String}}, nil)
	if !IsLowCardinality("company") {
		t.Fatal("company is no longer dictionary-encoded: pick another column")
	}
	write := func(key string) []byte {
		w, err := NewParquetWriter(ctx, st, key, schema, ParquetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		b := array.NewStringBuilder(memory.DefaultAllocator)
		for i := 0; i < 2*RowGroupRows; i++ {
			b.Append(fmt.Sprintf("company number %09d", i)) // 2.4 MB of distinct values per row group
		}
		col := b.NewArray()
		rec := array.NewRecord(schema, []arrow.Array{col}, int64(col.Len()))
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
		col.Release()
		if _, err := w.Close(); err != nil {
			t.Fatal(err)
		}
		r, err := st.Open(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		data, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	first := write("a.parquet")
	for i := 0; i < 6; i++ {
		if again := write(fmt.Sprintf("b%d.parquet", i)); !bytes.Equal(first, again) {
			t.Fatalf("write %d differs from the first", i+1)
		}
	}
}
