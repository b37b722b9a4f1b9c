package stages

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/extract"
	"github.com/leadsmith/leadsmith/etl/storage"
)

// newTestRun builds a RunContext for testdata/pipeline with fresh work and
// output folders.
func newTestRun(t *testing.T) *etl.RunContext {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("LEADSMITH_TEST_WORK", filepath.Join(dir, "work"))
	t.Setenv("LEADSMITH_TEST_OUTPUT", filepath.Join(dir, "out"))
	t.Setenv("LEADSMITH_TEST_STATE", filepath.Join(dir, "state"))
	cfg, err := etl.LoadConfig(filepath.Join("testdata", "pipeline", "leadsmith.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if errs := cfg.Validate(); len(errs) > 0 {
		t.Fatal(errs)
	}
	if errs := etl.ValidateData(context.Background(), cfg); len(errs) > 0 {
		t.Fatal(errs)
	}
	return testRunContext(cfg, nil)
}

func readManifest(t *testing.T, rc *etl.RunContext) *etl.Manifest {
	t.Helper()
	var m etl.Manifest
	if err := etl.ReadJSON(context.Background(), rc.Output, etl.RunPrefix(rc.RunID)+"_manifest.json", &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

// readAll reads every row of a published dataset as maps of column -> text.
func readRows(t *testing.T, s storage.Store, files []columnar.FileInfo) []map[string]string {
	t.Helper()
	var rows []map[string]string
	for _, f := range files {
		pf, err := columnar.OpenParquet(context.Background(), s, f.Key)
		if err != nil {
			t.Fatal(err)
		}
		err = pf.Each(context.Background(), func(rec arrow.Record) error {
			for i := 0; i < int(rec.NumRows()); i++ {
				row := map[string]string{}
				for j, f := range rec.Schema().Fields() {
					col := rec.Column(j)
					if col.IsNull(i) {
						continue
					}
					if l, ok := col.(*array.List); ok {
						start, end := l.ValueOffsets(i)
						var vals []string
						for k := start; k < end; k++ {
							vals = append(vals, l.ListValues().(*array.String).Value(int(k)))
						}
						row[f.Name] = strings.Join(vals, "|")
						continue
					}
					row[f.Name] = col.ValueStr(i)
				}
				rows = append(rows, row)
			}
			return nil
		})
		pf.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return rows
}

func TestPipeline_ExtractPublishReconciles(t *testing.T) {
	rc := newTestRun(t)
	ctx := context.Background()
	if err := etl.RunPipeline(ctx, rc, Pipeline()); err != nil {
		t.Fatal(err)
	}
	m := readManifest(t, rc)
	if len(m.Sources) != 3 {
		t.Fatalf("sources in manifest: %d", len(m.Sources))
	}
	want := map[string][3]int64{ // read, staged, rejected
		"crm":        {6, 5, 1}, // c3 ragged; the second c1 is a newer version of c1, staged
		"forms":      {5, 3, 2}, // "this is not json", an array
		"activities": {12, 12, 0},
	}
	for _, s := range m.Sources {
		w := want[s.Name]
		if s.RowsRead != w[0] || s.RowsStaged != w[1] || s.RowsRejected != w[2] || !s.Reconciled {
			t.Errorf("source %s: read/staged/rejected = %d/%d/%d, want %v (reconciled %v)", s.Name, s.RowsRead, s.RowsStaged, s.RowsRejected, w, s.Reconciled)
		}
	}
	norm, err := rc.Committed(ctx, "normalize")
	if err != nil {
		t.Fatal(err)
	}
	records := readRows(t, rc.Work, norm.Datasets["normalized"])
	if len(records) != 8 {
		t.Fatalf("normalized: %d rows, want 8 (both versions of c1)", len(records))
	}
	byID := map[string]map[string]string{}
	for _, r := range records {
		byID[r["record_id"]] = r
	}
	// Ada Lovelace is in the CRM and filled a form with the same address:
	// one entity, six in all.
	contacts := readRows(t, rc.Output, m.Datasets["contacts"].Files)
	if len(contacts) != 6 {
		t.Fatalf("contacts: %d entities, want 6", len(contacts))
	}
	merged := 0
	for _, c := range contacts {
		if c["source_record_ids"] == "crm/c1|forms/fills.jsonl:1" {
			merged++
			if c["first_name"] != "Ada" || c["record_count"] != "2" || c["entity_id"] == "" {
				t.Errorf("golden Ada = %v", c)
			}
		}
	}
	if merged != 1 {
		t.Errorf("Ada's two records are not one entity: %v", contacts)
	}
	if r := byID["c2"]; r["Notes"] != "multi\nline note" || r["first_name"] != "Alan" || r["company"] != "Bletchley Park" || r["source"] != "crm" {
		t.Errorf("c2 = %v", r)
	}
	if r := byID["c5"]; r["first_name"] != `Barbara "Babs"` {
		t.Errorf("c5 first_name = %q", r["first_name"])
	}
	if r := byID["c4"]; r["Notes"] != "" {
		t.Errorf("empty field should be null, got %q", r["Notes"])
	}
	form := byID["fills.jsonl:1"]
	if form == nil || form["full_name"] != "Ada Lovelace" || form["employees"] != "12" || form["utm_source"] != "google" {
		t.Errorf("generated-id JSON row = %v", form)
	}
	// Normalized columns ride along with the raw ones.
	if r := byID["c1"]; r["country_code"] != "GB" || r["region"] != "EMEA" || r["seniority"] != "c_level" || r["email_domain"] != "analytical.com" {
		t.Errorf("c1 normalized = %v", r)
	}
	if r := byID["c5"]; r["country_code"] != "US" || r["region"] != "NA" || r["email_norm"] != "barbara@mit.com" {
		t.Errorf("c5 normalized = %v", r)
	}
	if form["first_name"] != "Ada" || form["last_name"] != "Lovelace" || form["employee_count"] != "12" || form["employee_band"] != "11-50" {
		t.Errorf("name split / employees = %v", form)
	}
	if r := byID["fills.jsonl:4"]; r["tags"] != `["unix","go"]` {
		t.Errorf("nested JSON value = %q", r["tags"])
	}
	rejects := readRows(t, rc.Output, m.Datasets["rejects"].Files)
	reasons := []string{}
	for _, r := range rejects {
		reasons = append(reasons, r["source"]+" "+r["location"]+" "+strings.SplitN(r["reason"], ":", 2)[0])
	}
	sort.Strings(reasons)
	wantReasons := []string{"crm export.csv:5 ragged_row", "forms fills.jsonl:3 invalid_json", "forms fills.jsonl:6 not_an_object"}
	if strings.Join(reasons, ";") != strings.Join(wantReasons, ";") {
		t.Errorf("rejects = %v, want %v", reasons, wantReasons)
	}
	for _, ds := range []string{"contacts", "rejects"} {
		for _, f := range m.Datasets[ds].Files {
			if !strings.HasPrefix(f.Key, ds+"/run_date=2026-11-23/") {
				t.Errorf("%s file %s is not in the run_date partition", ds, f.Key)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(rc.Output.URI(), "_runs", "2026-11-23", "_SUCCESS")); err != nil {
		t.Errorf("_SUCCESS missing: %v", err)
	}
}

func TestPipeline_RerunIsIdempotent(t *testing.T) {
	rc := newTestRun(t)
	ctx := context.Background()
	if err := etl.RunPipeline(ctx, rc, Pipeline()); err != nil {
		t.Fatal(err)
	}
	first := listKeys(t, rc.Output)
	rc.Force = true
	if err := etl.RunPipeline(ctx, rc, Pipeline()); err != nil {
		t.Fatal(err)
	}
	second := listKeys(t, rc.Output)
	if len(first) != len(second) {
		t.Fatalf("re-run changed the number of output objects: %v -> %v", first, second)
	}
	m := readManifest(t, rc)
	for _, d := range m.Datasets {
		for _, f := range d.Files {
			if !strings.Contains(f.Key, m.Attempt) {
				t.Errorf("manifest lists %s, not of attempt %s", f.Key, m.Attempt)
			}
		}
	}
	// Another run id on the same date replaces the first: a date's
	// partitions hold one run, so a reader's glob never sees two.
	rc2 := *rc
	rc2.RunID = "2026-11-23-retry"
	if err := etl.RunPipeline(ctx, &rc2, Pipeline()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(rc.Output.URI(), "_runs", rc.RunID, "_SUCCESS")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the replaced run %s still has _SUCCESS (err %v)", rc.RunID, err)
	}
	assertDateHoldsOnly(t, &rc2)
	rc.Force = true
	if err := etl.RunPipeline(ctx, rc, Pipeline()); err != nil {
		t.Fatal(err)
	}
	assertDateHoldsOnly(t, rc)
}

// assertDateHoldsOnly checks that the run date's partitions hold exactly
// the files of rc's manifest, and that rc's _SUCCESS commits it.
func assertDateHoldsOnly(t *testing.T, rc *etl.RunContext) {
	t.Helper()
	m := readManifest(t, rc)
	want := map[string]bool{}
	for _, d := range m.Datasets {
		for _, f := range d.Files {
			want[f.Key] = true
		}
	}
	date := rc.RunDate.Format(time.DateOnly)
	n := 0
	for _, k := range listKeys(t, rc.Output) {
		if !strings.Contains(k, "/run_date="+date+"/") {
			continue
		}
		n++
		if !want[k] {
			t.Errorf("%s holds %s, which run %s's manifest does not list", date, k, rc.RunID)
		}
	}
	if n != len(want) {
		t.Errorf("%s holds %d files, the manifest lists %d", date, n, len(want))
	}
	if got, _ := etl.SuccessAttempt(context.Background(), rc.Output, rc.RunID); got != m.Attempt {
		t.Errorf("_SUCCESS commits attempt %q, the manifest is of %q", got, m.Attempt)
	}
}

// publishStage is the pipeline's publish stage.
func publishStage() etl.Stage {
	p := Pipeline()
	return p[len(p)-1]
}

func listKeys(t *testing.T, s storage.Store) []string {
	t.Helper()
	objs, err := s.List(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]string, len(objs))
	for i, o := range objs {
		keys[i] = o.Key
	}
	return keys
}

// crashingStore fails every Create after the first n, like a process that
// dies or a disk that fills up mid-publish.
type crashingStore struct {
	storage.Store
	left atomic.Int64
}

var errCrash = errors.New("simulated crash")

func (c *crashingStore) Create(ctx context.Context, key string) (storage.ObjectWriter, error) {
	if c.left.Add(-1) < 0 {
		return nil, errCrash
	}
	return c.Store.Create(ctx, key)
}

func TestPublish_CrashLeavesNoSuccessAndRerunCompletes(t *testing.T) {
	ctx := context.Background()
	for crashAfter := int64(0); crashAfter < 4; crashAfter++ {
		rc := newTestRun(t)
		// A complete earlier publish of the same run id, then a crashing one.
		if err := etl.RunPipeline(ctx, rc, Pipeline()); err != nil {
			t.Fatal(err)
		}
		before := readManifest(t, rc)
		cs := &crashingStore{Store: rc.Output}
		cs.left.Store(crashAfter)
		crashing := *rc
		crashing.Output = cs
		if _, err := etl.RunStage(ctx, &crashing, publishStage()); !errors.Is(err, errCrash) {
			t.Fatalf("crash after %d creates: err = %v", crashAfter, err)
		}
		if _, err := os.Stat(filepath.Join(rc.Output.URI(), "_runs", rc.RunID, "_SUCCESS")); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("crash after %d creates left _SUCCESS (err %v)", crashAfter, err)
		}
		// The earlier files stay until a publish completes.
		for _, f := range before.Datasets["contacts"].Files {
			if _, err := os.Stat(filepath.Join(rc.Output.URI(), f.Key)); err != nil {
				t.Errorf("crash removed an earlier file: %v", err)
			}
		}
		if _, err := etl.RunStage(ctx, rc, publishStage()); err != nil {
			t.Fatal(err)
		}
		after := readManifest(t, rc)
		keys := listKeys(t, rc.Output)
		want := 2 + len(after.RunFiles) // manifest, _SUCCESS, report.html and .json
		for _, d := range after.Datasets {
			want += len(d.Files)
		}
		if len(keys) != want {
			t.Errorf("crash after %d: output holds %d objects, want %d (orphans left): %v", crashAfter, len(keys), want, keys)
		}
	}
}

func TestRunPipeline_SkipsCommittedStages(t *testing.T) {
	rc := newTestRun(t)
	ctx := context.Background()
	if err := etl.RunPipeline(ctx, rc, Pipeline()); err != nil {
		t.Fatal(err)
	}
	ex, _ := rc.Committed(ctx, "extract")
	if err := etl.RunPipeline(ctx, rc, Pipeline()); err != nil {
		t.Fatal(err)
	}
	ex2, _ := rc.Committed(ctx, "extract")
	if !ex.StartedAt.Equal(ex2.StartedAt) {
		t.Error("committed extract was redone without --force")
	}
}

func TestRunStage_NeedsCommittedInput(t *testing.T) {
	rc := newTestRun(t)
	_, err := etl.RunStage(context.Background(), rc, publishStage())
	if err == nil || !strings.Contains(err.Error(), "needs the output of stage extract") {
		t.Fatalf("err = %v", err)
	}
}

// A data engineer re-runs the dedupe stage alone while tuning (no publish,
// so no entity state): a later re-run of the same date must write the same
// golden records, first_seen_at included.
func TestDedupe_StageRerunWritesTheSameGolden(t *testing.T) {
	rc := newTestRun(t)
	ctx := context.Background()
	golden := func() []map[string]string {
		if _, err := etl.RunStage(ctx, rc, Dedupe{}); err != nil {
			t.Fatal(err)
		}
		return readRows(t, rc.Work, []columnar.FileInfo{{Key: rc.DatasetPrefix("dedupe", "golden") + "part-00000.parquet"}})
	}
	for _, s := range []etl.Stage{extract.Stage{}, Normalize{}} {
		if _, err := etl.RunStage(ctx, rc, s); err != nil {
			t.Fatal(err)
		}
	}
	before := golden()
	rc.Force = true // later by the wall clock, same as-of
	after := golden()
	if len(before) == 0 || len(before) != len(after) {
		t.Fatalf("%d golden records, then %d", len(before), len(after))
	}
	for k := range before {
		for c, v := range before[k] {
			if after[k][c] != v {
				t.Errorf("golden record %d, column %s: %q, then %q", k, c, v, after[k][c])
			}
		}
	}
}

// A big golden dataset is written as two parts on two cores; the score
// stage must read both, in order, and publish the same contacts.
func TestDedupe_GoldenInTwoPartsScoresTheSame(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("golden is split only with two cores")
	}
	rc := newTestRun(t)
	ctx := context.Background()
	stages := Pipeline()
	contacts := func() ([]map[string]string, int) {
		if err := etl.RunPipeline(ctx, rc, stages); err != nil {
			t.Fatal(err)
		}
		dd, err := rc.Committed(ctx, "dedupe")
		if err != nil {
			t.Fatal(err)
		}
		rows := readRows(t, rc.Output, readManifest(t, rc).Datasets["contacts"].Files)
		for _, r := range rows {
			delete(r, "route_reason") // a re-run finds the owners the first run assigned
		}
		return rows, len(dd.Datasets["golden"])
	}
	one, parts := contacts()
	if parts != 1 {
		t.Fatalf("a small golden dataset has %d parts", parts)
	}
	for i, st := range stages {
		if st.Name() == "dedupe" {
			stages[i] = Dedupe{GoldenSplitRows: 2}
		}
	}
	rc.Force = true
	two, parts := contacts()
	if parts != 2 {
		t.Fatalf("golden has %d parts, want 2", parts)
	}
	if len(one) == 0 || !reflect.DeepEqual(one, two) {
		t.Errorf("contacts differ between one and two golden parts (%d and %d rows)", len(one), len(two))
	}
}
