package report

import (
	"fmt"
	"html/template"
	"math"
)

// heatmapChart is a table of shares: Cells[i][j] in [0, 1] is row i,
// column j; a negative cell means the row has no such column.
type heatmapChart struct {
	Name, Caption string
	Rows, Cols    []string
	Cells         [][]float64
}

// heatColor shades a share from pale (0) to deep blue (1).
func heatColor(v float64) string {
	v = clamp(finite(v), 0, 1)
	lerp := func(a, b float64) int { return int(math.Round(a + (b-a)*v)) }
	return fmt.Sprintf("rgb(%d,%d,%d)", lerp(238, 30), lerp(243, 78), lerp(251, 156))
}

// heatmap draws a cell per row and column with the share printed in it;
// cells of absent columns are grey and say so.
func heatmap(c heatmapChart) template.HTML {
	if len(c.Rows) == 0 || len(c.Cols) == 0 {
		return noData()
	}
	const cellW, cellH = 50.0, 26.0
	rowChars, colChars := 4, 4
	for _, r := range c.Rows {
		rowChars = max(rowChars, min(len([]rune(r)), 24))
	}
	for _, col := range c.Cols {
		colChars = max(colChars, min(len([]rune(col)), 22))
	}
	left := float64(rowChars)*charW + 12
	top := float64(colChars)*charW*0.72 + 14
	// Column labels lean right, past the last column.
	w := left + float64(len(c.Cols))*cellW + float64(colChars)*charW*0.72 + 8
	plotB := top + float64(len(c.Rows))*cellH
	h := plotB + 40

	var d svgDoc
	d.open(math.Max(w, 360), h, c.Caption)
	for j, col := range c.Cols {
		x := left + (float64(j)+0.5)*cellW
		d.rotated(x, top-8, -45, "start", "label", col, colChars)
	}
	for i, row := range c.Rows {
		y := top + float64(i)*cellH
		d.label(left-8, y+cellH/2+4, "end", "label", row, rowChars)
		for j, col := range c.Cols {
			v := -1.0
			if i < len(c.Cells) && j < len(c.Cells[i]) {
				v = c.Cells[i][j]
			}
			x := left + float64(j)*cellW
			d.group("cell", row+" / "+col, fmtFloat(v, 4))
			switch {
			case math.IsNaN(v) || math.IsInf(v, 0):
				d.f(`<rect x="%s" y="%s" width="%s" height="%s" class="absent"><title>%s</title></rect>`,
					n(x+1), n(y+1), n(cellW-2), n(cellH-2), esc(row+" / "+col+": n/a"))
				d.text(x+cellW/2, y+cellH/2+4, "middle", "cell-text dim", "n/a")
			case v < 0:
				d.f(`<rect x="%s" y="%s" width="%s" height="%s" class="absent"><title>%s</title></rect>`,
					n(x+1), n(y+1), n(cellW-2), n(cellH-2), esc(row+" has no "+col))
				d.text(x+cellW/2, y+cellH/2+4, "middle", "cell-text dim", "—")
			default:
				d.f(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s" class="heat"><title>%s</title></rect>`,
					n(x+1), n(y+1), n(cellW-2), n(cellH-2), heatColor(v), esc(row+" / "+col+": "+fmtPct(v)))
				cls := "cell-text"
				if v > 0.55 {
					cls += " light"
				}
				d.text(x+cellW/2, y+cellH/2+4, "middle", cls, fmtPct(v))
			}
			d.endGroup()
		}
	}
	// The legend: five steps of the scale and the absent swatch.
	ly := plotB + 14
	d.text(left, ly+10, "start", "legend", "share present")
	lx := left + 92
	for k := 0; k <= 4; k++ {
		v := float64(k) / 4
		d.f(`<rect x="%s" y="%s" width="32" height="12" fill="%s" class="heat"/>`, n(lx), n(ly), heatColor(v))
		d.text(lx+16, ly+24, "middle", "tick", fmtPct(v))
		lx += 36
	}
	d.rect(lx+14, ly, 26, 12, "absent", "")
	d.text(lx+44, ly+10, "start", "legend", "column absent")
	return figure(c.Name, c.Caption, d.close())
}

// fmtProb formats an m or u probability, keeping tiny u values readable.
func fmtProb(v float64) string {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return fmtFloat(v, 0)
	case v == 0:
		return "0"
	case math.Abs(v) < 0.001:
		return fmt.Sprintf("%.1e", v)
	}
	return fmt.Sprintf("%.3f", v)
}

// weightChart is Splink's parameter chart: per comparison, per level, a
// bar of the match weight log2(m/u) from zero, right and green when the
// level is evidence for a match, left and red when against, with m and u
// printed beside it.
func weightChart(name, caption string, groups []Comparison) template.HTML {
	rows := 0
	labelChars, maxAbs := 8, 0.0
	for _, g := range groups {
		rows += 1 + len(g.Levels)
		labelChars = max(labelChars, min(len([]rune(g.Name)), 30))
		for _, l := range g.Levels {
			labelChars = max(labelChars, min(len([]rune(l.Label))+2, 30))
			maxAbs = math.Max(maxAbs, math.Abs(finite(l.Weight)))
		}
	}
	if rows == len(groups) {
		return noData()
	}
	const w, rowH, barH, top, muW = 780.0, 22.0, 14.0, 10.0, 168.0
	labelW := float64(labelChars)*charW + 12
	plotX, plotR := labelW+52, w-muW-52
	// A symmetric range keeps zero in the middle, so that evidence for
	// and against a match compare by length.
	lo, hi, ticks := niceRange(-maxAbs, maxAbs, 6, true)
	x := linScale{lo, hi, plotX, plotR}
	plotB := top + float64(rows)*rowH
	h := plotB + 40

	var d svgDoc
	d.open(w, h, caption)
	for _, t := range ticks {
		if t >= lo && t <= hi {
			d.line(x.at(t), top-4, x.at(t), plotB, "grid")
			d.text(x.at(t), plotB+15, "middle", "tick", fmtSigned(t, 0))
		}
	}
	d.line(x.at(0), top-4, x.at(0), plotB, "axis")
	d.text(w-muW+4, top+8, "start", "legend", "m")
	d.text(w-muW+84, top+8, "start", "legend", "u")
	y := top
	for gi, g := range groups {
		if gi > 0 {
			d.line(8, y, w-8, y, "sep")
		}
		d.label(8, y+rowH/2+4, "start", "group-title", g.Name, labelChars)
		y += rowH
		for _, l := range g.Levels {
			mid := y + rowH/2
			d.group("bar", g.Name+": "+l.Label, fmtFloat(l.Weight, 4))
			d.label(labelW, mid+4, "end", "label", l.Label, labelChars-2)
			wt := l.Weight
			cls := "pos"
			switch {
			case l.Null:
				cls = "null"
			case wt < 0:
				cls = "neg"
			}
			if !l.Trained {
				cls += " untrained"
			}
			// An infinite weight (u or m of 0) is drawn to the edge.
			v := finite(wt)
			if math.IsInf(wt, 0) {
				v = math.Copysign(hi, wt)
			}
			x0, x1 := x.at(0), x.at(v)
			text := fmtSigned(wt, 2)
			if l.Null {
				text = "null"
			}
			tip := fmt.Sprintf("%s, %s: weight %s, m %s, u %s", g.Name, l.Label, fmtSigned(wt, 3), fmtProb(l.M), fmtProb(l.U))
			if !l.Trained {
				tip += " (not trained)"
			}
			if math.Abs(x1-x0) < 1 && !l.Null && v != 0 {
				x1 = x0 + math.Copysign(1, v)
			}
			if x1 != x0 {
				d.rect(x0, mid-barH/2, x1-x0, barH, "mark "+cls, tip)
			} else {
				d.rect(x0-1, mid-barH/2, 2, barH, "mark null", tip)
			}
			if v < 0 {
				d.text(x1-5, mid+4, "end", "value", text)
			} else {
				d.text(math.Max(x1, x0)+5, mid+4, "start", "value", text)
			}
			d.text(w-muW+4, mid+4, "start", "mu", fmtProb(l.M))
			d.text(w-muW+84, mid+4, "start", "mu", fmtProb(l.U))
			d.endGroup()
			y += rowH
		}
	}
	d.text((plotX+plotR)/2, h-6, "middle", "axis-title", "match weight log2(m/u)")
	return figure(name, caption, d.close())
}
