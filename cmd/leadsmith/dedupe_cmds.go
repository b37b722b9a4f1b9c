package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/stages"
	"github.com/spf13/cobra"
)

func newEvalCmd(g *globalFlags, stdout, stderr io.Writer) *cobra.Command {
	f := &runFlags{}
	var truth string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Measure a run's deduplication against a ground-truth column",
		Long: "Compare the run's clusters with a ground-truth column (never used for matching):\n" +
			"pairwise and B-cubed precision, recall and F1, a threshold sweep over the run's scored\n" +
			"pairs, and a precision-recall chart (SVG) in the work area.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if truth == "" {
				return usageErr(fmt.Errorf("--truth-column: required"))
			}
			rc, err := prepare(cmd.Context(), g, f, stderr)
			if err != nil {
				return err
			}
			rep, err := stages.Evaluate(cmd.Context(), rc, truth)
			if err != nil {
				return failedErr(err)
			}
			if asJSON {
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(rep)
			}
			rep.WriteText(stdout, rc.Work.URI())
			return nil
		},
	}
	addRunFlags(cmd, f)
	cmd.Flags().StringVar(&truth, "truth-column", "", "ground-truth entity column of the records (e.g. true_entity_id)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

func newExplainCmd(g *globalFlags, stdout, stderr io.Writer) *cobra.Command {
	f := &runFlags{}
	var pair string
	cmd := &cobra.Command{
		Use:   "explain",
		Short: "Show how the match weight of two records adds up, comparison by comparison",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l, r, ok := strings.Cut(pair, ",")
			if !ok || l == "" || r == "" {
				return usageErr(fmt.Errorf("--pair: want ID1,ID2 (record ids, or source/record_id), got %q", pair))
			}
			rc, err := prepare(cmd.Context(), g, f, stderr)
			if err != nil {
				return err
			}
			if err := stages.ExplainPair(cmd.Context(), rc, strings.TrimSpace(l), strings.TrimSpace(r), stdout); err != nil {
				return failedErr(err)
			}
			return nil
		},
	}
	addRunFlags(cmd, f)
	cmd.Flags().StringVar(&pair, "pair", "", "two record ids, ID1,ID2")
	return cmd
}

// newScoreCmd is the score stage command, which can also explain one
// entity's points instead of running the stage.
func newScoreCmd(g *globalFlags, stdout, stderr io.Writer, st etl.Stage) *cobra.Command {
	cmd := newStageCmd(g, stderr, st)
	var entity string
	run := cmd.RunE
	cmd.Flags().StringVar(&entity, "explain", "", "print how this entity's fit and engagement points added up, instead of running the stage")
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if entity == "" {
			return run(c, args)
		}
		f := &runFlags{}
		f.config, _ = c.Flags().GetString("config")
		f.date, _ = c.Flags().GetString("date")
		f.runID, _ = c.Flags().GetString("run-id")
		rc, err := prepare(c.Context(), g, f, stderr)
		if err != nil {
			return err
		}
		text, err := stages.ExplainEntity(c.Context(), rc, entity)
		if err != nil {
			return failedErr(err)
		}
		fmt.Fprint(stdout, text)
		return nil
	}
	return cmd
}
