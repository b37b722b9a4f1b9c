package profiling

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/profile"
	"github.com/leadsmith/leadsmith/report"
	"golang.org/x/sync/errgroup"
)

// profiledColumn: every column but lineage is profiled.
func profiledColumn(name string) bool { return !lineage[name] }

// lineage columns say where a row came from, not what it holds: they are
// not read.
var lineage = map[string]bool{columnar.ColSourceObject: true, columnar.ColSourceLine: true, "source_record_ids": true}

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

// normalizedPairs are the raw columns of `normalized` beside the columns
// normalize makes of them: profile's defaults and the names' match keys.
var normalizedPairs = append(append([]profile.Pair(nil), profile.DefaultPairs...),
	profile.Pair{Raw: "first_name", Norm: "first_name_key"}, profile.Pair{Raw: "last_name", Norm: "last_name_key"})

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
			opts: profile.Options{SourceColumn: "source", Pairs: normalizedPairs, TopN: 20, Identifier: shaped}})
	}
	if st := committed["score"]; st != nil {
		sets = append(sets, profiled{name: "contacts", files: st.Datasets["contacts"], counts: counts, opts: profile.Options{Identifier: shaped}},
			profiled{name: "accounts", files: st.Datasets["accounts"], opts: profile.Options{SourceColumn: "source", Identifier: shaped}})
	} else if st := committed["dedupe"]; st != nil {
		sets = append(sets, profiled{name: "golden", files: st.Datasets["golden"], counts: counts, opts: profile.Options{Identifier: shaped}})
	}
	start := time.Now()
	profiles, counted, err := profileAll(ctx, rc, sets)
	if err != nil {
		return q, nil, err
	}
	rc.Log.Info("datasets profiled", "datasets", len(sets), "duration_ms", time.Since(start).Milliseconds())
	for k, set := range sets {
		d := profiles[k]
		if counted[k] != nil {
			cc = counted[k]
		}
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
// are the same on every machine. The parts of every dataset share one
// pool of GOMAXPROCS workers, so no core waits for a dataset's last part.
const partitions = 4

// profileAll profiles the datasets (see partitions); it returns each one's
// profile and, for a set that counts the funnel, its counts.
func profileAll(ctx context.Context, rc *etl.RunContext, sets []profiled) ([]*profile.Dataset, []*contactCounts, error) {
	parts := make([][]*profile.Dataset, len(sets))
	counts := make([][]*contactCounts, len(sets))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for k, set := range sets {
		groups, err := columnar.RowGroupsOf(ctx, rc.Work, set.files)
		if err != nil {
			return nil, nil, fmt.Errorf("profile %s: %w", set.name, err)
		}
		parts[k] = make([]*profile.Dataset, partitions)
		counts[k] = make([]*contactCounts, partitions)
		for p := range partitions {
			d := profile.NewDataset(set.name, set.opts)
			parts[k][p] = d
			var cc *contactCounts
			if set.counts != nil {
				cc = set.counts()
				counts[k][p] = cc
			}
			var share []columnar.RowGroup
			for i := p; i < len(groups); i += partitions {
				share = append(share, groups[i])
			}
			g.Go(func() error {
				err := columnar.EachBatchOfGroups(gctx, rc.Work, share, profiledColumn, func(rec arrow.Record) error {
					if cc != nil {
						if err := cc.observe(rec); err != nil {
							return err
						}
					}
					return d.Add(rec)
				})
				if err != nil {
					return fmt.Errorf("profile %s: %w", set.name, err)
				}
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	out := make([]*profile.Dataset, len(sets))
	outCounts := make([]*contactCounts, len(sets))
	for k := range sets {
		out[k] = parts[k][0]
		for _, p := range parts[k][1:] {
			out[k].Merge(p)
		}
		outCounts[k] = counts[k][0]
		for _, c := range counts[k][1:] {
			if c != nil {
				outCounts[k].merge(c)
			}
		}
	}
	return out, outCounts, nil
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
	for name, st := range committed {
		if len(st.Datasets["rejects"]) == 0 {
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
