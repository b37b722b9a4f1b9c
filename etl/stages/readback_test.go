package stages

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/xitongsys/parquet-go-source/local"
	"github.com/xitongsys/parquet-go/parquet"
	"github.com/xitongsys/parquet-go/reader"
)

// TestReadback_XitongsysParquetGo reads every published file with a second,
// independent Parquet implementation: names, physical and logical types,
// row counts and values must agree with what leadsmith wrote.
func TestReadback_XitongsysParquetGo(t *testing.T) {
	rc := newTestRun(t)
	if err := etl.RunPipeline(context.Background(), rc, Pipeline()); err != nil {
		t.Fatal(err)
	}
	m := readManifest(t, rc)
	checked := 0
	for name, ds := range m.Datasets {
		for _, f := range ds.Files {
			fr, err := local.NewLocalFileReader(filepath.Join(rc.Output.URI(), f.Key))
			if err != nil {
				t.Fatal(err)
			}
			pr, err := reader.NewParquetColumnReader(fr, 1)
			if err != nil {
				t.Fatalf("%s: xitongsys cannot open: %v", f.Key, err)
			}
			if pr.GetNumRows() != f.Rows {
				t.Errorf("%s: %d rows, manifest says %d", f.Key, pr.GetNumRows(), f.Rows)
			}
			types := map[string]*parquet.SchemaElement{}
			// xitongsys renames columns to Go-style names; ExName keeps the file's own.
			for i, el := range pr.SchemaHandler.SchemaElements {
				types[pr.SchemaHandler.Infos[i].ExName] = el
			}
			col, want := "source", map[string]parquet.Type{"source": parquet.Type_BYTE_ARRAY, "reason": parquet.Type_BYTE_ARRAY}
			switch name {
			case "contacts":
				col, want = "entity_id", map[string]parquet.Type{"entity_id": parquet.Type_BYTE_ARRAY, "email": parquet.Type_BYTE_ARRAY,
					"record_count": parquet.Type_INT64, "revenue_usd": parquet.Type_DOUBLE, "fit_score": parquet.Type_INT64, "is_mql": parquet.Type_BOOLEAN}
			case "entity_changes":
				col, want = "entity_id", map[string]parquet.Type{"entity_id": parquet.Type_BYTE_ARRAY, "change": parquet.Type_BYTE_ARRAY, "run_id": parquet.Type_BYTE_ARRAY}
			case "record_map":
				col, want = "entity_id", map[string]parquet.Type{"entity_id": parquet.Type_BYTE_ARRAY, "record_id": parquet.Type_BYTE_ARRAY, "source": parquet.Type_BYTE_ARRAY}
			case "accounts":
				col, want = "account_id", map[string]parquet.Type{"account_id": parquet.Type_BYTE_ARRAY, "contact_count": parquet.Type_INT64,
					"account_stage": parquet.Type_BYTE_ARRAY, "is_target": parquet.Type_BOOLEAN}
			case "routing":
				col, want = "entity_id", map[string]parquet.Type{"entity_id": parquet.Type_BYTE_ARRAY, "lead_rank": parquet.Type_BYTE_ARRAY, "queue": parquet.Type_BYTE_ARRAY}
			case "profile":
				col, want = "metric", map[string]parquet.Type{"dataset": parquet.Type_BYTE_ARRAY, "metric": parquet.Type_BYTE_ARRAY, "value": parquet.Type_DOUBLE}
			}
			for col, typ := range want {
				el := types[col]
				if el == nil || el.Type == nil || *el.Type != typ {
					t.Errorf("%s: column %s missing or not %v: %+v", f.Key, col, typ, el)
					continue
				}
				if typ == parquet.Type_BYTE_ARRAY && (el.LogicalType == nil || !el.LogicalType.IsSetSTRING()) && (el.ConvertedType == nil || *el.ConvertedType != parquet.ConvertedType_UTF8) {
					t.Errorf("%s: column %s is not annotated as a string", f.Key, col)
				}
			}
			path := pr.SchemaHandler.GetRootExName() + "\x01" + col
			vals, _, _, err := pr.ReadColumnByPath(path, pr.GetNumRows())
			if err != nil {
				t.Fatalf("%s: read %s: %v", f.Key, col, err)
			}
			got := make([]string, 0, len(vals))
			for _, v := range vals {
				if s, ok := v.(string); ok {
					got = append(got, s)
				}
			}
			var wantVals []string
			for _, r := range readRows(t, rc.Output, []columnar.FileInfo{f}) {
				wantVals = append(wantVals, r[col])
			}
			sort.Strings(got)
			sort.Strings(wantVals)
			if strings.Join(got, "\n") != strings.Join(wantVals, "\n") {
				t.Errorf("%s: column %s differs between readers:\n xitongsys %q\n arrow     %q", f.Key, col, got, wantVals)
			}
			pr.ReadStop()
			fr.Close()
			checked++
		}
	}
	if checked < 2 {
		t.Fatalf("checked only %d files", checked)
	}
}
