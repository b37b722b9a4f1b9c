package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func testConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("LEADSMITH_TEST_WORK", filepath.Join(dir, "work"))
	t.Setenv("LEADSMITH_TEST_OUTPUT", filepath.Join(dir, "out"))
	t.Setenv("LEADSMITH_TEST_STATE", filepath.Join(dir, "state"))
	return filepath.Join("..", "..", "etl", "stages", "testdata", "pipeline", "leadsmith.yaml")
}

func TestCLI_ExitCodes(t *testing.T) {
	cfg := testConfig(t)
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("sources:\n  - name: x\n    uri: ./nowhere\n    format: xml\nwork: w\noutput: o\nstate: s\n"), 0o644)
	tests := []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"unknown flag", []string{"run", "--bogus"}, exitUsage, "unknown flag: --bogus"},
		{"unknown command", []string{"frobnicate"}, exitUsage, "unknown command"},
		{"bad date", []string{"run", "--config", cfg, "--date", "23/11/2026"}, exitUsage, "--date"},
		{"bad as-of", []string{"run", "--config", cfg, "--as-of", "2026-11-23"}, exitUsage, "--as-of"},
		{"as-of dates the run", []string{"run", "--config", cfg, "--as-of", "2026-11-21T12:00:00Z", "--run-id", "asof"}, exitOK, ""},
		{"bad run id", []string{"run", "--config", cfg, "--run-id", "../etc"}, exitUsage, "--run-id"},
		{"missing config", []string{"run", "--config", "/nonexistent/leadsmith.yaml"}, exitUsage, "no such file"},
		{"bad config", []string{"config", "validate", "--config", bad}, exitUsage, `sources[0].format: must be auto, csv, jsonl or parquet, got "xml"`},
		{"publish before extract", []string{"publish", "--config", cfg, "--run-id", "never-extracted"}, exitFailed, "needs the output of stage extract"},
		{"valid config", []string{"config", "validate", "--config", cfg}, exitOK, ""},
		{"run", []string{"run", "--config", cfg, "--date", "2026-11-23", "--log-format", "json"}, exitOK, `"msg":"stage finished"`},
		{"extract alone", []string{"extract", "--config", cfg, "--run-id", "r2"}, exitOK, ""},
		{"publish alone", []string{"publish", "--config", cfg, "--run-id", "r2"}, exitOK, ""},
		{"version", []string{"version"}, exitOK, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			if !strings.Contains(stderr, tc.inStderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.inStderr, stderr)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(os.Getenv("LEADSMITH_TEST_OUTPUT"), "_runs", "r2", "_SUCCESS")); err != nil {
		t.Errorf("stage-by-stage run did not publish: %v", err)
	}
	if m, err := os.ReadFile(filepath.Join(os.Getenv("LEADSMITH_TEST_OUTPUT"), "_runs", "asof", "_manifest.json")); err != nil || !bytes.Contains(m, []byte(`"run_date": "2026-11-21"`)) {
		t.Errorf("--as-of 2026-11-21T12:00:00Z without --date: manifest %s (%v)", m, err)
	}
}

// TestCLI_LogsCarryNoPersonalData runs the pipeline with debug logs and
// checks that no value of the input data reaches them.
func TestCLI_LogsCarryNoPersonalData(t *testing.T) {
	cfg := testConfig(t)
	code, _, stderr := runCLI(t, "run", "--config", cfg, "--log-level", "debug", "--log-format", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, pii := range []string{"ada@", "Lovelace", "Turing", "Hopper", "linus@", "Torvalds", "Babs"} {
		if strings.Contains(stderr, pii) {
			t.Errorf("logs contain %q", pii)
		}
	}
	if !strings.Contains(stderr, `"rows_read"`) || !strings.Contains(stderr, `"duration_ms"`) {
		t.Errorf("logs lack counts and durations:\n%s", stderr)
	}
}
