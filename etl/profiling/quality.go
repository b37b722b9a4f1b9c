package profiling

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/profile"
	"github.com/leadsmith/leadsmith/report"
	"golang.org/x/sync/errgroup"
)

// lineage columns say where a row came from, not what it holds.
var lineage = map[string]bool{columnar.ColSourceObject: true, columnar.ColSourceLine: true}

// shaped are the columns whose value shapes are profiled: identifiers as
// the sources wrote them. Their normalized forms (email_norm, phone_e164)
// have one shape by construction, and shaping a million values costs.
func shaped(column string) bool {
	switch column {
	case "email", "phone", "postal_code", "record_id", "website", "domain":
		return true
	}
	return false
}

// profiled is one staged dataset to profile.
type profiled struct {
	name  string
	files []columnar.FileInfo
	opts  profile.Options
	// counts, when set, also counts the funnel in the same pass.
	counts func() *contactCounts
}

// qualitySection profiles the run's datasets (normalized per source,
// contacts, accounts), counts rejects by reason and dq issues by code and
// source, and adds every figure to rows. It returns the funnel counts of
// the contacts (or, before score, of the golden records), counted in the
// same pass; nil before dedupe.
func qualitySection(ctx context.Context, rc *etl.RunContext, committed map[string]*etl.StageResult, rows *metricRows) (report.QualitySection, *contactCounts, error) {
	var q report.QualitySection
	var cc *contactCounts
	counts := func() *contactCounts { return newContactCounts(rc.Clock()) }
	var sets []profiled
	if st := committed["normalize"]; st != nil {
		sets = append(sets, profiled{name: "normalized", files: st.Datasets["normalized"],
			opts: profile.Options{SourceColumn: "source", Pairs: profile.DefaultPairs, TopN: 20, Identifier: shaped}})
	}
	if st := committed["score"]; st != nil {
		sets = append(sets, profiled{name: "contacts", files: st.Datasets["contacts"], counts: counts, opts: profile.Options{Identifier: shaped}},
			profiled{name: "accounts", files: st.Datasets["accounts"], opts: profile.Options{Identifier: shaped}})
	} else if st := committed["dedupe"]; st != nil {
		sets = append(sets, profiled{name: "golden", files: st.Datasets["golden"], counts: counts, opts: profile.Options{Identifier: shaped}})
	}
	for _, set := range sets {
		start := time.Now()
		d, c, err := profileFiles(ctx, rc, set)
		if err != nil {
			return q, nil, fmt.Errorf("profile %s: %w", set.name, err)
		}
		if c != nil {
			cc = c
		}
		rc.Log.Info("dataset profiled", "dataset", set.name, "files", len(set.files), "columns", len(d.Columns()),
			"duration_ms", time.Since(start).Milliseconds())
		for _, m := range d.Metrics() {
			*rows = append(*rows, metricRow{dataset: m.Dataset, source: m.Source, column: m.Column, metric: m.Metric, key: m.Key, value: m.Value, text: m.Text})
		}
		q.Profiles = append(q.Profiles, columnProfiles(d)...)
		if set.name == "normalized" {
			completeness(&q, d)
			dqIssues(&q, d)
			normalization(&q, d)
		}
	}
	rejects, err := countRejects(ctx, rc, committed)
	if err != nil {
		return q, nil, err
	}
	q.Rejects = byCount(rejects, nil)
	rows.counts("rejects", "reason", "count", q.Rejects)
	return q, cc, nil
}

// partitions is how many parts a dataset is profiled in: each part gets
// its share of the row groups (group k goes to part k mod partitions) and
// its own profile, and the parts merge in order. A fixed number, not the
// core count, so that the approximate figures (sketches merged in order)
// are the same on every machine; up to GOMAXPROCS parts run at once.
const partitions = 4

// smallDict: string columns with dictionaries up to this size are read as
// dictionary arrays (columnar.EachBatchOfGroups), so their values are
// counted once per distinct value instead of once per row.
const smallDict = 64 << 10

// profileFiles profiles a dataset's files (see partitions).
func profileFiles(ctx context.Context, rc *etl.RunContext, set profiled) (*profile.Dataset, *contactCounts, error) {
	groups, err := columnar.RowGroupsOf(ctx, rc.Work, set.files)
	if err != nil {
		return nil, nil, err
	}
	parts := make([]*profile.Dataset, partitions)
	counts := make([]*contactCounts, partitions)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for p := range partitions {
		parts[p] = profile.NewDataset(set.name, set.opts)
		if set.counts != nil {
			counts[p] = set.counts()
		}
		var share []columnar.RowGroup
		for k := p; k < len(groups); k += partitions {
			share = append(share, groups[k])
		}
		g.Go(func() error {
			return columnar.EachBatchOfGroups(gctx, rc.Work, share, smallDict, func(rec arrow.Record) error {
				if counts[p] != nil {
					if err := counts[p].observe(rec); err != nil {
						return err
					}
				}
				r := withoutLineage(rec)
				if r != rec {
					defer r.Release()
				}
				return parts[p].Add(r)
			})
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	for _, p := range parts[1:] {
		parts[0].Merge(p)
	}
	if set.counts != nil {
		for _, c := range counts[1:] {
			counts[0].merge(c)
		}
	}
	return parts[0], counts[0], nil
}

// withoutLineage drops the lineage columns from rec: the same arrays in a
// new record, which the caller releases when it is not rec.
func withoutLineage(rec arrow.Record) arrow.Record {
	var keep []int
	for j, f := range rec.Schema().Fields() {
		if !lineage[f.Name] {
			keep = append(keep, j)
		}
	}
	if len(keep) == int(rec.NumCols()) {
		return rec
	}
	fields := make([]arrow.Field, len(keep))
	cols := make([]arrow.Array, len(keep))
	for i, j := range keep {
		fields[i], cols[i] = rec.Schema().Field(j), rec.Column(j)
	}
	return arrowRecord(arrow.NewSchema(fields, nil), cols, rec.NumRows())
}

// columnProfiles are the report's per-column rows of all of d's rows.
func columnProfiles(d *profile.Dataset) []report.ColumnProfile {
	var out []report.ColumnProfile
	for _, name := range d.Columns() {
		c := d.Column(name, profile.AllSources)
		if c == nil {
			continue
		}
		s := c.Stats()
		cp := report.ColumnProfile{Dataset: d.Name(), Column: name, Rows: s.Rows, Completeness: s.Completeness(),
			Validity: -1, Distinct: s.Distinct, Top: counts(s.Top, 5), Patterns: counts(s.Patterns, 5)}
		if v, ok := s.Validity(); ok {
			cp.Validity = v
		}
		if s.Numbers != nil {
			cp.Quantiles = quantiles(s.Numbers, false)
		} else if s.Times != nil {
			cp.Quantiles = quantiles(s.Times, true)
		}
		out = append(out, cp)
	}
	return out
}

func counts(cs []profile.Count, n int) []report.Count {
	out := make([]report.Count, 0, min(len(cs), n))
	for _, c := range cs[:min(len(cs), n)] {
		out = append(out, report.Count{Label: c.Value, N: c.N})
	}
	return out
}

func quantiles(s *profile.Summary, times bool) []report.Quantile {
	pts := []struct {
		label string
		v     float64
	}{{"min", s.Min}, {"p25", s.P25}, {"p50", s.P50}, {"p75", s.P75}, {"max", s.Max}}
	out := make([]report.Quantile, len(pts))
	for i, p := range pts {
		text := fmt.Sprintf("%.4g", p.v)
		if times {
			text = profile.MicrosText(p.v)
		}
		out[i] = report.Quantile{Label: p.label, Value: p.v, Text: text}
	}
	return out
}

// heatColumns are the input columns of the completeness heatmap.
var heatColumns = func() []string {
	var out []string
	for _, c := range columnar.CanonicalColumns {
		if c != "record_id" && c != "source" {
			out = append(out, c)
		}
	}
	return out
}()

// completeness fills the heatmap of each source's input columns.
func completeness(q *report.QualitySection, d *profile.Dataset) {
	q.Sources = d.Sources()
	q.Columns = heatColumns
	for _, src := range q.Sources {
		row := make([]float64, len(heatColumns))
		for j, col := range heatColumns {
			row[j] = -1
			if c := d.Column(col, src); c != nil {
				row[j] = c.Stats().Completeness()
			}
		}
		q.Completeness = append(q.Completeness, row)
	}
}

// dqIssues counts the normalized records' dq_issues codes, overall and by
// source.
func dqIssues(q *report.QualitySection, d *profile.Dataset) {
	if c := d.Column("dq_issues", profile.AllSources); c != nil {
		q.DQIssues = counts(c.Stats().Top, 1<<30)
	}
	for _, src := range d.Sources() {
		if c := d.Column("dq_issues", src); c != nil {
			for _, t := range c.Stats().Top {
				q.DQIssuesBySource = append(q.DQIssuesBySource, report.IssueCount{Code: t.Value, Source: src, N: t.N})
			}
		}
	}
}

// normalization sets each raw column beside its normalized column.
func normalization(q *report.QualitySection, d *profile.Dataset) {
	for _, c := range d.Compare() {
		if c.Source != profile.AllSources {
			continue
		}
		q.Normalization = append(q.Normalization, report.NormColumn{Raw: c.Raw, Normalized: c.Norm, Present: c.Present, Valid: c.Valid,
			DistinctBefore: c.DistinctBefore, DistinctAfter: c.DistinctAfter, TopBefore: counts(c.TopBefore, 5), TopAfter: counts(c.TopAfter, 5)})
	}
}

// countRejects counts every stage's rejects by reason.
func countRejects(ctx context.Context, rc *etl.RunContext, committed map[string]*etl.StageResult) (map[string]int64, error) {
	out := map[string]int64{}
	for _, name := range reportStages {
		st := committed[name]
		if st == nil || len(st.Datasets["rejects"]) == 0 {
			continue
		}
		err := columnar.EachBatch(ctx, rc.Work, st.Datasets["rejects"], func(rec arrow.Record) error {
			reason := columnar.StringCol(rec, "reason")
			for i := 0; i < int(rec.NumRows()); i++ {
				r := columnar.StrAt(reason, i)
				if r == "" {
					r = "(no reason)"
				}
				if _, ok := out[r]; !ok {
					r = string([]byte(r))
				}
				out[r]++
			}
			return nil
		}, "reason")
		if err != nil {
			return nil, fmt.Errorf("count %s rejects: %w", name, err)
		}
	}
	return out, nil
}

func arrowRecord(schema *arrow.Schema, cols []arrow.Array, n int64) arrow.Record {
	return array.NewRecord(schema, cols, n)
}
