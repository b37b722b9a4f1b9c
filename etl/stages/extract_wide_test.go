//go:build linux

package stages

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/extract"
)

// wideChildEnv names the config a child process of the test binary
// extracts; see TestExtract_WideCSVMemoryIsBounded.
const wideChildEnv = "LEADSMITH_TEST_WIDE_EXTRACT_CONFIG"

const wideCols, wideRows = 10000, 1000

// A CSV of 10,000 columns and 1,000 rows (78 MB) must extract in memory
// that grows with the data, not with columns times a fixed cost: 5.4 GiB
// of peak RSS when record batches had a fixed number of rows, 830 MiB
// while every column kept a Parquet column writer (and its pages) for the
// whole open row group, under 350 MiB since wide schemas are written a
// row group at a time (see columnar.ParquetWriter). The peak RSS is that
// of a child process (this test binary again) that does nothing but the
// extract, under the stage's own memory budget.
func TestExtract_WideCSVMemoryIsBounded(t *testing.T) {
	if cfg := os.Getenv(wideChildEnv); cfg != "" {
		extractWideChild(t, cfg)
		return
	}
	if testing.Short() {
		t.Skip("generates a 78 MB file")
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, "data", "wide.csv"))
	if err != nil {
		t.Fatal(err)
	}
	b := bufio.NewWriterSize(f, 1<<20)
	for i := 0; i < wideCols; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("col_" + strconv.Itoa(i))
	}
	b.WriteByte('\n')
	for r := 0; r < wideRows; r++ {
		for i := 0; i < wideCols; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("v" + strconv.Itoa(r) + "_" + strconv.Itoa(i%97))
		}
		b.WriteByte('\n')
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "leadsmith.yaml")
	text := "version: 1\nwork: ./_work\noutput: ./_output\nstate: ./_state\nsources:\n  - name: wide\n    uri: ./data\n"
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestExtract_WideCSVMemoryIsBounded$", "-test.count=1", "-test.v")
	// The settings that change how the collector paces the heap are the
	// stage's own (its memory budget), not whatever the caller's are.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOGC=") && !strings.HasPrefix(kv, "GOMEMLIMIT=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, wideChildEnv+"="+cfg)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("extract in a child process: %v\n%s", err, out)
	}
	// Without this line the child ran no extract (a -test.run that matched
	// nothing exits 0 too) and its peak says nothing.
	if !strings.Contains(string(out), "wide extract staged "+strconv.Itoa(wideRows)+" rows") {
		t.Fatalf("the child process did not report the extract:\n%s", out)
	}
	peak := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10 // KiB on Linux
	t.Logf("peak RSS of the extract of %d columns x %d rows: %d MiB", wideCols, wideRows, peak>>20)
	if peak >= 500<<20 {
		t.Errorf("peak RSS %d MiB, want under 500 MiB", peak>>20)
	}
}

// extractWideChild runs extract on cfg and reports the rows it staged.
func extractWideChild(t *testing.T, cfg string) {
	c, err := etl.LoadConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if errs := c.Validate(); len(errs) > 0 {
		t.Fatal(errs)
	}
	res, err := etl.RunStage(context.Background(), testRunContext(c, nil), extract.Stage{})
	if err != nil {
		t.Fatal(err)
	}
	if res.RowsOut != wideRows {
		t.Fatalf("staged %d rows, want %d", res.RowsOut, wideRows)
	}
	t.Logf("wide extract staged %d rows", res.RowsOut)
}
