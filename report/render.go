package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
)

var (
	//go:embed style.css
	styleCSS string
	//go:embed common.html.tmpl
	commonTmpl string
	//go:embed report.html.tmpl
	reportTmpl string
	//go:embed waterfall.html.tmpl
	waterfallTmpl string
)

// funcs are the formatting helpers the templates call; each accepts what
// the model holds and never fails, so a template cannot stop half-way.
var funcs = template.FuncMap{
	"int":         fmtInt,
	"pct":         fmtPct,
	"share":       func(n, of int64) string { return fmtPct(share(n, of)) },
	"dur":         fmtDuration,
	"bytes":       fmtBytes,
	"prob":        fmtProb,
	"signed":      fmtSigned,
	"float":       fmtFloat,
	"time":        fmtTime,
	"quantile":    quantileText,
	"probability": fmtProbability,
	"i64":         func(v int) int64 { return int64(v) },
	"diff":        func(a, b, c int64) int64 { return a - b - c },
	// pairs is how many pairs a block of size records holds.
	"pairs": func(size int) int64 { return int64(size) * int64(size-1) / 2 },
	// width is a CSS width for the small inline bars of tables.
	"width": func(v float64) template.CSS {
		return template.CSS("width:" + strconv.FormatFloat(clamp(finite(v), 0, 1)*100, 'f', 1, 64) + "%")
	},
	"validity": func(v float64) string {
		if v < 0 {
			return "—"
		}
		return fmtPct(v)
	},
}

var (
	reportPage    = parsePage("report", reportTmpl)
	waterfallPage = parsePage("waterfall", waterfallTmpl)
)

// parsePage parses a page with the shared pieces of common.html.tmpl.
func parsePage(name, text string) *template.Template {
	t := template.Must(template.New(name).Funcs(funcs).Parse(commonTmpl))
	return template.Must(t.Parse(text))
}

// tile is one headline number. Metric and Value become the data-metric
// and data-value attributes tests read, Value being the plain number
// behind the formatted Text.
type tile struct {
	Metric, Value string
	Text, Label   string
	Note          string
	Warn          bool
}

// countTile is a tile of an exact count.
func countTile(metric, label string, v int64, note string) tile {
	return tile{Metric: metric, Value: strconv.FormatInt(v, 10), Text: fmtInt(v), Label: label, Note: note}
}

// page is what the report template renders: the report plus everything
// computed from it, charts already drawn.
type page struct {
	R        *Report
	CSS      template.CSS
	Run      runView
	Quality  qualityView
	Match    *matchView
	Funnel   *funnelView
	Accounts *accountView
}

// Render writes r as one self-contained HTML page: inline CSS and SVG,
// no script, nothing fetched when it opens. A nil section of r renders
// as a sentence saying it has no data. Render reports only write errors
// and template faults; no value in r can make it fail.
func Render(w io.Writer, r *Report) error {
	if r == nil {
		r = &Report{}
	}
	p := page{
		R:        r,
		CSS:      template.CSS(styleCSS),
		Run:      newRunView(&r.Run),
		Quality:  newQualityView(&r.Quality),
		Match:    newMatchView(r.Matching),
		Funnel:   newFunnelView(r.Funnel),
		Accounts: newAccountView(r.Accounts),
	}
	return execute(w, reportPage, p)
}

// waterfallView is what the waterfall template renders.
type waterfallView struct {
	W     Waterfall
	CSS   template.CSS
	Chart template.HTML
	Tiles []tile
}

// RenderWaterfall writes one pair's explanation as a self-contained HTML
// page: the waterfall of its match weight, the table of steps and the
// final match probability.
func RenderWaterfall(w io.Writer, wf Waterfall) error {
	caption := "Match weight of " + wf.Left + " and " + wf.Right + ", comparison by comparison"
	if len(wf.Steps) == 0 {
		caption = "Match weight of " + wf.Left + " and " + wf.Right + ": the prior alone, no comparison steps"
	}
	v := waterfallView{
		W:     wf,
		CSS:   template.CSS(styleCSS),
		Chart: waterfallChart("waterfall", caption, wf),
		Tiles: []tile{
			{Metric: "prior-weight", Value: fmtFloat(wf.PriorWeight, 4), Text: fmtSigned(wf.PriorWeight, 2), Label: "prior weight"},
			{Metric: "match-weight", Value: fmtFloat(wf.MatchWeight, 4), Text: fmtSigned(wf.MatchWeight, 2), Label: "match weight"},
			{Metric: "probability", Value: fmtFloat(wf.Probability, 6), Text: fmtProbability(wf.Probability), Label: "match probability"},
		},
	}
	return execute(w, waterfallPage, v)
}

// fmtProbability shows a match probability with enough digits to tell
// 0.9999 from 1.
func fmtProbability(p float64) string {
	switch {
	case p != finite(p):
		return fmtFloat(p, 0)
	case p > 0.999 && p < 1:
		return strconv.FormatFloat(p, 'f', 6, 64)
	case p > 0 && p < 0.001:
		return fmt.Sprintf("%.2e", p)
	}
	return strconv.FormatFloat(p, 'f', 4, 64)
}

// execute renders into a buffer first, so that a template fault never
// leaves half a page in w.
func execute(w io.Writer, t *template.Template, data any) error {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return fmt.Errorf("render %s: %w", t.Name(), err)
	}
	if _, err := buf.WriteTo(w); err != nil {
		return fmt.Errorf("write %s: %w", t.Name(), err)
	}
	return nil
}

// ratioValue is a data-value for a share or a weight: plain digits, or
// empty when the value is not a number.
func ratioValue(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
