package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCLI_Eval_TruthColumnsAreUsage: eval needs one truth flag or both,
// and a column the normalized records lack is bad usage, whichever flag
// names it.
func TestCLI_Eval_TruthColumnsAreUsage(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := runCLI(t, "fixtures", "generate", "--contacts", "300", "--seed", "3", "--out", dir); code != exitOK {
		t.Fatalf("generate: exit %d: %s", code, stderr)
	}
	cfg := filepath.Join(dir, "leadsmith.yaml")
	for _, stage := range []string{"extract", "normalize"} {
		if code, _, stderr := runCLI(t, stage, "--config", cfg, "--date", "2026-11-23"); code != exitOK {
			t.Fatalf("%s: exit %d: %s", stage, code, stderr)
		}
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{nil, "--truth-column or --account-truth-column: at least one is required"},
		{[]string{"--account-truth-column", "no_such_column"}, `--account-truth-column: "no_such_column" is not a column`},
		{[]string{"--truth-column", "nope", "--account-truth-column", "true_account_id"}, `--truth-column: "nope" is not a column`},
	} {
		args := append([]string{"eval", "--config", cfg, "--date", "2026-11-23"}, tc.args...)
		code, _, stderr := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q, want %d and %q", tc.args, code, stderr, exitUsage, tc.msg)
		}
	}
	// A known column passes the check; the evaluation then needs the
	// stages that have not run.
	code, _, stderr := runCLI(t, "eval", "--config", cfg, "--date", "2026-11-23", "--account-truth-column", "true_account_id")
	if code != exitFailed || !strings.Contains(stderr, "not committed") {
		t.Errorf("eval before dedupe and enrich: exit %d, stderr %q", code, stderr)
	}
}
