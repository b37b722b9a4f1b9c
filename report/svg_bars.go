package report

import (
	"html/template"
	"math"
	"strconv"
)

// bar is one bar of a bar chart.
type bar struct {
	Label string
	Value float64 // the bar's length; NaN and ±Inf draw no bar
	Text  string  // the value label at the bar's end, exact and formatted
	// Back draws a lighter bar behind this one, e.g. a running total.
	Back  float64
	Class string // a colour class from style.css; "" is the default
	Title string // the tooltip; "Label: Text" when empty
	// Data is the bar's data-value attribute: the plain number behind
	// Text, for tests and scripts. Empty leaves the attribute out.
	Data string
}

// barChart describes a chart of one bar per item.
type barChart struct {
	Name    string // data-chart
	Caption string
	Axis    string // what the value axis measures
	Bars    []bar
	Log     bool // vertical charts only: a log-scaled value axis
}

// countBars turns counts into bars whose value label is the exact count.
func countBars(cs []Count) []bar {
	bars := make([]bar, len(cs))
	for i, c := range cs {
		bars[i] = bar{Label: c.Label, Value: float64(c.N), Text: fmtInt(c.N), Data: strconv.FormatInt(c.N, 10)}
	}
	return bars
}

// capBars keeps the first max-1 bars and sums the rest into one "other"
// bar, so that a chart of thousands of owners stays a chart.
func capBars(cs []Count, max int) []Count {
	if len(cs) <= max {
		return cs
	}
	out := append([]Count(nil), cs[:max-1]...)
	var rest int64
	for _, c := range cs[max-1:] {
		rest += c.N
	}
	return append(out, Count{Label: "other (" + fmtInt(int64(len(cs)-max+1)) + " more)", N: rest})
}

func (b bar) title() string {
	if b.Title != "" {
		return b.Title
	}
	return b.Label + ": " + b.Text
}

// hbar draws horizontal bars: labels on the left, the exact value at each
// bar's end, a linear axis below.
func hbar(c barChart) template.HTML {
	if len(c.Bars) == 0 {
		return noData()
	}
	labelChars, textMax, hi := 4, 0.0, 0.0
	for _, b := range c.Bars {
		labelChars = max(labelChars, min(len([]rune(b.Label)), 30))
		textMax = math.Max(textMax, textW(b.Text))
		hi = math.Max(hi, maxOf(b.Value, b.Back))
	}
	const rowH, barH, top = 24.0, 15.0, 8.0
	labelW := float64(labelChars)*charW + 12
	plotX := labelW + 8
	plotR := chartW - textMax - 12
	if plotR-plotX < 160 {
		plotR = plotX + 160
	}
	w := plotR + textMax + 12
	_, hi, ticks := niceRange(0, hi, 4, true)
	x := linScale{0, hi, plotX, plotR}
	plotB := top + float64(len(c.Bars))*rowH
	h := plotB + 22
	if c.Axis != "" {
		h += 16
	}

	var d svgDoc
	d.open(w, h, c.Caption)
	for _, t := range ticks {
		d.line(x.at(t), top-4, x.at(t), plotB, "grid")
		d.text(x.at(t), plotB+15, "middle", "tick", fmtCompact(t))
	}
	d.line(plotX, top-4, plotX, plotB, "axis")
	for i, b := range c.Bars {
		y := top + float64(i)*rowH
		mid := y + rowH/2
		d.group("bar", b.Label, b.Data)
		d.label(labelW, mid+4, "end", "label", b.Label, labelChars)
		if back := finite(b.Back); back > 0 {
			d.rect(plotX, mid-barH/2, math.Max(x.at(back)-plotX, 1), barH, "back", "")
		}
		end := plotX
		if v := finite(b.Value); v > 0 {
			end = plotX + math.Max(x.at(v)-plotX, 1)
			d.rect(plotX, mid-barH/2, end-plotX, barH, "mark "+b.Class, b.title())
		}
		if back := finite(b.Back); back > 0 {
			end = math.Max(end, x.at(back))
		}
		d.text(end+5, mid+4, "start", "value", b.Text)
		d.endGroup()
	}
	if c.Axis != "" {
		d.text((plotX+plotR)/2, h-4, "middle", "axis-title", c.Axis)
	}
	return figure(c.Name, c.Caption, d.close())
}

// vframe is the frame of a chart with vertical bars: where its plot area
// is and how its labels are set, given the slot each category gets.
type vframe struct {
	plotX, plotR, top, plotB, w, h float64
	slot                           float64
	rotValues, rotLabels           bool
	labelChars                     int
}

// valueFrac is the share of a slot one value label may use: 1 for single
// bars, less when a slot holds a group.
func newVFrame(w float64, nCats int, labels, texts []string, valueFrac float64, axis string, legend bool) vframe {
	f := vframe{plotX: 52, plotR: w - 12, w: w}
	f.slot = (f.plotR - f.plotX) / float64(max(nCats, 1))
	maxText, maxLabel := 0.0, 0.0
	for _, t := range texts {
		maxText = math.Max(maxText, textW(t))
	}
	for _, l := range labels {
		maxLabel = math.Max(maxLabel, textW(l))
	}
	f.top = 20
	if legend {
		f.top += 18
	}
	// Values too wide for their slot stand upright above their bar.
	if maxText > f.slot*valueFrac-2 {
		f.rotValues = true
		f.top += math.Min(maxText, 90) - 8
	}
	// Labels too wide for their slot are cut to fit when a readable part
	// fits, and turned on a slant when not.
	f.labelChars = 40
	bottom := 26.0
	if fit := int((f.slot - 6) / charW); maxLabel > f.slot-6 {
		if fit >= 10 {
			f.labelChars = fit
		} else {
			f.rotLabels = true
			f.labelChars = 16
			bottom = math.Min(maxLabel, float64(f.labelChars)*charW)*0.66 + 26
		}
	}
	f.plotB = f.top + 190
	f.h = f.plotB + bottom
	if axis != "" {
		f.h += 16
	}
	return f
}

// valueLabel writes a bar's value above its top at x.
func (f vframe) valueLabel(d *svgDoc, x, top float64, s string) {
	if f.rotValues {
		d.rotated(x+4, top-4, -90, "start", "value", s, 14)
		return
	}
	d.text(x, top-4, "middle", "value", s)
}

// catLabel writes a category label under its slot centred at x.
func (f vframe) catLabel(d *svgDoc, x float64, s string) {
	if f.rotLabels {
		d.rotated(x+3, f.plotB+12, -40, "end", "label", s, f.labelChars)
		return
	}
	d.label(x, f.plotB+15, "middle", "label", s, f.labelChars)
}

// yAxis draws the value axis and its grid, returning the scale.
func (f vframe) yAxis(d *svgDoc, hi float64, log bool) func(float64) float64 {
	at, ticks := valueScale(hi, f.plotB, f.top, log)
	for _, t := range ticks {
		d.line(f.plotX, at(t), f.plotR, at(t), "grid")
		d.text(f.plotX-6, at(t)+4, "end", "tick", fmtCompact(t))
	}
	d.line(f.plotX, f.plotB, f.plotR, f.plotB, "axis")
	return at
}

// vbar draws vertical bars, optionally on a log scale for counts where
// one category (cluster size 1) dwarfs the others.
func vbar(c barChart) template.HTML {
	if len(c.Bars) == 0 {
		return noData()
	}
	labels, texts := make([]string, len(c.Bars)), make([]string, len(c.Bars))
	hi := 0.0
	for i, b := range c.Bars {
		labels[i], texts[i] = b.Label, b.Text
		hi = math.Max(hi, maxOf(b.Value))
	}
	f := newVFrame(chartW, len(c.Bars), labels, texts, 1, c.Axis, false)
	var d svgDoc
	d.open(chartW, f.h, c.Caption)
	at := f.yAxis(&d, hi, c.Log)
	bw := math.Min(f.slot*0.72, 56)
	for i, b := range c.Bars {
		cx := f.plotX + (float64(i)+0.5)*f.slot
		d.group("bar", b.Label, b.Data)
		top := f.plotB
		if v := finite(b.Value); v > 0 {
			top = math.Min(at(v), f.plotB-1)
			d.rect(cx-bw/2, top, bw, f.plotB-top, "mark "+b.Class, b.title())
		}
		f.valueLabel(&d, cx, top, b.Text)
		f.catLabel(&d, cx, b.Label)
		d.endGroup()
	}
	if c.Axis != "" {
		d.text((f.plotX+f.plotR)/2, f.h-4, "middle", "axis-title", c.Axis)
	}
	return figure(c.Name, c.Caption, d.close())
}

// groupedChart is bars in groups: Values[i][s] is series s of category i.
type groupedChart struct {
	Name, Caption, Axis string
	Categories          []string
	Series              []string
	Values              [][]int64
}

// grouped draws side-by-side vertical bars per category with a legend.
func grouped(c groupedChart) template.HTML {
	if len(c.Categories) == 0 || len(c.Series) == 0 {
		return noData()
	}
	var texts []string
	hi := 0.0
	for _, row := range c.Values {
		for _, v := range row {
			texts = append(texts, fmtInt(v))
			hi = math.Max(hi, float64(v))
		}
	}
	frac := 0.8 / float64(len(c.Series))
	f := newVFrame(chartW, len(c.Categories), c.Categories, texts, frac, c.Axis, true)
	sub := f.slot * frac
	var d svgDoc
	d.open(chartW, f.h, c.Caption)
	lx := f.plotX
	for s, name := range c.Series {
		d.rect(lx, 8, 11, 11, "mark s"+strconv.Itoa(s), "")
		d.text(lx+16, 18, "start", "legend", name)
		lx += 16 + textW(name) + 18
	}
	at := f.yAxis(&d, hi, false)
	bw := math.Min(sub*0.9, 40)
	for i, cat := range c.Categories {
		x0 := f.plotX + float64(i)*f.slot + f.slot*0.1
		for s, name := range c.Series {
			var v int64
			if i < len(c.Values) && s < len(c.Values[i]) {
				v = c.Values[i][s]
			}
			cx := x0 + (float64(s)+0.5)*sub
			d.group("bar", cat+" / "+name, strconv.FormatInt(v, 10))
			top := f.plotB
			if v > 0 {
				top = math.Min(at(float64(v)), f.plotB-1)
				d.rect(cx-bw/2, top, bw, f.plotB-top, "mark s"+strconv.Itoa(s), cat+", "+name+": "+fmtInt(v))
			}
			f.valueLabel(&d, cx, top, fmtInt(v))
			d.endGroup()
		}
		f.catLabel(&d, f.plotX+(float64(i)+0.5)*f.slot, cat)
	}
	if c.Axis != "" {
		d.text((f.plotX+f.plotR)/2, f.h-4, "middle", "axis-title", c.Axis)
	}
	return figure(c.Name, c.Caption, d.close())
}

// valueScale maps counts from 0 (or 1, on a log scale) to hi onto the
// pixels bottom..top, with the ticks to draw.
func valueScale(hi, bottom, top float64, log bool) (func(float64) float64, []float64) {
	if log {
		s := logScale{hi, bottom, top}
		return s.at, logTicks(hi)
	}
	_, end, ticks := niceRange(0, hi, 4, true)
	s := linScale{0, end, bottom, top}
	return s.at, ticks
}
