package report

import (
	"cmp"
	"html/template"
	"slices"
	"strconv"
)

// matchView is the dedupe section: blocking, the model's parameters,
// the scores, the clusters, training and, when a truth column was given,
// the evaluation.
type matchView struct {
	M         *MatchSection
	Tiles     []tile
	Rules     template.HTML
	Params    template.HTML
	Levels    []levelRow
	Histogram template.HTML
	Clusters  template.HTML
	Deltas    template.HTML
	EvalTiles []tile
	PRCurve   template.HTML
}

type levelRow struct {
	Comparison string
	Level
}

func newMatchView(m *MatchSection) *matchView {
	if m == nil {
		return nil
	}
	var candidates int64
	for _, r := range m.Rules {
		candidates = max(candidates, r.Cumulative)
	}
	if candidates == 0 {
		for _, r := range m.Rules {
			candidates += r.Pairs
		}
	}
	var scored int64
	for _, b := range m.Histogram {
		scored += b.N
	}
	v := &matchView{
		M: m,
		Tiles: []tile{
			{Metric: "model-source", Value: m.ModelSource, Text: orDash(m.ModelSource), Label: "model"},
			countTile("match-records", "records", m.Records, ""),
			countTile("match-entities", "entities", m.Entities, shareNote(m.Records-m.Entities, m.Records, "fewer than records")),
			countTile("candidate-pairs", "candidate pairs", candidates, strconv.Itoa(len(m.Rules))+" blocking rules"),
			countTile("scored-pairs", "scored pairs", scored, ""),
			{Metric: "threshold", Value: ratioValue(m.ThresholdWeight), Text: fmtSigned(m.ThresholdWeight, 2), Label: "threshold weight",
				Note: "p " + fmtProbability(m.ThresholdProb) + "; prior p " + fmtProb(m.Prior) + ", weight " + fmtSigned(m.PriorWeight, 2)},
		},
	}

	bars := make([]bar, len(m.Rules))
	for i, r := range m.Rules {
		bars[i] = bar{
			Label: r.Name, Value: float64(r.Pairs), Back: float64(r.Cumulative),
			Text:  fmtInt(r.Pairs) + " (Σ " + fmtInt(r.Cumulative) + ")",
			Data:  strconv.FormatInt(r.Pairs, 10),
			Title: r.Name + ": " + fmtInt(r.Pairs) + " new pairs, " + fmtInt(r.Cumulative) + " in all so far",
		}
	}
	v.Rules = hbar(barChart{
		Name: "blocking-rules", Caption: "Candidate pairs each blocking rule adds (dark), and the running total (light)",
		Axis: "pairs", Bars: bars,
	})

	for _, c := range m.Comparisons {
		for _, l := range c.Levels {
			v.Levels = append(v.Levels, levelRow{c.Name, l})
		}
	}
	v.Params = weightChart("parameters", "Match weight of each comparison level: right is evidence for a match, left against", m.Comparisons)

	v.Histogram = histogram(histChart{
		Name: "weight-histogram", Caption: "Match weights of the scored pairs, with the match threshold",
		XAxis: "match weight", Bins: m.Histogram, Marker: m.ThresholdWeight,
		MarkerText: "threshold " + fmtSigned(m.ThresholdWeight, 2) + " (p " + fmtProbability(m.ThresholdProb) + ")",
	})
	v.Clusters = vbar(barChart{
		Name: "cluster-sizes", Caption: "Entities by cluster size (records per entity), log scale",
		Axis: "records in the entity", Bars: countBars(capBars(m.ClusterSizes, 40)), Log: true,
	})

	var ss []series
	for _, t := range m.Training {
		if len(t.Deltas) == 0 {
			continue
		}
		s := series{Name: t.Rule}
		for i, d := range t.Deltas {
			s.X = append(s.X, float64(i+1))
			s.Y = append(s.Y, d)
		}
		ss = append(ss, s)
	}
	v.Deltas = line(lineChart{
		Name: "em-deltas", Caption: "EM convergence: the largest parameter change per iteration, per training rule",
		XAxis: "iteration", YAxis: "largest change", Series: ss, LogY: true,
	})

	if e := m.Eval; e != nil {
		v.EvalTiles = []tile{
			{Metric: "precision", Value: ratioValue(e.Precision), Text: fmtFloat(e.Precision, 3), Label: "precision"},
			{Metric: "recall", Value: ratioValue(e.Recall), Text: fmtFloat(e.Recall, 3), Label: "recall"},
			{Metric: "f1", Value: ratioValue(e.F1), Text: fmtFloat(e.F1, 3), Label: "F1"},
		}
		curve := slices.Clone(e.Curve)
		slices.SortStableFunc(curve, func(a, b PRPoint) int { return cmp.Compare(a.Threshold, b.Threshold) })
		s := series{Name: "precision by recall"}
		for _, p := range curve {
			s.X = append(s.X, p.Recall)
			s.Y = append(s.Y, p.Precision)
			s.Tips = append(s.Tips, "threshold "+fmtSigned(p.Threshold, 2)+": precision "+fmtFloat(p.Precision, 3)+", recall "+fmtFloat(p.Recall, 3))
		}
		v.PRCurve = line(lineChart{
			Name: "pr-curve", Caption: "Precision and recall as the threshold moves",
			XAxis: "recall", YAxis: "precision", Series: []series{s}, Unit: true,
		})
	}
	return v
}

// orDash shows an empty string as a dash.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
