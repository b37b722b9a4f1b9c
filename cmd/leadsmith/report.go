package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/profiling"
	"github.com/leadsmith/leadsmith/etl/storage"
	"github.com/leadsmith/leadsmith/report"
	"github.com/spf13/cobra"
)

// newReportCmd re-renders a committed run's report.html from the
// report.json published beside it (a newer leadsmith draws it anew).
func newReportCmd(g *globalFlags, stdout, stderr io.Writer) *cobra.Command {
	var config, runID, out string
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Render the report of a committed run again",
		Long: "Render report.html of a committed run again from the report.json published in\n" +
			"<output>/_runs/<run_id>/, into the same folder (or --out).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runID == "" {
				return usageErr(errors.New("--run-id: required"))
			}
			if err := etl.ValidateRunID(runID); err != nil {
				return usageErr(err)
			}
			cfg, err := loadConfig(config)
			if err != nil {
				return err
			}
			stores, err := openStores(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			ctx, outStore := cmd.Context(), stores[1]
			attempt, err := etl.SuccessAttempt(ctx, outStore, runID)
			if err != nil {
				return failedErr(err)
			}
			if attempt == "" {
				return failedErr(fmt.Errorf("run %s is not committed in %s (no _SUCCESS): a staged run's report is in the work area, runs/%s/profile/%s", runID, cfg.Output, runID, profiling.ReportHTML))
			}
			var r report.Report
			if err := etl.ReadJSON(ctx, outStore, etl.RunPrefix(runID)+profiling.ReportJSON, &r); err != nil {
				if errors.Is(err, storage.ErrNotExist) {
					return failedErr(fmt.Errorf("run %s has no %s (published by a leadsmith without the profile stage)", runID, profiling.ReportJSON))
				}
				return failedErr(err)
			}
			var page bytes.Buffer
			if err := report.Render(&page, &r); err != nil {
				return failedErr(err)
			}
			dest := strings.TrimSuffix(cfg.Resolve(cfg.Output), "/") + "/" + etl.RunPrefix(runID) + profiling.ReportHTML
			if out != "" {
				if err := os.WriteFile(out, page.Bytes(), 0o644); err != nil {
					return failedErr(err)
				}
				dest = out
			} else if err := etl.WriteBytes(ctx, outStore, etl.RunPrefix(runID)+profiling.ReportHTML, page.Bytes()); err != nil {
				return failedErr(err)
			}
			fmt.Fprintf(stdout, "report of run %s: %s\n", runID, dest)
			return nil
		},
	}
	cmd.Flags().StringVarP(&config, "config", "c", "leadsmith.yaml", "config file")
	cmd.Flags().StringVar(&runID, "run-id", "", "the committed run whose report to render")
	cmd.Flags().StringVar(&out, "out", "", "write the page to this local file instead of the run's folder")
	return cmd
}

// writeWaterfall writes a pair's waterfall as a chart page.
func writeWaterfall(path string, ex dedupe.Explanation) error {
	wf := report.Waterfall{Left: ex.Left, Right: ex.Right, PriorWeight: ex.PriorWeight, MatchWeight: ex.MatchWeight, Probability: ex.Probability}
	for _, s := range ex.Steps {
		detail := s.Label
		if s.LeftValue != "" || s.RightValue != "" {
			detail += fmt.Sprintf(" (%q vs %q)", s.LeftValue, s.RightValue)
		}
		wf.Steps = append(wf.Steps, report.WaterfallStep{Label: s.Comparison, Detail: detail, Weight: s.Weight + s.TFAdjustment, Running: s.Running})
	}
	var page bytes.Buffer
	if err := report.RenderWaterfall(&page, wf); err != nil {
		return err
	}
	return os.WriteFile(path, page.Bytes(), 0o644)
}
