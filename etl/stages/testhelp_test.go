package stages

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/storage"
)

// newDirRun writes files (relative path -> content) and a config into a
// fresh folder and returns a RunContext for it. configYAML holds the
// sources and any other sections; work, output and state are added. The
// logger writes to logw (io.Discard when nil).
func newDirRun(t testing.TB, configYAML string, files map[string][]byte, logw io.Writer) *etl.RunContext {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfgPath := filepath.Join(dir, "leadsmith.yaml")
	text := "version: 1\nwork: ./_work\noutput: ./_output\nstate: ./_state\n" + configYAML
	if err := os.WriteFile(cfgPath, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := etl.LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if errs := cfg.Validate(); len(errs) > 0 {
		t.Fatal(errs)
	}
	return testRunContext(cfg, logw)
}

// testRunContext is the RunContext of a test run of cfg on local folders.
func testRunContext(cfg *etl.Config, logw io.Writer) *etl.RunContext {
	if logw == nil {
		logw = io.Discard
	}
	work, _ := storage.NewLocalStore(cfg.Resolve(cfg.Work))
	out, _ := storage.NewLocalStore(cfg.Resolve(cfg.Output))
	state, _ := storage.NewLocalStore(cfg.Resolve(cfg.State))
	return &etl.RunContext{
		Config: cfg, RunID: "2026-11-23", RunDate: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), AsOf: etl.DefaultAsOf(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)),
		Work: work, Output: out, State: state,
		Log:         slog.New(slog.NewTextHandler(logw, nil)),
		Progress:    etl.NoProgress,
		PoisonPools: true,
	}
}
