package stages

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/storage"
)

// writeStringParquet writes one Parquet file of string columns (null where
// a value is "") and returns its FileInfo.
func writeStringParquet(t *testing.T, s storage.Store, key string, cols []string, rows [][]string) columnar.FileInfo {
	t.Helper()
	var fields []arrow.Field
	for _, c := range cols {
		fields = append(fields, arrow.Field{Name: c, Type: arrow.BinaryTypes.String, Nullable: true})
	}
	schema := arrow.NewSchema(fields, nil)
	w, err := columnar.NewParquetWriter(context.Background(), s, key, schema, columnar.ParquetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	// Two batches, so a file's rows arrive in more than one record.
	for _, part := range [][][]string{rows[:len(rows)/2], rows[len(rows)/2:]} {
		for _, r := range part {
			for j, v := range r {
				columnar.AppendOptString(b.Field(j).(*array.StringBuilder), v)
			}
		}
		rec := b.NewRecord()
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
	}
	fi, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

// Files load in parallel, each into its own rows: the table must be the
// same whether or not the stage recorded row counts, also when files lack
// columns.
func TestLoadTable_FilesFillTheirOwnRows(t *testing.T) {
	s, err := storage.NewLocalStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var files []columnar.FileInfo
	for k, cols := range [][]string{{"source", "record_id", "city", "title"}, {"source", "record_id", "city"}, {"source", "record_id", "title", "extra"}} {
		var rows [][]string
		for i := 0; i < 50+k*7; i++ {
			r := []string{"src", fmt.Sprintf("f%d-%d", k, i)}
			for _, c := range cols[2:] {
				v := fmt.Sprintf("%s-%d-%d", c, k, i)
				if i%5 == 0 {
					v = ""
				}
				r = append(r, v)
			}
			rows = append(rows, r)
		}
		files = append(files, writeStringParquet(t, s, fmt.Sprintf("part-%d.parquet", k), cols, rows))
	}
	keep := func(name string) bool { return name != "source" }
	ctx := context.Background()
	par, err := loadTable(ctx, s, files, keep)
	if err != nil {
		t.Fatal(err)
	}
	unknown := make([]columnar.FileInfo, len(files))
	for k, f := range files {
		unknown[k] = columnar.FileInfo{Key: f.Key} // no recorded row counts: the footers give them
	}
	seq, err := loadTable(ctx, s, unknown, keep)
	if err != nil {
		t.Fatal(err)
	}
	if par.Len() != 50+57+64 || !reflect.DeepEqual(par, seq) {
		t.Fatalf("load with row counts (%d rows, columns %v) differs from one without (%d rows, columns %v)",
			par.Len(), par.Columns(), seq.Len(), seq.Columns())
	}
	if got := par.Cols["extra"][0]; got != "" {
		t.Errorf("a column the first file lacks should be null there, got %q", got)
	}

	// A manifest whose row count is wrong is an error, not a shifted table.
	bad := append([]columnar.FileInfo(nil), files...)
	bad[1].Rows--
	if _, err := loadTable(ctx, s, bad, keep); err == nil {
		t.Error("a file with more rows than recorded loaded without error")
	}
}
