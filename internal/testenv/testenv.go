// Package testenv tells tests where the repository root is and whether the
// outside tools they need (the S3 server, DuckDB) must be present. It is for
// tests only and knows nothing of leadsmith itself.
//
// A tool is required when CI=true or when scripts/test.sh runs the tests
// (it sets LEADSMITH_REQUIRE_TEST_TOOLS=1 after installing them), so a test
// that cannot find its tool fails there instead of skipping quietly; a
// plain `go test` on a developer's machine skips.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// ToolsRequired reports whether a missing test tool is a failure.
func ToolsRequired() bool {
	return os.Getenv("CI") == "true" || os.Getenv("LEADSMITH_REQUIRE_TEST_TOOLS") == "1"
}

// Missing fails the test when tools are required and skips it otherwise.
func Missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if ToolsRequired() {
		tb.Fatalf(format, args...)
	}
	tb.Skipf(format, args...)
}

// RepoRoot is the directory holding go.mod, found by walking up from the
// test's working directory (its package directory).
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("testenv: no go.mod above the test's directory")
		}
		dir = parent
	}
}
