package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/stages"
	"github.com/spf13/cobra"
)

func newStateCmd(g *globalFlags, stdout, stderr io.Writer) *cobra.Command {
	state := &cobra.Command{
		Use:   "state",
		Short: "List the committed state versions, or roll the state back to one",
	}
	var config string
	list := &cobra.Command{
		Use:   "list",
		Short: "List the committed state versions, one per run date (the last 60 are kept)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rc, err := prepareState(cmd.Context(), g, config, stderr)
			if err != nil {
				return err
			}
			vs, err := etl.StateVersions(cmd.Context(), rc)
			if err != nil {
				return failedErr(err)
			}
			fmt.Fprintf(stdout, "%-12s %-24s %s\n", "run_date", "run_id", "attempt")
			for _, v := range vs {
				fmt.Fprintf(stdout, "%-12s %-24s %s\n", v.RunDate, v.RunID, v.Attempt)
			}
			return nil
		},
	}
	list.Flags().StringVarP(&config, "config", "c", "leadsmith.yaml", "config file")
	var to string
	rollback := &cobra.Command{
		Use:   "rollback --to RUN_ID",
		Short: "Undo every night committed after RUN_ID: the next run builds on RUN_ID's state",
		Long: "Undo every night committed after RUN_ID: their _SUCCESS is withdrawn, their files in\n" +
			"the date partitions are deleted (manifests stay, as a record) and their state versions\n" +
			"are dropped, so the next run builds on RUN_ID's state. Takes the run lock.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if to == "" {
				return usageErr(fmt.Errorf("--to: the run id to roll back to is required (see `leadsmith state list`)"))
			}
			rc, err := prepareState(cmd.Context(), g, config, stderr)
			if err != nil {
				return err
			}
			rc.RunID = to
			ctx, release, err := lockRun(cmd.Context(), rc, "state rollback")
			if err != nil {
				return err
			}
			defer release()
			undone, err := etl.Rollback(ctx, rc, to, etl.PublishedNames(stages.Pipeline()))
			if err != nil {
				return failedErr(err)
			}
			if len(undone) == 0 {
				fmt.Fprintf(stdout, "nothing to undo: %s is the latest committed night\n", to)
			}
			for _, v := range undone {
				fmt.Fprintf(stdout, "undone: run %s of %s\n", v.RunID, v.RunDate)
			}
			return nil
		},
	}
	rollback.Flags().StringVarP(&config, "config", "c", "leadsmith.yaml", "config file")
	rollback.Flags().StringVar(&to, "to", "", "the run id whose state the next run builds on")
	state.AddCommand(list, rollback)
	return state
}

// prepareState loads the config and opens its work, output and state
// locations, for commands that touch no source.
func prepareState(ctx context.Context, g *globalFlags, config string, stderr io.Writer) (*etl.RunContext, error) {
	log, _, err := newLogger(g, stderr)
	if err != nil {
		return nil, err
	}
	cfg, err := loadConfig(config)
	if err != nil {
		return nil, err
	}
	stores, err := openStores(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &etl.RunContext{Config: cfg, RunID: "state", RunDate: time.Now().UTC().Truncate(24 * time.Hour),
		Work: stores[0], Output: stores[1], State: stores[2], Log: log, Progress: etl.NoProgress}, nil
}
