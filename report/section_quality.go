package report

import (
	"html/template"
	"strconv"
)

// qualityView is the data-quality section.
type qualityView struct {
	Completeness template.HTML
	DQIssues     template.HTML
	Rejects      template.HTML
	// IssueSources and IssueRows pivot the by-source counts: a row per
	// code, a column per source.
	IssueSources []string
	IssueRows    []issueRow
	Norm         []normRow
	Profiles     []profileGroup
}

type issueRow struct {
	Code  string
	Cells []int64
	Total int64
}

type normRow struct {
	NormColumn
	ValidShare float64
}

// profileGroup is one dataset's column profiles, shown as one
// collapsible block.
type profileGroup struct {
	Dataset string
	Rows    int64
	Columns []ColumnProfile
}

func newQualityView(q *QualitySection) qualityView {
	v := qualityView{
		Completeness: heatmap(heatmapChart{
			Name: "completeness", Caption: "Completeness: share of each source's rows with a value, per column",
			Rows: q.Sources, Cols: q.Columns, Cells: q.Completeness,
		}),
		DQIssues: hbar(barChart{
			Name: "dq-issues", Caption: "Data-quality issues by code", Axis: "rows flagged",
			Bars: countBars(capBars(q.DQIssues, 30)),
		}),
	}
	rejects := countBars(capBars(q.Rejects, 30))
	for i := range rejects {
		rejects[i].Class = "neg"
	}
	v.Rejects = hbar(barChart{Name: "rejects", Caption: "Rejected rows by reason", Axis: "rows rejected", Bars: rejects})

	// Pivot the by-source issue counts, keeping first-seen order, which
	// the profile stage gives largest first.
	srcIdx, codeIdx := map[string]int{}, map[string]int{}
	for _, ic := range q.DQIssuesBySource {
		if _, ok := srcIdx[ic.Source]; !ok {
			srcIdx[ic.Source] = len(v.IssueSources)
			v.IssueSources = append(v.IssueSources, ic.Source)
		}
	}
	for _, ic := range q.DQIssuesBySource {
		i, ok := codeIdx[ic.Code]
		if !ok {
			i = len(v.IssueRows)
			codeIdx[ic.Code] = i
			v.IssueRows = append(v.IssueRows, issueRow{Code: ic.Code, Cells: make([]int64, len(v.IssueSources))})
		}
		v.IssueRows[i].Cells[srcIdx[ic.Source]] += ic.N
		v.IssueRows[i].Total += ic.N
	}

	for _, nc := range q.Normalization {
		v.Norm = append(v.Norm, normRow{nc, share(nc.Valid, nc.Present)})
	}
	dsIdx := map[string]int{}
	for _, p := range q.Profiles {
		i, ok := dsIdx[p.Dataset]
		if !ok {
			i = len(v.Profiles)
			dsIdx[p.Dataset] = i
			v.Profiles = append(v.Profiles, profileGroup{Dataset: p.Dataset})
		}
		g := &v.Profiles[i]
		g.Columns = append(g.Columns, p)
		g.Rows = max(g.Rows, p.Rows)
	}
	return v
}

// quantileText is a quantile's display text, or its value when the
// profile stage gave none.
func quantileText(q Quantile) string {
	if q.Text != "" {
		return q.Text
	}
	return strconv.FormatFloat(finite(q.Value), 'g', 6, 64)
}
