package profiling

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/storage"
	"github.com/leadsmith/leadsmith/report"
)

// noteAs decodes one of a stage marker's notes into v (notes come back
// from JSON as maps); false when the note is absent or of another shape.
func noteAs(st *etl.StageResult, name string, v any) bool {
	raw, ok := st.Notes[name]
	if !ok || raw == nil {
		return false
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return false
	}
	return json.Unmarshal(b, v) == nil
}

// matchSection gathers dedupe's diagnostics: blocking (from the stage's
// notes), the model it matched with (model.json beside its outputs), EM
// training and the weight histogram of every scored pair.
func matchSection(ctx context.Context, rc *etl.RunContext, dd *etl.StageResult) (*report.MatchSection, error) {
	ms := &report.MatchSection{Records: dd.RowsIn, Entities: dd.RowsOut}
	var blocking dedupe.BlockingReport
	if noteAs(dd, "blocking", &blocking) {
		var cum int64
		for _, r := range blocking.Rules {
			cum += r.Pairs
			ms.Rules = append(ms.Rules, report.BlockRule{Name: r.Name, Pairs: r.Pairs, Cumulative: cum, Blocks: r.Blocks,
				CappedBlocks: r.CappedBlocks, SkippedPairs: r.SkippedPairs})
		}
		for _, b := range blocking.LargestBlocks {
			ms.LargestBlocks = append(ms.LargestBlocks, report.Block{Rule: b.Rule, Size: b.Size, Capped: b.Capped})
		}
		for k, n := range blocking.Weights.Counts {
			lo := blocking.Weights.Lo + float64(k)
			ms.Histogram = append(ms.Histogram, report.Bin{Lo: lo, Hi: lo + 1, N: n})
		}
	}
	var train dedupe.TrainReport
	incremental, _ := dd.Notes["incremental"].(bool)
	switch {
	case noteAs(dd, "training", &train) && train.Rules != nil:
		ms.ModelSource = "trained"
		for _, r := range train.Rules {
			ms.Training = append(ms.Training, report.TrainRule{Rule: r.Rule, Pairs: r.Pairs, Iterations: r.Iterations,
				Converged: r.Converged, MatchShare: r.MatchShare, Deltas: r.Deltas})
		}
		ms.UntrainedCompares = train.Untrained
	case incremental:
		ms.ModelSource = "store"
	default:
		var loaded struct {
			From string `json:"loaded_from"`
		}
		if noteAs(dd, "training", &loaded) && loaded.From != "" {
			ms.ModelSource = "loaded"
		} else {
			ms.ModelSource = "none"
		}
	}
	var model *dedupe.Model
	if dd.RowsIn >= 2 { // fewer records have nothing to match and no model
		var err error
		if model, err = loadModel(ctx, rc); err != nil {
			return nil, err
		}
	}
	if model != nil {
		ms.Prior = model.Prior
		ms.PriorWeight = model.PriorWeight()
		for _, c := range model.Comparisons {
			rc := report.Comparison{Name: c.Name}
			for _, l := range c.Levels {
				rc.Levels = append(rc.Levels, report.Level{Label: l.Label, M: l.M, U: l.U, Weight: l.Weight(), Null: l.Null, Trained: l.Trained})
			}
			ms.Comparisons = append(ms.Comparisons, rc)
		}
		p := model.Settings.Resolved().Threshold
		ms.ThresholdProb = p
		if p > 0 && p < 1 {
			ms.ThresholdWeight = math.Log2(p / (1 - p))
		}
	}
	return ms, nil
}

// loadModel reads the model dedupe matched with; nil when it wrote none.
func loadModel(ctx context.Context, rc *etl.RunContext) (*dedupe.Model, error) {
	r, err := rc.Work.Open(ctx, rc.StagePrefix("dedupe")+"model.json")
	if errors.Is(err, storage.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read dedupe model: %w", err)
	}
	defer r.Close()
	m, err := dedupe.LoadModel(r)
	if err != nil {
		return nil, fmt.Errorf("read dedupe model: %w", err)
	}
	return m, nil
}
