package dedupe

import (
	"fmt"
	"html"
	"io"
	"strings"
)

// SweepPoint is the clustering quality at one match threshold.
type SweepPoint struct {
	Threshold float64 `json:"threshold"`
	Clusters  int     `json:"clusters"`
	Metrics
}

// DefaultSweepThresholds covers the useful range of match probabilities,
// denser near 1 where match thresholds usually sit.
var DefaultSweepThresholds = []float64{0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999}

// Sweep re-clusters the scored pairs at each threshold and evaluates the
// result against truth, so one prediction serves the whole curve.
func Sweep(p *Pairs, truth []string, thresholds []float64, maxClusterSize int) ([]SweepPoint, error) {
	out := make([]SweepPoint, 0, len(thresholds))
	entity, entities := internTruth(truth)
	var scratch evalScratch
	for _, thr := range thresholds {
		if !(thr > 0 && thr <= 1) {
			return nil, fmt.Errorf("sweep: threshold %v must be in (0,1]", thr)
		}
		c, err := Cluster(p, len(truth), thr, maxClusterSize)
		if err != nil {
			return nil, fmt.Errorf("sweep at %v: %w", thr, err)
		}
		if len(c.Cluster) != len(truth) {
			return nil, fmt.Errorf("sweep at %v: %d cluster labels for %d truth labels", thr, len(c.Cluster), len(truth))
		}
		m, err := evaluateEntities(c.Cluster, entity, entities, &scratch)
		if err != nil {
			return nil, fmt.Errorf("sweep at %v: %w", thr, err)
		}
		out = append(out, SweepPoint{Threshold: thr, Clusters: c.NumClusters(), Metrics: m})
	}
	return out, nil
}

// WriteSweepSVG draws the sweep as a precision-recall chart: pairwise
// (solid) and B-cubed (dashed) curves, each point labelled with its
// threshold. The SVG is self-contained so a report can inline it.
func WriteSweepSVG(w io.Writer, sweep []SweepPoint) error {
	const (
		width, height = 640, 480
		left, right   = 70, 30
		top, bottom   = 40, 60
	)
	pw, ph := float64(width-left-right), float64(height-top-bottom)
	// Precision and recall of a useful model live in the upper part of
	// [0,1]; zoom to the data so the curve is readable, keeping 0.5 at most.
	lo := 0.5
	for _, p := range sweep {
		for _, v := range []float64{p.Precision, p.Recall, p.BCubedPrecision, p.BCubedRecall} {
			if v < lo {
				lo = v
			}
		}
	}
	lo = float64(int(lo*10)) / 10
	x := func(recall float64) float64 { return float64(left) + (recall-lo)/(1-lo)*pw }
	y := func(precision float64) float64 { return float64(top) + (1-(precision-lo)/(1-lo))*ph }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="14" font-weight="bold">Precision-recall by match threshold</text>`+"\n", left)
	for k := 0; k <= 5; k++ {
		v := lo + (1-lo)*float64(k)/5
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>`+"\n", x(v), top, x(v), height-bottom)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`+"\n", left, y(v), width-right, y(v))
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%.2f</text>`+"\n", x(v), height-bottom+16, v)
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%.2f</text>`+"\n", left-6, y(v)+4, v)
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">recall</text>`+"\n", float64(left)+pw/2, height-20)
	fmt.Fprintf(&b, `<text x="18" y="%.1f" text-anchor="middle" transform="rotate(-90 18 %.1f)">precision</text>`+"\n", float64(top)+ph/2, float64(top)+ph/2)
	curve := func(name, color, dash string, get func(SweepPoint) (float64, float64), labels bool) {
		if len(sweep) == 0 {
			return
		}
		var pts []string
		for _, p := range sweep {
			pr, rc := get(p)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(rc), y(pr)))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" stroke-dasharray="%s" points="%s"><title>%s</title></polyline>`+"\n", color, dash, strings.Join(pts, " "), html.EscapeString(name))
		for _, p := range sweep {
			pr, rc := get(p)
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>threshold %g: precision %.4f, recall %.4f</title></circle>`+"\n", x(rc), y(pr), color, p.Threshold, pr, rc)
			if labels {
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="#555" font-size="9">%g</text>`+"\n", x(rc)+4, y(pr)-4, p.Threshold)
			}
		}
	}
	curve("pairwise", "#1f77b4", "none", func(p SweepPoint) (float64, float64) { return p.Precision, p.Recall }, true)
	curve("B-cubed", "#ff7f0e", "6 4", func(p SweepPoint) (float64, float64) { return p.BCubedPrecision, p.BCubedRecall }, false)
	fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#1f77b4">&#8212; pairwise</text><text x="%d" y="%d" fill="#ff7f0e">- - B-cubed</text>`+"\n", width-right-170, top+14, width-right-80, top+14)
	b.WriteString("</svg>\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write sweep svg: %w", err)
	}
	return nil
}
