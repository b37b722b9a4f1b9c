package report

import (
	"html/template"
	"math"
	"strconv"
)

// series is one line of a line chart.
type series struct {
	Name string
	X, Y []float64
	// Tips are the points' tooltips; empty ones say "name: x, y".
	Tips []string
}

// lineChart is a chart of lines with point marks.
type lineChart struct {
	Name, Caption, XAxis, YAxis string
	Series                      []series
	LogY                        bool
	// Unit fixes both axes to [0, 1], for precision and recall.
	Unit bool
}

// plotFrame is the plot area shared by line charts and histograms.
type plotFrame struct{ x0, x1, y0, y1, w, h float64 }

func newPlotFrame(legend bool) plotFrame {
	f := plotFrame{x0: 60, x1: chartW - 16, y0: 16, y1: 226, w: chartW, h: 268}
	if legend {
		f.y0 += 20
		f.y1 += 20
		f.h += 20
	}
	return f
}

// axisTitles writes the x title under the plot and the y title upright on
// the left.
func (f plotFrame) axisTitles(d *svgDoc, x, y string) {
	if x != "" {
		d.text((f.x0+f.x1)/2, f.h-6, "middle", "axis-title", x)
	}
	if y != "" {
		d.rotated(14, (f.y0+f.y1)/2, -90, "middle", "axis-title", y, 40)
	}
}

// fmtTickLog formats a power of ten: 1, 0.01, 1e-5.
func fmtTickLog(v float64) string {
	if v >= 0.01 {
		return fmtCompact(v)
	}
	return strconv.FormatFloat(v, 'e', 0, 64)
}

// line draws series as lines with a circle per point.
func line(c lineChart) template.HTML {
	points := 0
	xlo, xhi := math.Inf(1), math.Inf(-1)
	ylo, yhi := math.Inf(1), math.Inf(-1)
	for _, s := range c.Series {
		for i := range min(len(s.X), len(s.Y)) {
			x, y := s.X[i], s.Y[i]
			if !usable(x, y, c.LogY) {
				continue
			}
			points++
			xlo, xhi = math.Min(xlo, x), math.Max(xhi, x)
			ylo, yhi = math.Min(ylo, y), math.Max(yhi, y)
		}
	}
	if points == 0 {
		return noData()
	}
	f := newPlotFrame(len(c.Series) > 1)
	var d svgDoc
	d.open(f.w, f.h, c.Caption)

	var xs linScale
	var xticks []float64
	if c.Unit {
		xs, xticks = linScale{0, 1, f.x0, f.x1}, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}
	} else {
		lo, hi, ts := niceRange(xlo, xhi, 6, false)
		xs, xticks = linScale{lo, hi, f.x0, f.x1}, ts
	}
	var yat func(float64) float64
	var yticks []float64
	var yfmt func(float64) string = trimFloat
	switch {
	case c.Unit:
		s := linScale{0, 1, f.y1, f.y0}
		yat, yticks = s.at, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}
	case c.LogY:
		lo := math.Pow(10, math.Floor(math.Log10(ylo)))
		hi := math.Pow(10, math.Ceil(math.Log10(yhi)))
		if hi <= lo {
			hi = lo * 10
		}
		s := linScale{math.Log10(lo), math.Log10(hi), f.y1, f.y0}
		yat = func(v float64) float64 { return s.at(math.Log10(v)) }
		for t := lo; t <= hi*1.0001; t *= 10 {
			yticks = append(yticks, t)
		}
		yfmt = fmtTickLog
	default:
		lo, hi, ts := niceRange(ylo, yhi, 4, false)
		s := linScale{lo, hi, f.y1, f.y0}
		yat, yticks = s.at, ts
	}
	for _, t := range yticks {
		d.line(f.x0, yat(t), f.x1, yat(t), "grid")
		d.text(f.x0-6, yat(t)+4, "end", "tick", yfmt(t))
	}
	for _, t := range xticks {
		d.line(xs.at(t), f.y1, xs.at(t), f.y1+4, "axis")
		d.text(xs.at(t), f.y1+17, "middle", "tick", trimFloat(t))
	}
	d.line(f.x0, f.y1, f.x1, f.y1, "axis")
	d.line(f.x0, f.y0, f.x0, f.y1, "axis")

	lx := f.x0
	for si, s := range c.Series {
		cls := "s" + strconv.Itoa(si%6)
		if len(c.Series) > 1 {
			d.line(lx, 12, lx+16, 12, "lineseg "+cls)
			d.label(lx+20, 16, "start", "legend", s.Name, 24)
			short, _ := truncate(s.Name, 24)
			lx += 28 + textW(short) + 14
		}
		d.f(`<g class="series %s" data-series="%s">`, cls, esc(s.Name))
		path := ""
		for i := range min(len(s.X), len(s.Y)) {
			x, y := s.X[i], s.Y[i]
			if !usable(x, y, c.LogY) {
				continue
			}
			cmd := "L"
			if path == "" {
				cmd = "M"
			}
			path += cmd + n(xs.at(x)) + " " + n(yat(y)) + " "
		}
		d.f(`<path d="%s" class="lineseg %s"/>`, path, cls)
		for i := range min(len(s.X), len(s.Y)) {
			x, y := s.X[i], s.Y[i]
			if !usable(x, y, c.LogY) {
				continue
			}
			tip := s.Name + ": " + trimFloat(x) + ", " + strconv.FormatFloat(y, 'g', 4, 64)
			if i < len(s.Tips) && s.Tips[i] != "" {
				tip = s.Tips[i]
			}
			d.f(`<circle cx="%s" cy="%s" r="3" class="dot %s"><title>%s</title></circle>`,
				n(xs.at(x)), n(yat(y)), cls, esc(tip))
		}
		d.b.WriteString(`</g>`)
	}
	f.axisTitles(&d, c.XAxis, c.YAxis)
	return figure(c.Name, c.Caption, d.close())
}

// usable reports whether a point can be drawn: finite, and positive on a
// log axis.
func usable(x, y float64, logY bool) bool {
	if x != finite(x) || y != finite(y) {
		return false
	}
	return !logY || y > 0
}

// histChart is a histogram with an optional vertical marker line.
type histChart struct {
	Name, Caption, XAxis string
	Bins                 []Bin
	Marker               float64
	MarkerText           string // "" draws no marker
}

// histogram draws bins over a numeric axis. Bins right of the marker are
// coloured as matches. The count axis turns logarithmic when the largest
// bin is a thousand times the smallest, so small bins stay visible.
func histogram(c histChart) template.HTML {
	lo, hi := math.Inf(1), math.Inf(-1)
	var top, least float64 = 0, math.Inf(1)
	for _, b := range c.Bins {
		if b.Lo != finite(b.Lo) || b.Hi != finite(b.Hi) {
			continue
		}
		lo, hi = math.Min(lo, b.Lo), math.Max(hi, b.Hi)
		top = math.Max(top, float64(b.N))
		if b.N > 0 {
			least = math.Min(least, float64(b.N))
		}
	}
	if math.IsInf(lo, 0) || top == 0 {
		return noData()
	}
	hasMarker := c.MarkerText != "" && c.Marker == finite(c.Marker)
	if hasMarker {
		lo, hi = math.Min(lo, c.Marker), math.Max(hi, c.Marker)
	}
	logY := top >= 1000*least
	f := newPlotFrame(false)
	f.y0 += 14 // room for the marker's label
	var d svgDoc
	d.open(f.w, f.h, c.Caption)
	xlo, xhi, xticks := niceRange(lo, hi, 8, false)
	xs := linScale{xlo, xhi, f.x0, f.x1}
	yat, yticks := valueScale(top, f.y1, f.y0, logY)
	for _, t := range yticks {
		d.line(f.x0, yat(t), f.x1, yat(t), "grid")
		d.text(f.x0-6, yat(t)+4, "end", "tick", fmtCompact(t))
	}
	for _, t := range xticks {
		d.line(xs.at(t), f.y1, xs.at(t), f.y1+4, "axis")
		d.text(xs.at(t), f.y1+17, "middle", "tick", trimFloat(t))
	}
	for _, b := range c.Bins {
		if b.Lo != finite(b.Lo) || b.Hi != finite(b.Hi) || b.N <= 0 {
			continue
		}
		x0, x1 := xs.at(b.Lo), xs.at(b.Hi)
		cls := "mark"
		if hasMarker && b.Lo >= c.Marker {
			cls = "mark pos"
		}
		y := math.Min(yat(float64(b.N)), f.y1-1)
		d.group("bar", trimFloat(b.Lo)+" to "+trimFloat(b.Hi), strconv.FormatInt(b.N, 10))
		d.rect(x0+0.5, y, math.Max(x1-x0-1, 1), f.y1-y, cls,
			"["+trimFloat(b.Lo)+", "+trimFloat(b.Hi)+"): "+fmtInt(b.N))
		d.endGroup()
	}
	d.line(f.x0, f.y1, f.x1, f.y1, "axis")
	if hasMarker {
		mx := xs.at(c.Marker)
		d.line(mx, f.y0-6, mx, f.y1, "marker")
		anchor := "start"
		tx := mx + 4
		if mx > (f.x0+f.x1)/2 {
			anchor, tx = "end", mx-4
		}
		d.text(tx, f.y0-8, anchor, "marker-text", c.MarkerText)
	}
	yTitle := "pairs"
	if logY {
		yTitle = "pairs (log scale)"
	}
	f.axisTitles(&d, c.XAxis, yTitle)
	return figure(c.Name, c.Caption, d.close())
}
