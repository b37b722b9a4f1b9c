package dedupe

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sync/atomic"
)

// modelVersion changes when a saved model can no longer be read as is.
const modelVersion = 1

// Model is a trained Fellegi-Sunter model: the settings it was trained
// with, the prior and every level's m and u. It saves as JSON and loads back
// for later runs.
type Model struct {
	Version     int               `json:"version"`
	Settings    Settings          `json:"settings"`
	Prior       float64           `json:"prior"`
	Comparisons []ComparisonModel `json:"comparisons"`

	// prep is the prepared table the model was trained on, so that the
	// first Scorer for the same table takes over its columns and the
	// prediction rules' blocking instead of building them again (nil when
	// loaded, and once taken: the model does not keep them alive).
	prep atomic.Pointer[prepared]
}

// ComparisonModel holds one comparison's trained levels.
type ComparisonModel struct {
	Name   string       `json:"name"`
	Levels []LevelModel `json:"levels"`
}

// LevelModel is one level: m = P(level | match), u = P(level | non-match),
// both conditional on the values being present. A null level has neither
// and weighs 0: a missing value is no evidence either way.
type LevelModel struct {
	Label string  `json:"label"`
	Null  bool    `json:"null,omitempty"`
	M     float64 `json:"m"`
	U     float64 `json:"u"`
	TF    bool    `json:"term_frequency,omitempty"`
	// Trained is false when no training rule could estimate m (every rule
	// blocked on the comparison's column) and the starting value was kept.
	Trained bool `json:"trained"`
}

// Weight is the level's match weight, log2(m/u).
func (l LevelModel) Weight() float64 {
	if l.Null || l.M <= 0 || l.U <= 0 {
		return 0
	}
	return math.Log2(l.M / l.U)
}

// PriorWeight is log2 of the prior odds of a match.
func (m *Model) PriorWeight() float64 {
	p := m.Prior
	if p <= 0 || p >= 1 {
		return 0
	}
	return math.Log2(p / (1 - p))
}

// SaveModel writes the model as indented JSON.
func SaveModel(w io.Writer, m *Model) error {
	if m == nil {
		return fmt.Errorf("save model: model is nil")
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return fmt.Errorf("save model: %w", err)
	}
	return nil
}

// LoadModel reads a model written by SaveModel and checks that it is whole.
func LoadModel(r io.Reader) (*Model, error) {
	var m Model
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	if m.Version != modelVersion {
		return nil, fmt.Errorf("load model: version %d, this build reads %d", m.Version, modelVersion)
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	return &m, nil
}

// check verifies that the model lines up with its settings, so that a
// hand-edited or truncated file fails here rather than mid-scoring.
func (m *Model) check() error {
	if errs := m.Settings.Validate(); len(errs) > 0 {
		return fmt.Errorf("settings: %w", errs[0])
	}
	if !(m.Prior > 0 && m.Prior < 1) {
		return fmt.Errorf("prior %v must be in (0,1)", m.Prior)
	}
	if len(m.Comparisons) != len(m.Settings.Comparisons) {
		return fmt.Errorf("%d comparison models for %d comparisons", len(m.Comparisons), len(m.Settings.Comparisons))
	}
	for c, cm := range m.Comparisons {
		if len(cm.Levels) != len(m.Settings.Comparisons[c].Levels) {
			return fmt.Errorf("comparison %q: %d levels, settings have %d", cm.Name, len(cm.Levels), len(m.Settings.Comparisons[c].Levels))
		}
		for l, lv := range cm.Levels {
			if lv.Null {
				continue
			}
			if !(lv.M > 0 && lv.M <= 1) || !(lv.U > 0 && lv.U <= 1) {
				return fmt.Errorf("comparison %q level %d: m=%v u=%v must be in (0,1]", cm.Name, l, lv.M, lv.U)
			}
		}
	}
	return nil
}

// probability turns a match weight (prior included) into a probability.
func probability(w float64) float64 {
	return 1 / (1 + math.Exp2(-w))
}
