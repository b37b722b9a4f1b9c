package main

import (
	"context"
	"io"
	"testing"

	"github.com/spf13/cobra"
)

// --full-refresh is on run and on every stage command, and reaches the
// RunContext.
func TestCLI_FullRefreshFlag(t *testing.T) {
	const usage = "rebuild from every object of every source instead of only new or changed ones; entity ids are kept"
	root := newRootCmd(io.Discard, io.Discard)
	names := []string{"run"}
	for _, st := range stageCommands() {
		names = append(names, st.Name())
	}
	for _, name := range names {
		cmd, _, err := root.Find([]string{name})
		if err != nil || cmd.Name() != name {
			t.Fatalf("no command %s: %v", name, err)
		}
		f := cmd.Flags().Lookup("full-refresh")
		if f == nil || f.Usage != usage || f.DefValue != "false" {
			t.Errorf("%s: --full-refresh = %+v", name, f)
		}
	}

	cfg := testConfig(t)
	for _, full := range []bool{false, true} {
		f := &runFlags{}
		cmd := &cobra.Command{}
		addRunFlags(cmd, f)
		args := []string{"--config", cfg, "--date", "2026-11-23"}
		if full {
			args = append(args, "--full-refresh")
		}
		if err := cmd.ParseFlags(args); err != nil {
			t.Fatal(err)
		}
		rc, err := prepare(context.Background(), &globalFlags{logLevel: "info", logFormat: "json"}, f, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if rc.FullRefresh != full {
			t.Errorf("--full-refresh given %v: rc.FullRefresh = %v", full, rc.FullRefresh)
		}
	}
}
