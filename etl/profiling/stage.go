package profiling

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/internal/version"
	"github.com/leadsmith/leadsmith/report"
)

// Staged files of the stage besides the profile dataset.
const (
	ReportHTML = "report.html"
	ReportJSON = "report.json"
)

// Stage is the profile stage. It needs only extract, and reads whatever
// later stages are committed, so that `leadsmith profile` after a single
// stage reports on what exists so far.
type Stage struct {
	// Before are the pipeline's stages before this one: what it may read,
	// in order, and what they publish.
	Before []etl.Stage
	// Evaluate measures the run's clusters against a truth column
	// (profile.truth_column, else dedupe's); nil or no column: none.
	Evaluate func(ctx context.Context, rc *etl.RunContext, truthColumn string) (*report.Eval, error)
}

// Name implements etl.Stage.
func (Stage) Name() string { return "profile" }

// Needs implements etl.Stage.
func (Stage) Needs() []string { return []string{"extract"} }

// MayRead implements etl.OptionalReader.
func (s Stage) MayRead() []string { return s.names()[1:] }

// names are the names of the stages before this one, in order.
func (s Stage) names() []string {
	out := make([]string, len(s.Before))
	for i, st := range s.Before {
		out[i] = st.Name()
	}
	return out
}

// MemoryBudget: sketches per column and source, and the funnel's counts.
func (Stage) MemoryBudget() int64 { return 2 << 30 }

// Summary is the stage's one-line description.
func (Stage) Summary() string {
	return "Profile data quality, matching and the funnel; write the profile dataset and report.html"
}

// Publishes implements etl.Publisher.
func (Stage) Publishes() []etl.Publication {
	return []etl.Publication{{Dataset: "profile", Staged: "profile"},
		{Dataset: ReportHTML, Staged: "report_html", RunFile: true}, {Dataset: ReportJSON, Staged: "report_json", RunFile: true}}
}

// Run implements etl.Stage.
func (s Stage) Run(ctx context.Context, rc *etl.RunContext) (*etl.StageResult, error) {
	start := time.Now()
	committed := map[string]*etl.StageResult{}
	order := s.names()
	for _, name := range order {
		st, err := rc.Committed(ctx, name)
		if err != nil {
			return nil, err
		}
		if st != nil {
			committed[name] = st
		}
	}
	r := &report.Report{RunID: rc.RunID, RunDate: rc.RunDate.Format(time.DateOnly), GeneratedAt: time.Now().UTC(),
		Version: version.Version, Scope: "run"}
	for _, name := range order {
		if committed[name] != nil {
			r.Scope = name
		}
	}
	if r.Scope == order[len(order)-1] {
		r.Scope = "run"
	}
	r.Run = runSection(rc, order, committed)
	if r.Scope == "run" {
		// A full run is published: list where, first.
		r.Run.Outputs = append(publishedOutputs(rc, append(slices.Clone(s.Before), s), committed), r.Run.Outputs...)
	}
	var rows metricRows
	q, cc, err := qualitySection(ctx, rc, committed, &rows)
	if err != nil {
		return nil, err
	}
	r.Quality = q
	if sc := committed["score"]; sc != nil && cc != nil {
		cc.segments = segmentCounts(sc.Datasets["contacts"])
		r.Funnel = funnelSection(cc)
		rows.funnel(r.Funnel)
		if committed["enrich"] != nil && cc.hasColumn["account_id"] {
			if r.Accounts, err = accountSection(ctx, rc.Work, sc.Datasets["accounts"], cc); err != nil {
				return nil, fmt.Errorf("profile accounts: %w", err)
			}
			rows.accounts(r.Accounts)
		}
	}
	if dd := committed["dedupe"]; dd != nil {
		if r.Matching, err = matchSection(ctx, rc, dd); err != nil {
			return nil, err
		}
		if cc != nil {
			r.Matching.ClusterSizes = clusterSizes(cc.sizes)
		}
		s.evaluate(ctx, rc, r)
		rows.matching(r.Matching)
		for _, tr := range r.Matching.Training {
			if tr.Iterations > 0 && !tr.Converged {
				r.Run.Warnings = append(r.Run.Warnings, fmt.Sprintf("EM training on rule %s did not converge in %d iterations", tr.Rule, tr.Iterations))
			}
		}
	}
	rows.run(r.Run)
	for k := range r.Run.Outputs {
		if r.Run.Outputs[k].Name == "profile (published)" {
			r.Run.Outputs[k].Rows = int64(len(rows))
		}
	}
	files, err := s.write(ctx, rc, r, rows)
	if err != nil {
		return nil, err
	}
	rc.Log.Info("run profiled", "metrics", len(rows), "scope", r.Scope, "duration_ms", time.Since(start).Milliseconds())
	return &etl.StageResult{RowsIn: r.Run.RowsStaged, RowsOut: int64(len(rows)), Datasets: files,
		Notes: map[string]any{"report": rc.StagePrefix("profile") + ReportHTML, "scope": r.Scope}}, nil
}

// evaluate adds the evaluation against the dedupe section's truth column
// when it names one; a failure is a warning of the report, not of the run.
func (s Stage) evaluate(ctx context.Context, rc *etl.RunContext, r *report.Report) {
	truth := rc.Config.Profile.TruthColumn
	if settings, err := etl.DedupeSettings(rc.Config); err == nil && truth == "" {
		truth = settings.TruthColumn
	}
	if truth == "" || s.Evaluate == nil {
		return
	}
	ev, err := s.Evaluate(ctx, rc, truth)
	if err != nil {
		rc.Log.Warn("evaluation against the truth column failed", "truth_column", truth, "error", err)
		r.Run.Warnings = append(r.Run.Warnings, "evaluation against truth column "+truth+" failed: "+err.Error())
		return
	}
	r.Matching.Eval = ev
}

// write stages the profile dataset, report.json and report.html.
func (s Stage) write(ctx context.Context, rc *etl.RunContext, r *report.Report, rows metricRows) (map[string][]columnar.FileInfo, error) {
	fi, err := rows.write(ctx, rc, rc.DatasetPrefix("profile", "profile")+"part-00000.parquet")
	if err != nil {
		return nil, err
	}
	files := map[string][]columnar.FileInfo{"profile": {fi}}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("report.json: %w", err)
	}
	var html bytes.Buffer
	if err := report.Render(&html, r); err != nil {
		return nil, fmt.Errorf("render report: %w", err)
	}
	for _, f := range []struct {
		name, dataset string
		data          []byte
	}{{ReportJSON, "report_json", js}, {ReportHTML, "report_html", html.Bytes()}} {
		key := rc.StagePrefix("profile") + f.name
		if err := etl.WriteBytes(ctx, rc.Work, key, f.data); err != nil {
			return nil, err
		}
		files[f.dataset] = []columnar.FileInfo{{Key: key, Bytes: int64(len(f.data))}}
	}
	return files, nil
}
