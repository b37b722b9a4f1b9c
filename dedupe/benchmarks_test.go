package dedupe

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// benchmarksDir finds the public benchmark data: absent on a user's
// machine (skip), always present in CI (fail if not).
func benchmarksDir(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join("..", "..", "shared", "benchmarks")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("benchmark data missing at %s in CI: %v", dir, err)
		}
		tb.Skipf("benchmark data not found at %s (it is only shipped to CI and dev machines): %v", dir, err)
	}
	return dir
}

// loadCSV reads a benchmark CSV into a Table, trimming values (febrl3
// pads them with a space, which the real pipeline trims in normalize).
func loadCSV(tb testing.TB, name, idCol string) *Table {
	tb.Helper()
	f, err := os.Open(filepath.Join(benchmarksDir(tb), name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	rows, err := r.ReadAll()
	if err != nil {
		tb.Fatalf("read %s: %v", name, err)
	}
	header := rows[0]
	t := &Table{Cols: map[string][]string{}}
	idIdx := -1
	for c, h := range header {
		header[c] = strings.TrimSpace(h)
		if header[c] == idCol {
			idIdx = c
		}
	}
	if idIdx < 0 {
		tb.Fatalf("%s: no id column %q", name, idCol)
	}
	for _, row := range rows[1:] {
		t.IDs = append(t.IDs, strings.TrimSpace(row[idIdx]))
		for c, h := range header {
			if c != idIdx {
				t.Cols[h] = append(t.Cols[h], strings.TrimSpace(row[c]))
			}
		}
	}
	return t
}

// loadFebrl3 returns the table (with an `entity` truth column) and the
// truth labels: rec-N-org and rec-N-dup-k are entity rec-N.
func loadFebrl3(tb testing.TB) (*Table, []string) {
	t := loadCSV(tb, "febrl3.csv", "rec_id")
	truth := make([]string, len(t.IDs))
	for i, id := range t.IDs {
		if k := strings.Index(id, "-org"); k > 0 {
			truth[i] = id[:k]
		} else if k := strings.Index(id, "-dup-"); k > 0 {
			truth[i] = id[:k]
		} else {
			truth[i] = id
		}
	}
	t.Cols["entity"] = truth
	return t, truth
}

func loadFake1000(tb testing.TB) (*Table, []string) {
	t := loadCSV(tb, "fake_1000.csv", "unique_id")
	return t, t.Cols["cluster"]
}

func loadBenchmarkSettings(tb testing.TB, name string) Settings {
	tb.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "fixtures", "benchmarks", name))
	if err != nil {
		tb.Fatal(err)
	}
	s, err := ParseSettings(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// runPipeline trains without labels, predicts, clusters at the configured
// threshold and evaluates.
func runPipeline(tb testing.TB, t *Table, truth []string, s Settings) (Metrics, *Pairs, *Model) {
	tb.Helper()
	model, tr, err := Train(t, s)
	if err != nil {
		tb.Fatal(err)
	}
	pairs, br := mustPredict(tb, model, t)
	cl, err := Cluster(pairs, t.Len(), model.Settings.Threshold, model.Settings.MaxClusterSize)
	if err != nil {
		tb.Fatal(err)
	}
	m, err := Evaluate(cl.Cluster, truth)
	if err != nil {
		tb.Fatal(err)
	}
	if testing.Verbose() {
		tb.Logf("train: prior=%.3g candidates=%.0f share=%.3f rules=%+v untrained=%v", tr.Prior, tr.CandidatePairs, tr.CandidateMatchShare, tr.Rules, tr.Untrained)
		for _, c := range model.Comparisons {
			var b strings.Builder
			for _, l := range c.Levels {
				b.WriteString(l.Label)
				if !l.Null {
					b.WriteString(" m=" + ftoa(l.M) + " u=" + ftoa(l.U) + " w=" + ftoa(l.Weight()))
				}
				b.WriteString("; ")
			}
			tb.Logf("  %s: %s", c.Name, b.String())
		}
		tb.Logf("blocking: total=%d rules=%+v", br.TotalPairs, br.Rules)
	}
	tb.Logf("pairwise P=%.4f R=%.4f F1=%.4f; B-cubed P=%.4f R=%.4f F1=%.4f; %d candidate pairs",
		m.Precision, m.Recall, m.F1, m.BCubedPrecision, m.BCubedRecall, m.BCubedF1, pairs.Len())
	return m, pairs, model
}

func ftoa(f float64) string { return strings.TrimRight(strings.TrimRight(fmtG(f), "0"), ".") }

func TestBenchmark_Febrl3F1(t *testing.T) {
	tab, truth := loadFebrl3(t)
	m, _, _ := runPipeline(t, tab, truth, loadBenchmarkSettings(t, "febrl3.yaml"))
	if m.F1 < 0.99 {
		t.Errorf("febrl3 pairwise F1 = %.4f (P %.4f R %.4f), want >= 0.99", m.F1, m.Precision, m.Recall)
	}
}

func TestBenchmark_SweepChartsBothDataSets(t *testing.T) {
	for _, name := range []string{"febrl3", "fake_1000"} {
		var tab *Table
		var truth []string
		if name == "febrl3" {
			tab, truth = loadFebrl3(t)
		} else {
			tab, truth = loadFake1000(t)
		}
		_, pairs, model := runPipeline(t, tab, truth, loadBenchmarkSettings(t, name+".yaml"))
		sweep, err := Sweep(pairs, truth, DefaultSweepThresholds, model.Settings.MaxClusterSize)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range sweep {
			t.Logf("%s threshold %.3f: P=%.4f R=%.4f F1=%.4f clusters=%d", name, p.Threshold, p.Precision, p.Recall, p.F1, p.Clusters)
		}
		// Recall can only fall as the threshold rises: fewer links.
		for k := 1; k < len(sweep); k++ {
			if sweep[k].Recall > sweep[k-1].Recall+1e-12 {
				t.Errorf("%s: recall rose from %.4f to %.4f between thresholds %v and %v", name, sweep[k-1].Recall, sweep[k].Recall, sweep[k-1].Threshold, sweep[k].Threshold)
			}
		}
		f, err := os.Create(filepath.Join(t.TempDir(), name+".svg"))
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteSweepSVG(f, sweep); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkPipelineFebrl3 times train, predict, cluster and evaluate on
// febrl3: go test -run '^$' -bench PipelineFebrl3 ./dedupe/
func BenchmarkPipelineFebrl3(b *testing.B) {
	tab, truth := loadFebrl3(b)
	s := loadBenchmarkSettings(b, "febrl3.yaml")
	for n := 0; n < b.N; n++ {
		runPipeline(b, tab, truth, s)
	}
}

func TestBenchmark_Fake1000F1(t *testing.T) {
	tab, truth := loadFake1000(t)
	m, _, _ := runPipeline(t, tab, truth, loadBenchmarkSettings(t, "fake_1000.yaml"))
	if m.F1 < 0.95 {
		t.Errorf("fake_1000 pairwise F1 = %.4f (P %.4f R %.4f), want >= 0.95", m.F1, m.Precision, m.Recall)
	}
}

func fmtG(f float64) string { return strconv.FormatFloat(f, 'f', 4, 64) }
