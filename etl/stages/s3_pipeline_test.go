package stages

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/extract"
	"github.com/leadsmith/leadsmith/etl/storage"
	"github.com/leadsmith/leadsmith/fixtures"
	"github.com/leadsmith/leadsmith/internal/faultproxy"
	"github.com/leadsmith/leadsmith/internal/s3test"
	"gopkg.in/yaml.v3"
)

// s3RunConfig writes a config whose sources, work, output and state all
// live in bucket, reading the generated fixture set under in/.
func s3RunConfig(t *testing.T, endpoint, bucket, runPrefix string) *etl.Config {
	t.Helper()
	var srcs []map[string]any
	for _, s := range fixtures.Sources() {
		src := map[string]any{"name": s.Name, "uri": "s3://" + bucket + "/in", "glob": s.Glob, "format": s.Format, "columns": s.Columns, "priority": s.Priority}
		csv := map[string]string{}
		if s.Delimiter != "" {
			csv["delimiter"] = s.Delimiter
		}
		if s.Encoding != "" {
			csv["encoding"] = s.Encoding
		}
		if len(csv) > 0 {
			src["csv"] = csv
		}
		srcs = append(srcs, src)
	}
	a := fixtures.ActivitiesSpec()
	doc := map[string]any{
		"sources":    srcs,
		"activities": map[string]any{"name": "activities", "uri": "s3://" + bucket + "/in", "glob": a.Glob, "format": a.Format, "columns": a.Columns},
		"work":       "s3://" + bucket + "/" + runPrefix + "/work",
		"output":     "s3://" + bucket + "/" + runPrefix + "/out",
		"state":      "s3://" + bucket + "/" + runPrefix + "/state",
		"s3":         map[string]any{"endpoint": endpoint, "path_style": true, "region": "us-east-1", "max_attempts": 8},
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
	return c
}

func s3RunContext(t *testing.T, c *etl.Config) *etl.RunContext {
	t.Helper()
	ctx := context.Background()
	if errs := etl.ValidateData(ctx, c); len(errs) > 0 {
		t.Fatal(errs)
	}
	stores := make([]storage.Store, 3)
	for i, loc := range []string{c.Work, c.Output, c.State} {
		s, err := storage.Open(ctx, loc, c.S3)
		if err != nil {
			t.Fatal(err)
		}
		stores[i] = s
	}
	return &etl.RunContext{Config: c, RunID: "2026-11-23", RunDate: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC),
		AsOf: time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC), Work: stores[0], Output: stores[1], State: stores[2],
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Progress: etl.NoProgress}
}

// uploadDir puts every file under dir into bucket under prefix.
func uploadDir(t *testing.T, raw *s3.Client, bucket, prefix, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = raw.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(prefix + "/" + filepath.ToSlash(rel)), Body: f})
		n++
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// publishedContacts summarises a run's published contacts: sorted entity
// ids with their source records, to compare two runs' outputs.
func publishedContacts(t *testing.T, rc *etl.RunContext) string {
	t.Helper()
	var m etl.Manifest
	if err := etl.ReadJSON(context.Background(), rc.Output, etl.RunPrefix(rc.RunID)+"_manifest.json", &m); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, r := range readRows(t, rc.Output, m.Datasets["contacts"].Files) {
		lines = append(lines, r["entity_id"]+" "+r["source_record_ids"]+" "+r["email_norm"])
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func TestS3Pipeline_FullRunFaultsAndDuckDB(t *testing.T) {
	endpoint, bucket, raw := s3test.Bucket(t)
	dir := t.TempDir()
	if _, err := fixtures.Generate(context.Background(), fixtures.Options{Contacts: 3000, Seed: 5, OutDir: dir}); err != nil {
		t.Fatal(err)
	}
	if n := uploadDir(t, raw, bucket, "in", dir); n < 6 {
		t.Fatalf("uploaded %d objects", n)
	}
	ctx := context.Background()

	// 1. A clean run entirely on S3.
	clean := s3RunContext(t, s3RunConfig(t, endpoint, bucket, "clean"))
	if err := etl.RunPipeline(ctx, clean, Pipeline()); err != nil {
		t.Fatal(err)
	}
	want := publishedContacts(t, clean)
	if strings.Count(want, "\n") < 1000 {
		t.Fatalf("too few contacts published: %d", strings.Count(want, "\n"))
	}
	var m etl.Manifest
	if err := etl.ReadJSON(ctx, clean.Output, etl.RunPrefix(clean.RunID)+"_manifest.json", &m); err != nil {
		t.Fatal(err)
	}
	for _, s := range m.Sources {
		if !s.Reconciled || s.RowsRead == 0 {
			t.Errorf("source %s: %+v", s.Name, s)
		}
	}
	for _, part := range []string{"records", "entities", "objects", "events"} {
		if _, err := storage.Sub(clean.State, m.State.Prefix()).Open(ctx, etl.StoreKey(part, 0, ".parquet")); err != nil {
			t.Errorf("entity store part %s not saved on S3: %v", part, err)
		}
	}
	// The run's report is published beside the manifest, as the manifest says.
	for _, name := range []string{"report.html", "report.json"} {
		key := etl.RunPrefix(clean.RunID) + name
		if !slices.Contains(m.RunFiles, key) {
			t.Errorf("manifest run_files %v lack %s", m.RunFiles, key)
		}
		if r, err := clean.Output.Open(ctx, key); err != nil {
			t.Errorf("%s not published on S3: %v", name, err)
		} else {
			body, _ := io.ReadAll(r)
			r.Close()
			if len(body) < 1000 {
				t.Errorf("%s on S3 holds %d bytes", name, len(body))
			}
		}
	}

	// 2. DuckDB reads the published layout (copied down: DuckDB's S3
	// support is an extension it would have to download).
	local := t.TempDir()
	objs, err := clean.Output.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	localStore, _ := storage.NewLocalStore(local)
	for _, o := range objs {
		if err := storage.Copy(ctx, clean.Output, o.Key, localStore, o.Key); err != nil {
			t.Fatal(err)
		}
	}
	res := duckQuery(t, fmt.Sprintf("SELECT count(*) AS n, count(DISTINCT entity_id) AS ids FROM read_parquet('%s/contacts/**/*.parquet', hive_partitioning=true)", local))
	if got := fmt.Sprint(res[0].Rows[0]["n"]); got != fmt.Sprint(m.Datasets["contacts"].Rows) {
		t.Errorf("DuckDB reads %s contacts, manifest says %d", got, m.Datasets["contacts"].Rows)
	}

	// 3. The same run through a proxy that fails one request in five
	// (503 SlowDown, connection resets, resets mid-body, stalls) publishes
	// the same contacts.
	proxy, err := faultproxy.New(endpoint, faultproxy.Config{Seed: 3, SlowDown: 0.08, Reset: 0.05, MidBodyReset: 0.04, Stall: 0.03, StallFor: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	faulty := s3RunContext(t, s3RunConfig(t, proxy.URL(), bucket, "faulty"))
	if err := etl.RunPipeline(ctx, faulty, Pipeline()); err != nil {
		t.Fatalf("run through faults: %v", err)
	}
	st := proxy.Stats()
	if st.SlowDowns+st.Resets+st.MidBodyResets+st.Stalls == 0 {
		t.Fatalf("the proxy injected no faults: %+v", st)
	}
	if got := publishedContacts(t, faulty); got != want {
		t.Errorf("output through faults differs from the clean run")
	}
	t.Logf("faulty run: %d requests, %d slowdowns, %d resets, %d mid-body resets, %d stalls", st.Requests, st.SlowDowns, st.Resets, st.MidBodyResets, st.Stalls)

	// 4. Faults beyond the retry budget during publish: the run fails
	// cleanly and the re-published run id shows no _SUCCESS.
	broken, err := faultproxy.New(endpoint, faultproxy.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer broken.Close()
	failing := s3RunContext(t, s3RunConfig(t, broken.URL(), bucket, "failing"))
	for _, s := range []etl.Stage{extract.Stage{}, Normalize{}, Dedupe{}} {
		if _, err := etl.RunStage(ctx, failing, s); err != nil {
			t.Fatal(err)
		}
	}
	broken.SetConfig(faultproxy.Config{Seed: 1, SlowDown: 1})
	start := time.Now()
	if _, err := etl.RunStage(ctx, failing, publishStage()); err == nil {
		t.Fatal("publish succeeded although every request failed")
	}
	t.Logf("publish gave up after %v", time.Since(start))
	_, err = raw.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("failing/out/" + etl.RunPrefix(failing.RunID) + "_SUCCESS")})
	if err == nil {
		t.Fatal("a failed publish left _SUCCESS")
	}
}
