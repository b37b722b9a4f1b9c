package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/stages"
	"github.com/leadsmith/leadsmith/etl/storage"
	"github.com/spf13/cobra"
)

type runFlags struct {
	config string
	runID  string
	date   string
	asOf   string
	force  bool
	// fullRefresh reads every object of every source (etl.RunContext.FullRefresh).
	fullRefresh bool
}

func addRunFlags(cmd *cobra.Command, f *runFlags) {
	cmd.Flags().StringVarP(&f.config, "config", "c", "leadsmith.yaml", "config file")
	cmd.Flags().StringVar(&f.date, "date", "", "run date, YYYY-MM-DD (default: the --as-of date, else today, UTC)")
	cmd.Flags().StringVar(&f.asOf, "as-of", "", "RFC 3339 time the run's data is as of; later events are ignored (default: the run date's last microsecond)")
	cmd.Flags().StringVar(&f.runID, "run-id", "", "run id (default: the run date)")
	cmd.Flags().BoolVar(&f.force, "force", false, "redo stages already committed for this run id")
	cmd.Flags().BoolVar(&f.fullRefresh, "full-refresh", false, "rebuild from every object of every source instead of only new or changed ones; entity ids are kept")
}

func newRunCmd(g *globalFlags, stdout, stderr io.Writer) *cobra.Command {
	f := &runFlags{}
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run every stage for one run date and publish the outputs",
		Long: "Run every stage in order for one run id, skipping stages already committed for it\n" +
			"with the same config (unless --force), and publish with _SUCCESS written last.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rc, err := prepare(cmd.Context(), g, f, stderr)
			if err != nil {
				return err
			}
			ctx, release, err := lockRun(cmd.Context(), rc, "run")
			if err != nil {
				return err
			}
			defer release()
			start := time.Now()
			if err := etl.RunPipeline(ctx, rc, stages.Pipeline()); err != nil {
				return failedErr(err)
			}
			printRunSummary(ctx, stdout, rc, time.Since(start))
			return nil
		},
	}
	addRunFlags(cmd, f)
	return cmd
}

func stageCommands() []etl.Stage { return stages.Pipeline() }

// stageSummary is a stage's one-line help.
func stageSummary(st etl.Stage) string {
	if s, ok := st.(interface{ Summary() string }); ok {
		return s.Summary()
	}
	return "Run the " + st.Name() + " stage"
}

func newStageCmd(g *globalFlags, stdout, stderr io.Writer, st etl.Stage) *cobra.Command {
	f := &runFlags{}
	cmd := &cobra.Command{
		Use:   st.Name(),
		Short: stageSummary(st),
		Long: stageSummary(st) + ".\nRuns this stage alone for one run id (always redone), reading the committed\n" +
			"output of the stages before it from the work area.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rc, err := prepare(cmd.Context(), g, f, stderr)
			if err != nil {
				return err
			}
			ctx, release, err := lockRun(cmd.Context(), rc, st.Name())
			if err != nil {
				return err
			}
			defer release()
			start := time.Now()
			res, err := etl.RunStage(ctx, rc, st)
			if err != nil {
				return failedErr(err)
			}
			printStageSummary(ctx, stdout, rc, res, time.Since(start))
			return nil
		},
	}
	addRunFlags(cmd, f)
	cmd.Flags().Lookup("force").Usage = "accepted for symmetry with run; a single stage is always redone"
	return cmd
}

// prepare loads and validates everything before any work: a bad config
// or flag exits 2, an unreachable location exits 1.
func prepare(ctx context.Context, g *globalFlags, f *runFlags, stderr io.Writer) (*etl.RunContext, error) {
	log, terminal, err := newLogger(g, stderr)
	if err != nil {
		return nil, err
	}
	cfg, err := loadConfig(f.config)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	date := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if f.date != "" {
		date, err = time.Parse("2006-01-02", f.date)
		if err != nil {
			return nil, usageErr(fmt.Errorf("--date: %q is not a date like 2026-11-23", f.date))
		}
	}
	asOf := etl.DefaultAsOf(date)
	if f.asOf != "" {
		if asOf, err = etl.ParseAsOf(f.asOf); err != nil {
			return nil, usageErr(err)
		}
		if f.date == "" {
			date = asOf.Truncate(24 * time.Hour) // the as-of's UTC date
		}
	}
	runID := f.runID
	if runID == "" {
		runID = date.Format("2006-01-02")
	}
	if err := etl.ValidateRunID(runID); err != nil {
		return nil, usageErr(err)
	}
	stores, err := openStores(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if errs := etl.ValidateData(ctx, cfg); len(errs) > 0 {
		return nil, usageErr(joinProblems(f.config, errs))
	}
	return &etl.RunContext{
		Config: cfg, RunID: runID, RunDate: date, AsOf: asOf,
		Work: stores[0], Output: stores[1], State: stores[2],
		Log: log, Force: f.force, FullRefresh: f.fullRefresh,
		Progress: etl.NewProgressFunc(stderr, terminal, log, 5*time.Second),
	}, nil
}

// loadConfig reads and validates a config file: a problem exits 2.
func loadConfig(path string) (*etl.Config, error) {
	cfg, err := etl.LoadConfig(path)
	if err != nil {
		return nil, usageErr(err)
	}
	if errs := cfg.Validate(); len(errs) > 0 {
		return nil, usageErr(joinProblems(path, errs))
	}
	return cfg, nil
}

// openStores opens the config's work, output and state locations: one
// that cannot be reached exits 1.
func openStores(ctx context.Context, cfg *etl.Config) ([3]storage.Store, error) {
	var stores [3]storage.Store
	for i, loc := range []string{cfg.Work, cfg.Output, cfg.State} {
		s, err := storage.Open(ctx, cfg.Resolve(loc), cfg.S3)
		if err != nil {
			return stores, failedErr(err)
		}
		stores[i] = s
	}
	return stores, nil
}

func joinProblems(path string, errs []error) error {
	lines := make([]string, len(errs))
	for i, e := range errs {
		lines[i] = "  " + e.Error()
	}
	return errors.New(fmt.Sprintf("config %s has %d problem(s):\n", path, len(errs)) + strings.Join(lines, "\n"))
}
