package report

import (
	"html/template"
	"math"
)

// waterfallChart draws a pair's match weight step by step: the prior from
// zero, each comparison as a bar floating from the running total before
// it to the one after (green up, red down), and the final weight from zero.
func waterfallChart(name, caption string, wf Waterfall) template.HTML {
	type step struct {
		label, text, cls string
		from, to         float64
	}
	steps := []step{{"prior", fmtSigned(wf.PriorWeight, 2), "total", 0, finite(wf.PriorWeight)}}
	run := finite(wf.PriorWeight)
	for _, s := range wf.Steps {
		next := s.Running
		if next != finite(next) {
			next = run + finite(s.Weight)
		}
		cls := "pos"
		if next < run {
			cls = "neg"
		}
		steps = append(steps, step{s.Label, fmtSigned(s.Weight, 2), cls, run, next})
		run = next
	}
	steps = append(steps, step{"match weight", fmtSigned(wf.MatchWeight, 2), "total", 0, finite(wf.MatchWeight)})

	labels, texts := make([]string, len(steps)), make([]string, len(steps))
	lo, hi := 0.0, 0.0
	for i, s := range steps {
		labels[i], texts[i] = s.label, s.text
		lo, hi = math.Min(lo, math.Min(s.from, s.to)), math.Max(hi, math.Max(s.from, s.to))
	}
	f := newVFrame(860, len(steps), labels, texts, 1, "match weight (log2 odds)", false)
	lo, hi, ticks := niceRange(lo, hi, 5, true)
	y := linScale{lo, hi, f.plotB, f.top}

	var d svgDoc
	d.open(f.w, f.h, caption)
	for _, t := range ticks {
		d.line(f.plotX, y.at(t), f.plotR, y.at(t), "grid")
		d.text(f.plotX-6, y.at(t)+4, "end", "tick", trimFloat(t))
	}
	d.line(f.plotX, y.at(0), f.plotR, y.at(0), "axis")
	bw := math.Min(f.slot*0.64, 60)
	for i, s := range steps {
		cx := f.plotX + (float64(i)+0.5)*f.slot
		y0, y1 := y.at(s.from), y.at(s.to)
		if math.Abs(y1-y0) < 1 {
			y1 = y0 - 1
		}
		d.group("bar", s.label, fmtFloat(s.to-s.from, 4))
		d.rect(cx-bw/2, math.Min(y0, y1), bw, math.Abs(y1-y0), "mark "+s.cls,
			s.label+": "+s.text+" → "+fmtSigned(s.to, 2))
		f.valueLabel(&d, cx, math.Min(y0, y1), s.text)
		f.catLabel(&d, cx, s.label)
		d.endGroup()
		// A connector carries the running total to the next bar.
		if i < len(steps)-1 {
			d.line(cx+bw/2, y1, cx+f.slot-bw/2, y1, "connector")
		}
	}
	d.text((f.plotX+f.plotR)/2, f.h-4, "middle", "axis-title", "match weight (log2 odds)")
	return figure(name, caption, d.close())
}
