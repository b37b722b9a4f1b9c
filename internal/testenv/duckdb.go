package testenv

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// DuckResult is one statement's result as scripts/duckdb-query.mjs prints it.
type DuckResult struct {
	Columns []string         `json:"columns"`
	Types   []string         `json:"types"`
	Rows    []map[string]any `json:"rows"`
}

// DuckQuery runs SQL through DuckDB (the npm package that scripts/test.sh
// installs), the way a BI tool reads leadsmith's Parquet. Without DuckDB
// the test is skipped on a developer's machine and fails in CI.
func DuckQuery(tb testing.TB, sql ...string) []DuckResult {
	tb.Helper()
	root := RepoRoot(tb)
	if _, err := os.Stat(filepath.Join(root, "node_modules", "@duckdb", "node-api")); err != nil {
		Missing(tb, "DuckDB (@duckdb/node-api) is not installed in %s: scripts/setup-test-tools.sh installs it with npm", root)
	}
	cmd := exec.Command("node", append([]string{filepath.Join(root, "scripts", "duckdb-query.mjs")}, sql...)...)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		tb.Fatalf("duckdb: %v: %s", err, stderr)
	}
	var res []DuckResult
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var r DuckResult
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			tb.Fatalf("duckdb output %q: %v", line, err)
		}
		res = append(res, r)
	}
	return res
}
