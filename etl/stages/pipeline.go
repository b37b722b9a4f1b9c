package stages

import (
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/extract"
)

// Pipeline is the ordered list of stages that `leadsmith run` executes,
// and the one place that says which stages exist: the CLI makes a command
// of each, and publish asks each what it publishes. A new stage slots in
// here; the runner does not change.
func Pipeline() []etl.Stage {
	stages := []etl.Stage{extract.Stage{}, Normalize{}, Dedupe{}, Enrich{}, Score{}}
	return append(stages, etl.Publish{Stages: stages})
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
