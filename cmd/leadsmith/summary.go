package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/profiling"
	"github.com/leadsmith/leadsmith/report"
)

// The summary that `run` and each stage command print on stdout when they
// succeed: where things are and the night's headline numbers. Logs stay
// on stderr, so a scheduler can keep both apart.

// location joins a store's configured location and a key for display.
func location(cfg *etl.Config, loc, key string) string {
	return strings.TrimSuffix(cfg.Resolve(loc), "/") + "/" + key
}

// stagedReport reads the report model the profile stage staged, nil when
// there is none.
func stagedReport(ctx context.Context, rc *etl.RunContext) *report.Report {
	var r report.Report
	if err := etl.ReadJSON(ctx, rc.Work, rc.StagePrefix("profile")+profiling.ReportJSON, &r); err != nil {
		return nil
	}
	return &r
}

func printRunSummary(ctx context.Context, w io.Writer, rc *etl.RunContext, took time.Duration) {
	cfg := rc.Config
	fmt.Fprintf(w, "run %s committed in %s\n", rc.RunID, took.Round(100*time.Millisecond))
	var m etl.Manifest
	manifest := etl.RunPrefix(rc.RunID) + "_manifest.json"
	if err := etl.ReadJSON(ctx, rc.Output, manifest, &m); err != nil {
		fmt.Fprintf(w, "  manifest  unreadable: %v\n", err)
		return
	}
	fmt.Fprintf(w, "  outputs   %s (run_date=%s)\n", location(cfg, cfg.Output, ""), m.RunDate)
	fmt.Fprintf(w, "  manifest  %s\n", location(cfg, cfg.Output, manifest))
	for _, f := range m.RunFiles {
		if strings.HasSuffix(f, profiling.ReportHTML) {
			fmt.Fprintf(w, "  report    %s\n", location(cfg, cfg.Output, f))
		}
	}
	// Contact rows, as the report counts them; activities and reference
	// accounts apart.
	var read, rejected, other int64
	for _, s := range m.Sources {
		if s.Dataset == "raw" {
			read += s.RowsRead
			rejected += s.RowsRejected
		} else {
			other += s.RowsRead
		}
	}
	fmt.Fprintf(w, "  rows      %s contact rows read, %s rejected (%s rows in rejects); %s activity and account rows\n",
		report.FormatInt(read), report.FormatInt(rejected), report.FormatInt(m.Datasets["rejects"].Rows), report.FormatInt(other))
	fmt.Fprintf(w, "  contacts  %s\n", report.FormatInt(m.Datasets["contacts"].Rows))
	if r := stagedReport(ctx, rc); r != nil {
		fmt.Fprintf(w, "  entities  %s\n", report.FormatInt(r.Run.Entities))
		if r.Funnel != nil {
			fmt.Fprintf(w, "  MQLs      %s (SLA due within 24 h: %s)\n", report.FormatInt(r.Funnel.MQLs), report.FormatInt(r.Funnel.SLADue24h))
		}
		for _, warn := range r.Run.Warnings {
			fmt.Fprintf(w, "  warning   %s\n", warn)
		}
	}
}

func printStageSummary(ctx context.Context, w io.Writer, rc *etl.RunContext, res *etl.StageResult, took time.Duration) {
	cfg := rc.Config
	fmt.Fprintf(w, "stage %s committed for run %s in %s\n", res.Stage, rc.RunID, took.Round(100*time.Millisecond))
	if res.Stage == "publish" {
		fmt.Fprintf(w, "  outputs   %s\n", location(cfg, cfg.Output, ""))
		fmt.Fprintf(w, "  manifest  %s\n", location(cfg, cfg.Output, etl.RunPrefix(rc.RunID)+"_manifest.json"))
	} else {
		fmt.Fprintf(w, "  staged    %s\n", location(cfg, cfg.Work, rc.StagePrefix(res.Stage)))
	}
	fmt.Fprintf(w, "  rows      %s in, %s out, %s rejected\n", report.FormatInt(res.RowsIn), report.FormatInt(res.RowsOut), report.FormatInt(res.RowsRejected))
	if r := stagedReport(ctx, rc); r != nil && res.Stage == "profile" {
		fmt.Fprintf(w, "  report    %s\n", location(cfg, cfg.Work, rc.StagePrefix("profile")+profiling.ReportHTML))
		fmt.Fprintf(w, "  entities  %s\n", report.FormatInt(r.Run.Entities))
		if r.Funnel != nil {
			fmt.Fprintf(w, "  MQLs      %s\n", report.FormatInt(r.Funnel.MQLs))
		}
	} else if res.Stage != "publish" {
		fmt.Fprintf(w, "  report    run `leadsmith profile --run-id %s` for %s\n", rc.RunID, profiling.ReportHTML)
	}
}
