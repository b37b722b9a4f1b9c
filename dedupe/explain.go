package dedupe

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Explanation is the waterfall of one pair's score: the prior, then each
// comparison's level and weight with the running total, then the result.
type Explanation struct {
	Left        string        `json:"left"`
	Right       string        `json:"right"`
	Prior       float64       `json:"prior"`
	PriorWeight float64       `json:"prior_weight"`
	Steps       []ExplainStep `json:"steps"`
	MatchWeight float64       `json:"match_weight"`
	Probability float64       `json:"match_probability"`
}

// ExplainStep is one comparison's contribution.
type ExplainStep struct {
	Comparison string `json:"comparison"`
	Level      int    `json:"level"`
	Label      string `json:"label"`
	// LeftValue and RightValue are the compared column's values.
	LeftValue  string `json:"left_value"`
	RightValue string `json:"right_value"`
	// Weight is log2(m/u) of the level; TFAdjustment is the extra weight
	// for agreeing on a rare (positive) or common (negative) value.
	Weight       float64 `json:"weight"`
	TFAdjustment float64 `json:"tf_adjustment"`
	Running      float64 `json:"running"`
}

// Explain scores records i and j (table positions) and returns the
// waterfall; its MatchWeight equals what Predict computes for the pair.
func (s *Scorer) Explain(i, j int) (Explanation, error) {
	n := s.t.Len()
	if i < 0 || j < 0 || i >= n || j >= n {
		return Explanation{}, fmt.Errorf("explain: records %d, %d outside 0..%d", i, j, n-1)
	}
	e := Explanation{Left: s.t.IDs[i], Right: s.t.IDs[j], Prior: s.model.Prior, PriorWeight: s.priorW}
	run := s.priorW
	for c, cc := range s.comps {
		l := cc.Level(int32(i), int32(j))
		st := ExplainStep{
			Comparison: cc.Name(),
			Level:      int(l),
			Label:      s.model.Comparisons[c].Levels[l].Label,
			LeftValue:  s.t.Cols[s.model.Settings.Comparisons[c].Column][i],
			RightValue: s.t.Cols[s.model.Settings.Comparisons[c].Column][j],
			Weight:     s.levelWeight(c, l),
		}
		if int(l) == s.tfLevel[c] {
			st.TFAdjustment = s.tfAdj[c][s.tfIDs[c][i]]
		}
		run += st.Weight + st.TFAdjustment
		st.Running = run
		e.Steps = append(e.Steps, st)
	}
	e.MatchWeight = run
	e.Probability = probability(run)
	return e, nil
}

// WriteText writes the waterfall as an aligned table.
func (e Explanation) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "pair\t%s\t%s\n", e.Left, e.Right)
	fmt.Fprintf(tw, "step\tlevel\tleft\tright\tweight\ttf\trunning\n")
	fmt.Fprintf(tw, "prior (%.3g)\t\t\t\t%+.2f\t\t%+.2f\n", e.Prior, e.PriorWeight, e.PriorWeight)
	for _, s := range e.Steps {
		tf := ""
		if s.TFAdjustment != 0 {
			tf = fmt.Sprintf("%+.2f", s.TFAdjustment)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%+.2f\t%s\t%+.2f\n", s.Comparison, s.Label, clip(s.LeftValue), clip(s.RightValue), s.Weight, tf, s.Running)
	}
	fmt.Fprintf(tw, "match weight\t\t\t\t\t\t%+.2f\n", e.MatchWeight)
	fmt.Fprintf(tw, "probability\t\t\t\t\t\t%.6f\n", e.Probability)
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write explanation: %w", err)
	}
	return nil
}

// String is WriteText into a string.
func (e Explanation) String() string {
	var b strings.Builder
	_ = e.WriteText(&b) // a strings.Builder does not fail
	return b.String()
}

// clip keeps long values from stretching the table; tabs and newlines
// would break its columns.
func clip(s string) string {
	s = strings.NewReplacer("\t", " ", "\n", " ").Replace(s)
	if r := []rune(s); len(r) > 30 {
		return string(r[:29]) + "…"
	}
	return s
}
