package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/fixtures"
	"github.com/leadsmith/leadsmith/fixtures/feed"
)

// TestCLI_FixturesNights_RunReadsEveryNight generates a feed of three
// nights and runs the whole pipeline over the config it writes: every row
// of every night is read and reconciled, and the run commits.
func TestCLI_FixturesNights_RunReadsEveryNight(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := runCLI(t, "fixtures", "generate", "--nights", "3", "--contacts", "2000", "--seed", "5", "--out", dir, "--log-format", "json")
	if code != exitOK || !strings.Contains(stdout, "wrote 3 nights (2026-11-22 to 2026-11-24)") {
		t.Fatalf("generate: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	cfg := filepath.Join(dir, "leadsmith.yaml")
	text, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"night 1 = 2026-11-22/", "night 3 = 2026-11-24/", "glob: crm/**/*.csv.gz", "glob: purchased/**/list_*.parquet", "glob: activities/**/*.csv.gz"} {
		if !bytes.Contains(text, []byte(want)) {
			t.Errorf("config lacks %q:\n%s", want, text)
		}
	}

	// What the files hold, by source: the truth file lists every record.
	tf, err := os.Open(filepath.Join(dir, filepath.FromSlash(feed.TruthFile)))
	if err != nil {
		t.Fatal(err)
	}
	truth, err := csv.NewReader(tf).ReadAll()
	tf.Close()
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]int64{}
	for _, r := range truth[1:] {
		rows[r[2]]++
	}
	rows["activities"] = 6000 + 2*33 // night 1: three per contact; later nights: 6000/180 each
	// The reference account files, written once, are read as sources too.
	for _, a := range fixtures.AccountSources() {
		af, err := os.Open(filepath.Join(dir, filepath.FromSlash(a.Glob)))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(af).ReadAll()
		af.Close()
		if err != nil {
			t.Fatal(err)
		}
		rows[a.Name] = int64(len(recs) - 1)
	}

	code, _, stderr = runCLI(t, "run", "--config", cfg, "--date", "2026-11-24", "--log-format", "json")
	if code != exitOK {
		t.Fatalf("run: exit %d, stderr:\n%s", code, stderr)
	}
	runs := filepath.Join(dir, "_output", "_runs", "2026-11-24")
	if _, err := os.Stat(filepath.Join(runs, "_SUCCESS")); err != nil {
		t.Fatalf("the run did not commit: %v", err)
	}
	raw, err := os.ReadFile(filepath.Join(runs, "_manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m etl.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Sources) != len(rows) {
		t.Fatalf("manifest lists %d sources, want %d", len(m.Sources), len(rows))
	}
	for _, s := range m.Sources {
		if !s.Reconciled || s.RowsRead != rows[s.Name] {
			t.Errorf("source %s: read %d (staged %d, rejected %d, reconciled %v), the feed holds %d",
				s.Name, s.RowsRead, s.RowsStaged, s.RowsRejected, s.Reconciled, rows[s.Name])
		}
	}
}

func TestCLI_FixturesNights_Flags(t *testing.T) {
	out := t.TempDir()
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--nights", "0"}, "--nights: must be 1 or more"},
		{[]string{"--night-contacts", "5"}, "--night-contacts: only with --nights 2 or more"},
		{[]string{"--nights", "2", "--night-updates", "1.5"}, "--night-updates: must be in [0, 1]"},
		{[]string{"--nights", "2", "--night-updates", "0.9", "--night-deletes", "0.2"}, "must be at most 1"},
		{[]string{"--nights", "2", "--night-contacts", "-1"}, "--night-contacts: must be positive"},
	} {
		code, _, stderr := runCLI(t, append([]string{"fixtures", "generate", "--out", out}, tc.args...)...)
		if code != exitUsage || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q, want %d and %q", tc.args, code, stderr, exitUsage, tc.msg)
		}
	}
}

// --nights 1 is the generation without --nights, byte for byte.
func TestCLI_FixturesNights_OneNightIsToday(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, args := range [][]string{
		{"fixtures", "generate", "--contacts", "400", "--seed", "8", "--out", a},
		{"fixtures", "generate", "--contacts", "400", "--seed", "8", "--out", b, "--nights", "1"},
	} {
		if code, _, stderr := runCLI(t, args...); code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	var files []string
	filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(a, p)
			files = append(files, rel)
		}
		return err
	})
	if len(files) != 10 { // 7 data files, 2 account files, leadsmith.yaml
		t.Fatalf("one night wrote %v", files)
	}
	for _, f := range files {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, err := os.ReadFile(filepath.Join(b, f))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs with --nights 1 (%v)", f, err)
		}
	}
	if _, err := os.Stat(filepath.Join(b, "truth")); err == nil {
		t.Error("--nights 1 wrote a truth folder")
	}
}
