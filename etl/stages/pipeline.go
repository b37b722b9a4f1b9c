package stages

import (
	"context"
	"slices"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/extract"
	"github.com/leadsmith/leadsmith/etl/profiling"
	"github.com/leadsmith/leadsmith/report"
)

// Pipeline is the ordered list of stages that `leadsmith run` executes,
// and the one place that says which stages exist: the CLI makes a command
// of each, and publish asks each what it publishes. A new stage slots in
// here; the runner does not change.
func Pipeline() []etl.Stage {
	stages := []etl.Stage{extract.Stage{}, Normalize{}, Dedupe{}, Enrich{}, Score{}}
	stages = append(stages, profiling.Stage{Before: slices.Clone(stages), Evaluate: evaluateForReport})
	return append(stages, etl.Publish{Stages: stages})
}

// evaluateForReport is Evaluate in the report's terms: the clustering's
// pairwise precision, recall and F1, and the precision-recall curve over
// the threshold sweep.
func evaluateForReport(ctx context.Context, rc *etl.RunContext, truthColumn string) (*report.Eval, error) {
	er, err := Evaluate(ctx, rc, truthColumn)
	if err != nil {
		return nil, err
	}
	ev := &report.Eval{TruthColumn: truthColumn, Precision: er.Metrics.Precision, Recall: er.Metrics.Recall, F1: er.Metrics.F1}
	for _, p := range er.Sweep {
		ev.Curve = append(ev.Curve, report.PRPoint{Threshold: p.Threshold, Precision: p.Precision, Recall: p.Recall})
	}
	return ev, nil
}

// Publishes implements Publisher.
func (Normalize) Publishes() []etl.Publication {
	return []etl.Publication{{Dataset: "contacts", Staged: "normalized", Segmented: true}, {Dataset: "rejects", Staged: "rejects"}}
}

// Publishes implements Publisher.
func (Dedupe) Publishes() []etl.Publication {
	return []etl.Publication{{Dataset: "contacts", Staged: "golden", Segmented: true}, {Dataset: "entity_changes", Staged: "entity_changes"},
		{Dataset: "record_map", Staged: "record_map"}, {Dataset: "rejects", Staged: "rejects"}}
}

// Publishes implements Publisher.
func (Score) Publishes() []etl.Publication {
	return []etl.Publication{{Dataset: "contacts", Staged: "contacts", Segmented: true}, {Dataset: "accounts", Staged: "accounts"},
		{Dataset: "routing", Staged: "routing"}, {Dataset: "rejects", Staged: "rejects"}}
}

// Summary is the stage's one-line description.
func (Normalize) Summary() string {
	return "Normalize names, emails, phones, titles, industries, revenue, size and geography"
}

// Summary is the stage's one-line description.
func (Dedupe) Summary() string {
	return "Match, cluster and merge records of the same person into golden records"
}

// Summary is the stage's one-line description.
func (Score) Summary() string { return "Score fit and engagement, segment and route" }
