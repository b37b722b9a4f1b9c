package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/leadsmith/leadsmith/internal/browser"
	"github.com/leadsmith/leadsmith/internal/testenv"
	"github.com/leadsmith/leadsmith/report/reporttest"
)

// copyDemo copies the bundled demo (its sources and config, not what
// earlier runs left beside them) into a temporary folder.
func copyDemo(t *testing.T) string {
	t.Helper()
	src := filepath.Join(testenv.RepoRoot(t), "fixtures", "demo")
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() && strings.HasPrefix(d.Name(), "_") {
			return filepath.SkipDir
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// demoCharts are the charts of the demo's report: every chart but rejects
// (the demo's sources have none).
var demoCharts = []string{
	"stage-durations", "completeness", "dq-issues",
	"blocking-rules", "parameters", "weight-histogram", "cluster-sizes", "em-deltas", "pr-curve",
	"lead-ranks", "funnel-stages", "segments", "queues", "owners",
	"match-methods", "account-tiers",
}

// TestDemoReport runs the demo as the README says, opens its report in
// headless Chromium, and checks the report's numbers against the
// published Parquet as DuckDB reads it; then renders it again with
// `leadsmith report` and draws a pair's waterfall with `explain --html`.
func TestDemoReport(t *testing.T) {
	dir := copyDemo(t)
	cfg := filepath.Join(dir, "leadsmith.yaml")
	code, stdout, stderr := runCLI(t, "run", "--config", cfg, "--date", "2026-11-23")
	if code != exitOK {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	page := filepath.Join(dir, "_output", "_runs", "2026-11-23", "report.html")
	for _, want := range []string{"run 2026-11-23 committed", "manifest", page, "MQLs"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("run summary lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stderr, "report "+page) || strings.Contains(stdout, `"level"`) {
		t.Errorf("the summary goes to stdout and logs to stderr")
	}
	p := reporttest.Open(t, page)
	reporttest.CheckNoErrors(t, p)
	reporttest.CheckCharts(t, p, demoCharts)
	if out := os.Getenv("LEADSMITH_DEMO_SCREENSHOT"); out != "" {
		shot, err := p.Screenshot(1400)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out, shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reporttest.CheckScreenshot(t, p, 3000)

	out := filepath.Join(dir, "_output")
	contacts := fmt.Sprintf("read_parquet('%s/contacts/**/*.parquet', hive_partitioning=true)", out)
	res := testenv.DuckQuery(t,
		"select lead_rank, count(*)::BIGINT as n from "+contacts+" group by 1",
		"select count(*)::BIGINT as n, count(*) filter (where is_mql)::BIGINT as mqls, count(*) filter (where len(dq_issues) > 0)::BIGINT as dq from "+contacts,
		fmt.Sprintf("select count(*)::BIGINT as n from read_parquet('%s/accounts/**/*.parquet')", out),
		fmt.Sprintf("select value from read_parquet('%s/profile/**/*.parquet', hive_partitioning=true) where dataset = 'contacts' and \"column\" = 'lead_rank' and metric = 'count' and key = '1A'", out),
	)
	ranks, err := browser.Eval[map[string]string](p, `Object.fromEntries([...document.querySelectorAll('figure[data-chart="lead-ranks"] [data-label]')].map(g => [g.dataset.label, g.dataset.value]))`)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range res[0].Rows {
		rank, n := fmt.Sprint(row["lead_rank"]), fmt.Sprint(row["n"])
		if ranks[rank] != n {
			t.Errorf("lead rank %s: report %q, published contacts %s", rank, ranks[rank], n)
		}
	}
	metric := func(name string) string {
		v, err := browser.Eval[string](p, `document.querySelector('[data-metric="`+name+`"]').dataset.value`)
		if err != nil {
			t.Fatalf("metric %s: %v", name, err)
		}
		return v
	}
	tot := res[1].Rows[0]
	for name, want := range map[string]any{"contacts": tot["n"], "mqls": tot["mqls"], "accounts": res[2].Rows[0]["n"]} {
		if got := metric(name); got != fmt.Sprint(want) {
			t.Errorf("report %s = %s, published data %v", name, got, want)
		}
	}
	if dq, _ := strconv.Atoi(fmt.Sprint(tot["dq"])); dq == 0 {
		t.Error("no published contact carries dq_issues")
	}
	if len(res[3].Rows) != 1 || fmt.Sprint(res[3].Rows[0]["value"]) != ranks["1A"] {
		t.Errorf("profile dataset's 1A count %v, report %s", res[3].Rows, ranks["1A"])
	}

	// Re-rendering a committed run gives the same page.
	again := filepath.Join(t.TempDir(), "again.html")
	if code, _, stderr := runCLI(t, "report", "--config", cfg, "--run-id", "2026-11-23", "--out", again); code != exitOK {
		t.Fatalf("report: exit %d\n%s", code, stderr)
	}
	a, _ := os.ReadFile(page)
	b, _ := os.ReadFile(again)
	if string(a) != string(b) {
		t.Error("leadsmith report rendered the committed run's report differently")
	}
	if code, _, stderr := runCLI(t, "report", "--config", cfg, "--run-id", "never-ran"); code != exitFailed || !strings.Contains(stderr, "not committed") {
		t.Errorf("report of an unknown run: exit %d\n%s", code, stderr)
	}

	// A pair's waterfall as a chart.
	pair := testenv.DuckQuery(t, fmt.Sprintf(`select list(source || '/' || record_id order by source, record_id)[1:2] as ids
		from read_parquet('%s/record_map/**/*.parquet', hive_partitioning=true) group by entity_id having count(*) >= 2 order by entity_id limit 1`, out))
	ids, _ := pair[0].Rows[0]["ids"].([]any)
	if len(ids) != 2 {
		t.Fatalf("no entity with two records: %v", pair[0].Rows)
	}
	wf := filepath.Join(t.TempDir(), "pair.html")
	code, stdout, stderr = runCLI(t, "explain", "--config", cfg, "--run-id", "2026-11-23", "--pair", fmt.Sprintf("%v,%v", ids[0], ids[1]), "--html", wf)
	if code != exitOK || !strings.Contains(stdout, wf) {
		t.Fatalf("explain --html: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// A record id the run does not hold is bad usage: exit 2.
	if code, _, stderr := runCLI(t, "explain", "--config", cfg, "--run-id", "2026-11-23", "--pair", fmt.Sprintf("%v,nobody-at-all", ids[0])); code != exitUsage || !strings.Contains(stderr, "no record") {
		t.Errorf("explain with an unknown record: exit %d, want %d\n%s", code, exitUsage, stderr)
	}
	wp := reporttest.Open(t, wf)
	reporttest.CheckNoErrors(t, wp)
	reporttest.CheckCharts(t, wp, []string{"waterfall"})
}
