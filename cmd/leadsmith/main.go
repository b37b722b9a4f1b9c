// Command leadsmith turns messy B2B marketing contacts into clean,
// deduplicated, scored and routed Parquet. This file holds flags, config
// loading and exit codes; the work is in package etl and the stage packages.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes, for schedulers.
const (
	exitOK     = 0
	exitFailed = 1 // the run failed
	exitUsage  = 2 // bad usage or bad config
)

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(err error) error  { return &exitError{code: exitUsage, err: err} }
func failedErr(err error) error { return &exitError{code: exitFailed, err: err} }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the CLI and returns the exit code; tests call it directly.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, interrupted := catchSignals(context.Background())
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if interrupted() {
		// A signal always ends in failure, whatever the command made of the
		// cancelled context: a scheduler must never read success from a
		// run it stopped. Publish never commits after the signal.
		fmt.Fprintln(stderr, "leadsmith: interrupted: nothing more was committed for this run")
		return exitFailed
	}
	if err == nil {
		return exitOK
	}
	var ee *exitError
	code := exitUsage // cobra's own errors are flag and argument mistakes
	if errors.As(err, &ee) {
		code = ee.code
	}
	fmt.Fprintln(stderr, "leadsmith: "+err.Error())
	return code
}

// catchSignals returns a context that SIGINT or SIGTERM cancels, and a
// func that stops catching them and reports whether one came. After that
// func returns, a signal ends the process by its default action, which a
// scheduler sees as a failure: so there is no moment at which a signal
// leads to exit 0. signal.Stop delivers what was pending before it
// returns, so a signal is either seen here or meets the default action.
func catchSignals(parent context.Context) (context.Context, func() bool) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	ctx, cancel := context.WithCancel(parent)
	var got atomic.Bool
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		select {
		case <-sigs:
			got.Store(true)
			cancel()
		case <-done:
		}
	}()
	return ctx, func() bool {
		signal.Stop(sigs)
		close(done)
		<-exited
		cancel()
		return got.Load() || len(sigs) > 0
	}
}

type globalFlags struct {
	logLevel   string
	logFormat  string
	cpuProfile string
	memProfile string
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	g := &globalFlags{}
	root := &cobra.Command{
		Use:           "leadsmith",
		Short:         "Clean, deduplicate, score and route B2B marketing contacts into Parquet",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVar(&g.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	root.PersistentFlags().StringVar(&g.logFormat, "log-format", "auto", "log format: auto (text on a terminal, JSON otherwise), text or json")
	root.PersistentFlags().StringVar(&g.cpuProfile, "cpuprofile", "", "write a CPU profile to this file (for performance work)")
	root.PersistentFlags().StringVar(&g.memProfile, "memprofile", "", "write a heap profile to this file at exit")
	_ = root.PersistentFlags().MarkHidden("cpuprofile")
	_ = root.PersistentFlags().MarkHidden("memprofile")
	var stopProfile func()
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		var err error
		stopProfile, err = startProfiles(g)
		return err
	}
	root.PersistentPostRun = func(*cobra.Command, []string) {
		if stopProfile != nil {
			stopProfile()
		}
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErr(fmt.Errorf("%w (see `%s --help`)", err, c.CommandPath()))
	})
	root.AddCommand(newRunCmd(g, stdout, stderr))
	for _, st := range stageCommands() {
		if st.Name() == "score" {
			root.AddCommand(newScoreCmd(g, stdout, stderr, st))
			continue
		}
		root.AddCommand(newStageCmd(g, stdout, stderr, st))
	}
	root.AddCommand(newEvalCmd(g, stdout, stderr))
	root.AddCommand(newReportCmd(g, stdout, stderr))
	root.AddCommand(newExplainCmd(g, stdout, stderr))
	root.AddCommand(newStateCmd(g, stdout, stderr))
	root.AddCommand(newConfigCmd(stdout))
	root.AddCommand(newFixturesCmd(g, stdout, stderr))
	root.AddCommand(newVersionCmd(stdout))
	return root
}

func newLogger(g *globalFlags, w io.Writer) (*slog.Logger, bool, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(g.logLevel)); err != nil {
		return nil, false, usageErr(fmt.Errorf("--log-level: %q is not debug, info, warn or error", g.logLevel))
	}
	terminal := isTerminal(w)
	opts := &slog.HandlerOptions{Level: level}
	switch g.logFormat {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), terminal, nil
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), terminal, nil
	case "auto":
		if terminal {
			return slog.New(slog.NewTextHandler(w, opts)), true, nil
		}
		return slog.New(slog.NewJSONHandler(w, opts)), false, nil
	}
	return nil, false, usageErr(fmt.Errorf("--log-format: %q is not auto, text or json", g.logFormat))
}
