package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/stages"
	"github.com/spf13/cobra"
)

func newEvalCmd(g *globalFlags, stdout, stderr io.Writer) *cobra.Command {
	f := &runFlags{}
	var truth, accountTruth string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Measure a run's deduplication and account matching against ground-truth columns",
		Long: "Compare the run with ground-truth columns of its records (never used for matching).\n\n" +
			"--truth-column: the run's clusters against the true entities: pairwise and B-cubed\n" +
			"precision, recall and F1, a threshold sweep over the run's scored pairs, and a\n" +
			"precision-recall chart (SVG) in the work area.\n\n" +
			"--account-truth-column: the account enrich gave each record's entity against the\n" +
			"record's true reference account. A match by domain, company_country or company_fuzzy\n" +
			"is a prediction; an inferred account or none is not. Precision is correct predictions\n" +
			"over predictions, recall correct predictions over records with a true account; with\n" +
			"counts by method, unmatched reasons, inferred accounts, and accounts given to records\n" +
			"whose company is in no reference file.\n\n" +
			"Give either flag or both. With --json and one flag the report is that measure's object;\n" +
			"with both, an object {\"dedupe\": ..., \"accounts\": ...}.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if truth == "" && accountTruth == "" {
				return usageErr(fmt.Errorf("--truth-column or --account-truth-column: at least one is required"))
			}
			rc, err := prepare(cmd.Context(), g, f, stderr)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			cols := map[string]string{}
			if truth != "" {
				cols["--truth-column"] = truth
			}
			if accountTruth != "" {
				cols["--account-truth-column"] = accountTruth
			}
			if err := stages.CheckTruthColumns(ctx, rc, cols); err != nil {
				if errors.Is(err, stages.ErrUnknownColumn) {
					return usageErr(err)
				}
				return failedErr(err)
			}
			var out struct {
				Dedupe   *stages.EvalReport        `json:"dedupe,omitempty"`
				Accounts *stages.AccountEvalReport `json:"accounts,omitempty"`
			}
			if truth != "" {
				if out.Dedupe, err = stages.Evaluate(ctx, rc, truth); err != nil {
					return evalErr(err)
				}
			}
			if accountTruth != "" {
				if out.Accounts, err = stages.EvaluateAccounts(ctx, rc, accountTruth); err != nil {
					return evalErr(err)
				}
			}
			if asJSON {
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				switch {
				case out.Accounts == nil:
					return enc.Encode(out.Dedupe)
				case out.Dedupe == nil:
					return enc.Encode(out.Accounts)
				}
				return enc.Encode(&out)
			}
			if out.Dedupe != nil {
				out.Dedupe.WriteText(stdout, rc.Work.URI())
			}
			if out.Accounts != nil {
				if out.Dedupe != nil {
					fmt.Fprintln(stdout)
				}
				out.Accounts.WriteText(stdout)
			}
			return nil
		},
	}
	addRunFlags(cmd, f)
	cmd.Flags().StringVar(&truth, "truth-column", "", "ground-truth entity column of the records (e.g. true_entity_id)")
	cmd.Flags().StringVar(&accountTruth, "account-truth-column", "", "ground-truth reference account column of the records (e.g. true_account_id)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return cmd
}

// evalErr is the exit of a failed evaluation: a truth column the records
// lack is bad usage, anything else a failure.
func evalErr(err error) error {
	if errors.Is(err, stages.ErrUnknownColumn) {
		return usageErr(err)
	}
	return failedErr(err)
}

func newExplainCmd(g *globalFlags, stdout, stderr io.Writer) *cobra.Command {
	f := &runFlags{}
	var pair, htmlOut string
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
			ex, err := stages.PairExplanation(cmd.Context(), rc, strings.TrimSpace(l), strings.TrimSpace(r))
			if errors.Is(err, stages.ErrUnknownRecord) {
				return usageErr(err)
			}
			if err != nil {
				return failedErr(err)
			}
			if err := ex.WriteText(stdout); err != nil {
				return failedErr(err)
			}
			if htmlOut != "" {
				if err := writeWaterfall(htmlOut, ex); err != nil {
					return failedErr(err)
				}
				fmt.Fprintf(stdout, "\nwaterfall chart: %s\n", htmlOut)
			}
			return nil
		},
	}
	addRunFlags(cmd, f)
	cmd.Flags().StringVar(&pair, "pair", "", "two record ids, ID1,ID2")
	cmd.Flags().StringVar(&htmlOut, "html", "", "also write the waterfall as a chart to this HTML file")
	return cmd
}

// newScoreCmd is the score stage command, which can also explain one
// entity's points instead of running the stage.
func newScoreCmd(g *globalFlags, stdout, stderr io.Writer, st etl.Stage) *cobra.Command {
	cmd := newStageCmd(g, stdout, stderr, st)
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
