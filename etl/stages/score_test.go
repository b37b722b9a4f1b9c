package stages

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/leadsmith/leadsmith/etl"
)

var updateGolden = flag.Bool("update", false, "rewrite golden files")

// TestScore_GoldenThroughRun runs the small fixture through every stage
// and compares what sales would act on, entity by entity, with a reviewed
// golden file (go test -run Golden ./etl/ -update rewrites it).
func TestScore_GoldenThroughRun(t *testing.T) {
	rc := newTestRun(t)
	rc.AsOf = time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC) // as with --as-of 2026-11-23T06:00:00Z
	ctx := context.Background()
	if err := etl.RunPipeline(ctx, rc, Pipeline()); err != nil {
		t.Fatal(err)
	}
	m := readManifest(t, rc)
	var lines []string
	for _, r := range readRows(t, rc.Output, m.Datasets["contacts"].Files) {
		lines = append(lines, fmt.Sprintf("%-26s fit %3s/%s eng %7s/%s rank %s mql %-5s funnel %-13s queue %-12s owner %-6s sla %-20s | %s",
			r["email_norm"], r["fit_score"], r["fit_grade"], round2(r["engagement_score"]), r["engagement_grade"], r["lead_rank"],
			r["is_mql"], r["funnel_stage"], r["queue"], r["owner"], r["sla_due_at"], r["route_reason"]))
	}
	sort.Strings(lines)
	// The segment is the partition folder, not a column.
	var segs []string
	for _, f := range m.Datasets["contacts"].Files {
		segs = append(segs, strings.Split(f.Key, "/")[2])
	}
	sort.Strings(segs)
	got := strings.Join(lines, "\n") + "\n\npartitions: " + strings.Join(segs, " ") + "\n"
	path := filepath.Join("testdata", "golden", "score_contacts.txt")
	if *updateGolden {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("scored contacts differ from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
	// Routing lists every entity once.
	routes := readRows(t, rc.Output, m.Datasets["routing"].Files)
	if len(routes) != len(lines) {
		t.Errorf("routing has %d rows for %d entities", len(routes), len(lines))
	}
}

func round2(s string) string {
	var f float64
	if _, err := fmt.Sscan(s, &f); err != nil {
		return s
	}
	return fmt.Sprintf("%.2f", f)
}

// TestScore_OwnersStickAcrossRuns publishes two nights: the second keeps
// every owner the first assigned.
func TestScore_OwnersStickAcrossRuns(t *testing.T) {
	rc := newTestRun(t)
	ctx := context.Background()
	if err := etl.RunPipeline(ctx, rc, Pipeline()); err != nil {
		t.Fatal(err)
	}
	first := ownersOf(t, rc)
	if len(first) == 0 {
		t.Fatal("the first run assigned no owner")
	}
	next := *rc
	next.RunID, next.RunDate = "2026-11-24", rc.RunDate.AddDate(0, 0, 1)
	next.AsOf = etl.DefaultAsOf(next.RunDate)
	if err := etl.RunPipeline(ctx, &next, Pipeline()); err != nil {
		t.Fatal(err)
	}
	second := ownersOf(t, &next)
	for id, owner := range first {
		if second[id] != owner {
			t.Errorf("entity %s: owner %q became %q", id, owner, second[id])
		}
	}
}

func ownersOf(t *testing.T, rc *etl.RunContext) map[string]string {
	t.Helper()
	m := readManifest(t, rc)
	out := map[string]string{}
	for _, r := range readRows(t, rc.Output, m.Datasets["routing"].Files) {
		if r["owner"] != "" {
			out[r["entity_id"]] = r["owner"]
		}
	}
	return out
}
