package report

// The charts are SVG written by hand in Go, not drawn by a vendored
// JavaScript chart library: the page then needs no script and no network,
// opens the same in every browser and in a mail attachment, and its
// numbers are in the HTML for tests and screen readers to read.
//
// Everything here returns markup that reaches the page as template.HTML,
// so every piece of data text goes through esc on its way in.

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	chartW   = 640.0 // the viewBox width of most charts, in CSS pixels
	fontSize = 12.0
	charW    = 7.0 // a generous average glyph width at fontSize
)

// esc escapes text for both HTML text and attribute values.
func esc(s string) string { return template.HTMLEscapeString(s) }

// n formats a coordinate: finite, one decimal at most.
func n(v float64) string {
	return strconv.FormatFloat(math.Round(finite(v)*10)/10, 'f', -1, 64)
}

// textW estimates the rendered width of s at fontSize; it errs on the wide
// side so that labels never collide.
func textW(s string) float64 { return float64(utf8.RuneCountInString(s)) * charW }

// truncate shortens s to at most max runes, ending it with an ellipsis.
func truncate(s string, max int) (string, bool) {
	if max < 2 {
		max = 2
	}
	if utf8.RuneCountInString(s) <= max {
		return s, false
	}
	r := []rune(s)
	return string(r[:max-1]) + "…", true
}

// svgDoc accumulates one chart's markup.
type svgDoc struct {
	b strings.Builder
}

func (d *svgDoc) f(format string, args ...any) { fmt.Fprintf(&d.b, format, args...) }

// open starts the <svg>. Its width is its natural size, CSS lets it shrink
// on narrow screens, and the aria-label names it for screen readers.
func (d *svgDoc) open(w, h float64, label string) {
	d.f(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-label="%s">`,
		n(w), n(h), n(w), n(h), esc(label))
}

func (d *svgDoc) close() string {
	d.b.WriteString(`</svg>`)
	return d.b.String()
}

// rect draws a rectangle; a tooltip title is added when title is set.
// Negative sizes are flipped, since SVG refuses them.
func (d *svgDoc) rect(x, y, w, h float64, class, title string) {
	if w < 0 {
		x, w = x+w, -w
	}
	if h < 0 {
		y, h = y+h, -h
	}
	d.f(`<rect x="%s" y="%s" width="%s" height="%s" class="%s"`, n(x), n(y), n(w), n(h), class)
	if title == "" {
		d.b.WriteString(`/>`)
		return
	}
	d.f(`><title>%s</title></rect>`, esc(title))
}

func (d *svgDoc) line(x1, y1, x2, y2 float64, class string) {
	d.f(`<line x1="%s" y1="%s" x2="%s" y2="%s" class="%s"/>`, n(x1), n(y1), n(x2), n(y2), class)
}

// text writes a label. anchor is start, middle or end.
func (d *svgDoc) text(x, y float64, anchor, class, s string) {
	d.f(`<text x="%s" y="%s" text-anchor="%s" class="%s">%s</text>`, n(x), n(y), anchor, class, esc(s))
}

// label writes s cut to max runes; a cut label keeps its full text as a
// tooltip.
func (d *svgDoc) label(x, y float64, anchor, class, s string, max int) {
	short, cut := truncate(s, max)
	if !cut {
		d.text(x, y, anchor, class, s)
		return
	}
	d.f(`<text x="%s" y="%s" text-anchor="%s" class="%s">%s<title>%s</title></text>`,
		n(x), n(y), anchor, class, esc(short), esc(s))
}

// rotated writes a label turned by deg degrees around its anchor point.
func (d *svgDoc) rotated(x, y, deg float64, anchor, class, s string, max int) {
	short, cut := truncate(s, max)
	d.f(`<text x="%s" y="%s" text-anchor="%s" class="%s" transform="rotate(%s %s %s)">%s`,
		n(x), n(y), anchor, class, n(deg), n(x), n(y), esc(short))
	if cut {
		d.f(`<title>%s</title>`, esc(s))
	}
	d.b.WriteString(`</text>`)
}

// group opens a <g> carrying the data-label and data-value attributes that
// tests and scripts read a bar's exact value from.
func (d *svgDoc) group(class, label, value string) {
	d.f(`<g class="%s"`, class)
	if label != "" || value != "" {
		d.f(` data-label="%s" data-value="%s"`, esc(label), esc(value))
	}
	d.b.WriteString(`>`)
}

func (d *svgDoc) endGroup() { d.b.WriteString(`</g>`) }

// figure wraps a chart in the page's figure element; name is its
// data-chart, unique on the page.
func figure(name, caption, svg string) template.HTML {
	return template.HTML(`<figure class="chart" data-chart="` + esc(name) + `">` +
		`<div class="chart-body">` + svg + `</div><figcaption>` + esc(caption) + `</figcaption></figure>`)
}

// noData is what a chart becomes when it has nothing to show; the card's
// heading above it says which chart.
func noData() template.HTML {
	return template.HTML(`<p class="nodata">No data.</p>`)
}

// linScale maps [lo, hi] onto [a, b].
type linScale struct{ lo, hi, a, b float64 }

func (s linScale) at(v float64) float64 {
	v = finite(v)
	if s.hi == s.lo {
		return s.a
	}
	return s.a + (v-s.lo)/(s.hi-s.lo)*(s.b-s.a)
}

// logScale maps counts onto [a, b] by log10(1+v), so that 0 sits at a and
// a single item still shows.
type logScale struct{ hi, a, b float64 }

func (s logScale) at(v float64) float64 {
	v = math.Max(finite(v), 0)
	top := math.Log10(1 + s.hi)
	if top == 0 {
		return s.a
	}
	return s.a + math.Log10(1+v)/top*(s.b-s.a)
}

// logTicks are the powers of ten up to hi. Zero, the baseline, gets no
// tick: on a log(1+v) axis it sits too close to 1 to label both.
func logTicks(hi float64) []float64 {
	var ticks []float64
	for t := 1.0; t <= hi*1.0001; t *= 10 {
		ticks = append(ticks, t)
	}
	return ticks
}

// niceStep is the round step (1, 2 or 5 times a power of ten) nearest to
// cutting span into parts pieces.
func niceStep(span float64, parts int) float64 {
	if !(span > 0) || math.IsInf(span, 0) {
		return 1
	}
	raw := span / float64(parts)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	// The thresholds are the geometric means between 1, 2, 5 and 10.
	switch r := raw / mag; {
	case r >= math.Sqrt(50):
		return 10 * mag
	case r >= math.Sqrt(10):
		return 5 * mag
	case r >= math.Sqrt(2):
		return 2 * mag
	}
	return mag
}

// niceRange widens [lo, hi] to round ends and returns its ticks; it always
// contains 0 when include0 is set.
func niceRange(lo, hi float64, parts int, include0 bool) (float64, float64, []float64) {
	lo, hi = finite(lo), finite(hi)
	if include0 {
		lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	}
	if hi <= lo {
		hi = lo + 1
	}
	step := niceStep(hi-lo, parts)
	lo = math.Floor(lo/step+1e-9) * step
	hi = math.Ceil(hi/step-1e-9) * step
	var ticks []float64
	for t := lo; t <= hi+step/2; t += step {
		ticks = append(ticks, math.Round(t/step)*step)
	}
	return lo, hi, ticks
}

// maxOf returns the largest finite value, or 0.
func maxOf(vs ...float64) float64 {
	m := 0.0
	for _, v := range vs {
		if v = finite(v); v > m {
			m = v
		}
	}
	return m
}

// clamp keeps v within [lo, hi].
func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }
