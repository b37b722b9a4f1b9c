package stages

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/leadsmith/leadsmith/etl"
	"gopkg.in/yaml.v3"
)

// attempts runs the pipeline and returns each stage's committed attempt.
func attempts(t *testing.T, rc *etl.RunContext) map[string]string {
	t.Helper()
	ctx := context.Background()
	if err := etl.RunPipeline(ctx, rc, Pipeline()); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, s := range Pipeline() {
		res, err := rc.Committed(ctx, s.Name())
		if err != nil || res == nil {
			t.Fatalf("%s not committed: %v", s.Name(), err)
		}
		out[s.Name()] = res.Attempt
	}
	return out
}

// redone lists the stages whose attempt changed between two runs.
func redone(before, after map[string]string) []string {
	var out []string
	for _, s := range Pipeline() {
		if before[s.Name()] != after[s.Name()] {
			out = append(out, s.Name())
		}
	}
	return out
}

func assertRedone(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s redid %v, want %v", what, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s redid %v, want %v", what, got, want)
		}
	}
}

func TestRunPipeline_SkipsOnlyWhatIsStale(t *testing.T) {
	rc := newTestRun(t)
	first := attempts(t, rc)

	again := attempts(t, rc)
	assertRedone(t, "an unchanged re-run", redone(first, again))

	// A dedupe setting changes dedupe and what follows, not extract.
	var node yaml.Node
	if err := yaml.Unmarshal([]byte("threshold: 0.95\n"), &node); err != nil {
		t.Fatal(err)
	}
	rc.Config.Dedupe = *node.Content[0]
	afterThreshold := attempts(t, rc)
	assertRedone(t, "a dedupe.threshold change", redone(again, afterThreshold), "dedupe", "enrich", "score", "profile", "publish")

	// Normalize re-run alone makes the next run redo what reads it.
	if _, err := etl.RunStage(context.Background(), rc, Normalize{}); err != nil {
		t.Fatal(err)
	}
	norm, _ := rc.Committed(context.Background(), "normalize")
	afterNormalize := attempts(t, rc)
	if afterNormalize["normalize"] != norm.Attempt {
		t.Fatal("the run redid normalize although its output was valid")
	}
	assertRedone(t, "a run after `leadsmith normalize`", redone(afterThreshold, afterNormalize), "normalize", "dedupe", "enrich", "score", "profile", "publish")

	// A new source object makes extract stale, and so everything after it.
	src := filepath.Join(filepath.Dir(rc.Config.Path()), "crm", "export.csv")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	extra := filepath.Join(t.TempDir(), "crm")
	if err := os.MkdirAll(extra, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"export.csv", "export-2.csv"} {
		if err := os.WriteFile(filepath.Join(extra, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rc.Config.Sources[0].URI = extra
	afterObject := attempts(t, rc)
	assertRedone(t, "a new source object", redone(afterNormalize, afterObject), "extract", "normalize", "dedupe", "enrich", "score", "profile", "publish")
}

func TestRunPipeline_RedoesPublishWhenItsCommitIsGone(t *testing.T) {
	rc := newTestRun(t)
	first := attempts(t, rc)
	if err := rc.Output.Delete(context.Background(), etl.RunPrefix(rc.RunID)+"_SUCCESS"); err != nil {
		t.Fatal(err)
	}
	assertRedone(t, "a run after _SUCCESS was withdrawn", redone(first, attempts(t, rc)), "publish")
}
