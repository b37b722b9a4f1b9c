package stages

import (
	"bytes"
	"context"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
)

// writeStringDataset writes rows of nullable string columns ("" is null)
// as one Parquet file of dataset stage/name of the run.
func writeStringDataset(t *testing.T, rc *etl.RunContext, stage, name string, cols []string, rows [][]string) []columnar.FileInfo {
	t.Helper()
	ctx := context.Background()
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = arrow.Field{Name: c, Type: arrow.BinaryTypes.String, Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	rb := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer rb.Release()
	for _, row := range rows {
		for i, v := range row {
			b := rb.Field(i).(*array.StringBuilder)
			if v == "" {
				b.AppendNull()
			} else {
				b.Append(v)
			}
		}
	}
	rec := rb.NewRecord()
	defer rec.Release()
	w, err := columnar.NewParquetWriter(ctx, rc.Work, rc.DatasetPrefix(stage, name)+"part-0.parquet", schema, rc.Config.Parquet)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	fi, err := w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return []columnar.FileInfo{fi}
}

// commitStage writes the marker that commits a stage's datasets.
func commitStage(t *testing.T, rc *etl.RunContext, stage string, ds map[string][]columnar.FileInfo) {
	t.Helper()
	res := &etl.StageResult{Stage: stage, Attempt: stage + "-1", Datasets: ds}
	if err := etl.WriteJSON(context.Background(), rc.Work, rc.StagePrefix(stage)+etl.StageMarker, res); err != nil {
		t.Fatal(err)
	}
}

const accountEvalConfig = `sources:
  - name: crm
    uri: .
    glob: crm/*.csv
    format: csv
    columns: {record_id: id, email: email}
`

// accountEvalRun stages a hand-made night: normalized records with a true
// account, dedupe's record -> entity list (record_map, or clusters when
// asClusters) and enrich's verdicts.
//
//	record  truth  entity  enrich says                 counts as
//	c1      A1     E1      A1 by domain                E1 correct: A1 is one
//	c2      A1     E1                                  of its records' accounts
//	c9      A8     E1                                  (c9: a job change)
//	c3      A2     E2      A3 by company_fuzzy         wrong account
//	c4      -      E3      A4 by company_country       account for an unlisted company
//	c5      A5     E4      X9 inferred_domain          inferred, no prediction
//	c6      A6     E5      none, below_floor           unmatched
//	c7      -      E6      none, no_company            unmatched
//	c8      A7     E7      A7 by company_country       correct
//	c11     A9     -       (not in dedupe's list)      no entity
//	c12     A10    E8      (no enriched row)           not enriched
//	c10     -      E1      (known record, not tonight) skipped
func accountEvalRun(t *testing.T, asClusters bool) *etl.RunContext {
	rc := newDirRun(t, accountEvalConfig, nil, nil)
	norm := writeStringDataset(t, rc, "normalize", "normalized", []string{"source", "record_id", "true_account_id"}, [][]string{
		{"crm", "c1", "A1"}, {"crm", "c2", "A1"}, {"crm", "c9", "A8"}, {"crm", "c3", "A2"}, {"crm", "c4", ""}, {"crm", "c5", "A5"},
		{"crm", "c6", "A6"}, {"crm", "c7", ""}, {"crm", "c8", "A7"}, {"crm", "c11", "A9"}, {"crm", "c12", "A10"},
	})
	commitStage(t, rc, "normalize", map[string][]columnar.FileInfo{"normalized": norm})
	dataset := "record_map"
	if asClusters {
		dataset = "clusters"
	}
	rm := writeStringDataset(t, rc, "dedupe", dataset, []string{"source", "record_id", "entity_id"}, [][]string{
		{"crm", "c1", "E1"}, {"crm", "c2", "E1"}, {"crm", "c9", "E1"}, {"crm", "c3", "E2"}, {"crm", "c4", "E3"}, {"crm", "c5", "E4"},
		{"crm", "c6", "E5"}, {"crm", "c7", "E6"}, {"crm", "c8", "E7"}, {"crm", "c12", "E8"}, {"crm", "c10", "E1"},
	})
	commitStage(t, rc, "dedupe", map[string][]columnar.FileInfo{dataset: rm})
	enr := writeStringDataset(t, rc, "enrich", "enriched", []string{"entity_id", "account_id", "account_match_method", "account_match_reason"}, [][]string{
		{"E1", "A1", "domain", ""}, {"E2", "A3", "company_fuzzy", ""}, {"E3", "A4", "company_country", ""},
		{"E4", "X9", "inferred_domain", ""}, {"E5", "", "", "below_floor"}, {"E6", "", "", "no_company"},
		{"E7", "A7", "company_country", ""},
	})
	commitStage(t, rc, "enrich", map[string][]columnar.FileInfo{"enriched": enr})
	return rc
}

// TestEvaluateAccounts_HandComputedCase: 11 records tonight in 7 enriched
// entities, 5 of them with a true account (E1 E2 E4 E5 E7); 4 predictions
// (E1 E2 E3 E7), 2 correct (E1 E7): precision 2/4, recall 2/5, F1
// 2*0.5*0.4/0.9.
func TestEvaluateAccounts_HandComputedCase(t *testing.T) {
	for _, asClusters := range []bool{false, true} {
		rc := accountEvalRun(t, asClusters)
		rep, err := EvaluateAccounts(context.Background(), rc, "true_account_id")
		if err != nil {
			t.Fatal(err)
		}
		want := &AccountEvalReport{
			Truth: "true_account_id", Records: 11, Entities: 7, Labelled: 5, Predicted: 4, Correct: 2,
			Precision: 0.5, Recall: 0.4, F1: 2 * 0.5 * 0.4 / 0.9,
			WrongAccount: 1, Unlisted: 1,
			ByMethod: map[string]MethodCounts{
				"domain":          {Predicted: 1, Correct: 1, Precision: 1},
				"company_fuzzy":   {Predicted: 1, Correct: 0, Precision: 0},
				"company_country": {Predicted: 2, Correct: 1, Precision: 0.5},
			},
			Inferred: 1, InferredLabelled: 1,
			Unmatched: map[string]int{"below_floor": 1, "no_company": 1},
			NoEntity:  1, NoEnriched: 1,
		}
		if math.Abs(rep.F1-want.F1) < 1e-12 {
			rep.F1 = want.F1
		}
		if !reflect.DeepEqual(rep, want) {
			t.Errorf("clusters %v: report\n%+v\nwant\n%+v", asClusters, rep, want)
		}
		var out bytes.Buffer
		rep.WriteText(&out)
		for _, s := range []string{"precision 0.5000  recall 0.4000", "below_floor 1", "company_fuzzy"} {
			if !strings.Contains(out.String(), s) {
				t.Errorf("summary lacks %q:\n%s", s, out.String())
			}
		}
	}
}

func TestEvaluateAccounts_UnknownTruthColumn(t *testing.T) {
	rc := accountEvalRun(t, false)
	ctx := context.Background()
	if _, err := EvaluateAccounts(ctx, rc, "no_such_column"); !errors.Is(err, ErrUnknownColumn) || !strings.Contains(err.Error(), "--account-truth-column") {
		t.Errorf("EvaluateAccounts: err = %v", err)
	}
	err := CheckTruthColumns(ctx, rc, map[string]string{"--truth-column": "nope", "--account-truth-column": "true_account_id"})
	if !errors.Is(err, ErrUnknownColumn) || !strings.Contains(err.Error(), `--truth-column: "nope"`) || strings.Contains(err.Error(), "--account-truth-column") {
		t.Errorf("CheckTruthColumns: err = %v", err)
	}
	if err := CheckTruthColumns(ctx, rc, map[string]string{"--account-truth-column": "true_account_id"}); err != nil {
		t.Errorf("CheckTruthColumns of a known column: %v", err)
	}
}

func TestEvaluateAccounts_NeedsTheEnrichStage(t *testing.T) {
	rc := newDirRun(t, accountEvalConfig, nil, nil)
	if _, err := EvaluateAccounts(context.Background(), rc, "true_account_id"); err == nil || !strings.Contains(err.Error(), "enrich is not committed") {
		t.Errorf("err = %v", err)
	}
}
