package stages

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/extract"
	"github.com/leadsmith/leadsmith/internal/s3test"
	"gopkg.in/yaml.v3"
)

// extractOnly is a pipeline of extract and publish alone, so that these
// tests do not depend on what the later stages make of the rows.
func extractOnly() []etl.Stage {
	st := []etl.Stage{extract.Stage{}}
	return append(st, etl.Publish{Stages: st})
}

// nightOf is rc moved to the night days after it (its run id the date).
func nightOf(rc *etl.RunContext, days int) *etl.RunContext {
	n := *rc
	n.RunDate = rc.RunDate.AddDate(0, 0, days)
	n.AsOf = etl.DefaultAsOf(n.RunDate)
	n.RunID = n.RunDate.Format(time.DateOnly)
	return &n
}

// extractNight runs extractOnly for rc and returns extract's result, its
// stats by source name and whether its notes say it was incremental.
func extractNight(t *testing.T, rc *etl.RunContext) (*etl.StageResult, map[string]etl.SourceStats, bool) {
	t.Helper()
	ctx := context.Background()
	if err := etl.RunPipeline(ctx, rc, extractOnly()); err != nil {
		t.Fatal(err)
	}
	res, err := rc.Committed(ctx, "extract")
	if err != nil || res == nil {
		t.Fatalf("extract not committed: %v", err)
	}
	stats := map[string]etl.SourceStats{}
	for _, s := range res.Sources {
		stats[s.Name] = s
	}
	inc, ok := res.Notes["incremental"].(bool)
	if !ok {
		t.Fatalf("notes do not say incremental true/false: %v", res.Notes)
	}
	return res, stats, inc
}

// stagedRows counts the rows of one staged dataset of a stage result.
func stagedRows(res *etl.StageResult, dataset string) int64 {
	var n int64
	for _, f := range res.Datasets[dataset] {
		n += f.Rows
	}
	return n
}

// objectsList reads extract's store.objects dataset as lines of
// "source key read_run_id".
func objectsList(t *testing.T, rc *etl.RunContext, res *etl.StageResult) []string {
	t.Helper()
	files := res.Datasets[etl.StorePrefix+extract.ObjectsPart]
	if len(files) == 0 {
		t.Fatalf("extract wrote no %s%s", etl.StorePrefix, extract.ObjectsPart)
	}
	var out []string
	for _, r := range readRows(t, rc.Work, files) {
		if r["mtime"] == "" || r["size"] == "" {
			t.Errorf("objects row without size or mtime: %v", r)
		}
		out = append(out, r["source"]+" "+r["key"]+" "+r["read_run_id"])
	}
	return out
}

func checkStats(t *testing.T, night string, stats map[string]etl.SourceStats, name string, read, unchanged int) {
	t.Helper()
	s := stats[name]
	if s.Objects != read || s.ObjectsUnchanged != unchanged || !s.Reconciled {
		t.Errorf("%s, source %s: objects read %d, unchanged %d (reconciled %v), want %d and %d",
			night, name, s.Objects, s.ObjectsUnchanged, s.Reconciled, read, unchanged)
	}
}

func TestIncrementalExtract_ReadsOnlyNewOrChangedObjects(t *testing.T) {
	cfg := `sources:
  - name: crm
    uri: ./crm
    glob: "*.csv"
    columns: {record_id: id}
activities:
  uri: ./activities
`
	var logs bytes.Buffer
	rc := newDirRun(t, cfg, map[string][]byte{
		"crm/a.csv":             []byte("id,email,first_name\na1,ann@example.com,Ann\na2,bob@example.com,Bob\n"),
		"crm/b.csv":             []byte("id,email,first_name\nb1,cy@example.com,Cy\nb2,di@example.com,Di\n"),
		"activities/events.csv": []byte("record_id,email,event_type,occurred_at\na1,ann@example.com,web_visit,2026-11-20T10:00:00Z\n"),
	}, &logs)
	dir := filepath.Dir(rc.Config.Resolve("./crm/a.csv"))
	d1 := rc.RunID

	// Night 1: nothing before it, every object is read.
	res, stats, inc := extractNight(t, rc)
	if inc {
		t.Error("night 1: notes say incremental, with no state before it")
	}
	checkStats(t, "night 1", stats, "crm", 2, 0)
	checkStats(t, "night 1", stats, "activities", 1, 0)
	if n := stagedRows(res, "raw"); n != 4 {
		t.Errorf("night 1: %d raw rows, want 4", n)
	}

	// Night 2: a new object, and a.csv rewritten with the same size (a
	// later mtime) and an update of a1 further down the same object.
	if err := os.WriteFile(filepath.Join(dir, "c.csv"), []byte("id,email,first_name\nc1,eve@example.com,Eve\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := filepath.Join(dir, "a.csv")
	if err := os.WriteFile(a, []byte("id,email,first_name\na1,ann@example.com,Ann\na1,ann@example.org,Ann\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(a, later, later); err != nil {
		t.Fatal(err)
	}
	rc2 := nightOf(rc, 1)
	d2 := rc2.RunID
	res, stats, inc = extractNight(t, rc2)
	if !inc {
		t.Error("night 2: notes say not incremental")
	}
	checkStats(t, "night 2", stats, "crm", 2, 1)
	checkStats(t, "night 2", stats, "activities", 0, 1)
	// a.csv's two rows (the second a1 is an update, not a reject) and c.csv's.
	if n := stagedRows(res, "raw"); n != 3 || stats["crm"].RowsRejected != 0 {
		t.Errorf("night 2: %d raw rows, %d rejected, want 3 and 0", n, stats["crm"].RowsRejected)
	}
	for _, f := range res.Datasets["raw"] {
		for _, r := range readRows(t, rc2.Work, []columnar.FileInfo{f}) {
			if obj := r["source_object"]; obj != "a.csv" && obj != "c.csv" {
				t.Errorf("night 2 staged a row of unchanged %s", obj)
			}
		}
	}
	want := []string{"activities events.csv " + d1, "crm a.csv " + d2, "crm b.csv " + d1, "crm c.csv " + d2}
	if got := objectsList(t, rc2, res); strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("night 2 objects list = %v, want %v", got, want)
	}
	// Publish kept it in night 2's state version for night 3.
	rc3 := nightOf(rc, 2)
	if err := etl.ResolveBase(context.Background(), rc3); err != nil {
		t.Fatal(err)
	}
	if rc3.BaseID() == "none" || !strings.HasPrefix(rc3.BaseID(), d2+"/") {
		t.Fatalf("night 3 builds on %s, want night 2's version", rc3.BaseID())
	}
	if keys, err := etl.StoreFiles(context.Background(), rc3, extract.ObjectsPart); err != nil || len(keys) != 1 {
		t.Fatalf("night 2's state holds store objects %v (%v), want one file", keys, err)
	}

	// Night 3, full refresh: every object is read again.
	rc3.FullRefresh = true
	res, stats, inc = extractNight(t, rc3)
	if inc {
		t.Error("night 3 (full refresh): notes say incremental")
	}
	checkStats(t, "night 3", stats, "crm", 3, 0)
	checkStats(t, "night 3", stats, "activities", 1, 0)
	if n := stagedRows(res, "raw"); n != 5 {
		t.Errorf("night 3: %d raw rows, want 5", n)
	}
	d3 := rc3.RunID
	want = []string{"activities events.csv " + d3, "crm a.csv " + d3, "crm b.csv " + d3, "crm c.csv " + d3}
	if got := objectsList(t, rc3, res); strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("night 3 objects list = %v, want %v", got, want)
	}

	// The same night again without full refresh is another extract (the
	// fingerprint holds FullRefresh and the base): incremental on night
	// 2's list, it reads only what changed since night 2, nothing here.
	rc3.FullRefresh = false
	res, stats, inc = extractNight(t, rc3)
	if !inc {
		t.Error("night 3 again: extract was skipped or not incremental")
	}
	checkStats(t, "night 3 again", stats, "crm", 0, 3)
	checkStats(t, "night 3 again", stats, "activities", 0, 1)
	if n := stagedRows(res, "raw"); n != 0 {
		t.Errorf("night 3 again: %d raw rows, want 0", n)
	}
	want = []string{"activities events.csv " + d1, "crm a.csv " + d2, "crm b.csv " + d1, "crm c.csv " + d2}
	if got := objectsList(t, rc3, res); strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("night 3 again objects list = %v, want %v", got, want)
	}
	if strings.Contains(logs.String(), "@example") {
		t.Errorf("the log holds personal data:\n%s", logs.String())
	}
}

// On S3 an object rewritten with the same size is told apart by its ETag,
// which the objects list records.
func TestIncrementalExtract_S3ETag(t *testing.T) {
	endpoint, bucket, raw := s3test.Bucket(t)
	ctx := context.Background()
	put := func(key, body string) {
		t.Helper()
		if _, err := raw.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("in/" + key), Body: strings.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	put("a.csv", "id,email\na1,ann@example.com\n")
	put("b.csv", "id,email\nb1,bob@example.com\n")
	doc := map[string]any{
		"sources": []map[string]any{{"name": "crm", "uri": "s3://" + bucket + "/in", "glob": "*.csv", "columns": map[string]string{"record_id": "id"}}},
		"work":    "s3://" + bucket + "/run/work", "output": "s3://" + bucket + "/run/out", "state": "s3://" + bucket + "/run/state",
		"s3": map[string]any{"endpoint": endpoint, "path_style": true, "region": "us-east-1"},
	}
	data, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	c, err := etl.ParseConfig(data, filepath.Join(t.TempDir(), "leadsmith.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if errs := c.Validate(); len(errs) > 0 {
		t.Fatal(errs)
	}
	rc := s3RunContext(t, c)
	res, stats, _ := extractNight(t, rc)
	checkStats(t, "night 1", stats, "crm", 2, 0)
	for _, r := range readRows(t, rc.Work, res.Datasets[etl.StorePrefix+extract.ObjectsPart]) {
		if r["etag"] == "" {
			t.Errorf("no etag recorded for %s", r["key"])
		}
	}
	put("a.csv", "id,email\na1,ann@example.org\n") // same size, other content
	rc2 := nightOf(rc, 1)
	res, stats, inc := extractNight(t, rc2)
	if !inc {
		t.Error("night 2 is not incremental")
	}
	checkStats(t, "night 2", stats, "crm", 1, 1)
	if n := stagedRows(res, "raw"); n != 1 {
		t.Errorf("night 2: %d raw rows, want 1 (the rewritten a.csv)", n)
	}
}

// TestIncremental_NoRecordsNeedsFullRefresh: a state that lists objects
// but holds no entity store records (a night published without dedupe)
// would make extract read only new objects and dedupe see nothing else;
// dedupe refuses, naming --full-refresh, and a full refresh works.
func TestIncremental_NoRecordsNeedsFullRefresh(t *testing.T) {
	cfg := `sources:
  - name: crm
    uri: ./crm
    columns: {record_id: id}
`
	rc := newDirRun(t, cfg, map[string][]byte{
		"crm/a.csv": []byte("id,email,first_name\na1,ann@example.com,Ann\n"),
	}, nil)
	extractNight(t, rc)
	dir := filepath.Dir(rc.Config.Resolve("./crm/a.csv"))
	if err := os.WriteFile(filepath.Join(dir, "b.csv"), []byte("id,email,first_name\nb1,bo@example.com,Bo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rc2 := nightOf(rc, 1)
	err := etl.RunPipeline(context.Background(), rc2, Pipeline())
	if err == nil || !strings.Contains(err.Error(), "--full-refresh") {
		t.Fatalf("night 2 without store records: %v, want an error naming --full-refresh", err)
	}
	rc3 := nightOf(rc, 1)
	rc3.FullRefresh = true
	if err := etl.RunPipeline(context.Background(), rc3, Pipeline()); err != nil {
		t.Fatal(err)
	}
	m := readManifest(t, rc3)
	if n := m.Datasets["contacts"].Rows; n != 2 {
		t.Errorf("full refresh: %d contacts, want 2", n)
	}
}
