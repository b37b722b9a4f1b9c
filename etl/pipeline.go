package etl

// Pipeline is the ordered list of stages that `leadsmith run` executes,
// and the one place that says which stages exist: the CLI makes a command
// of each, and publish asks each what it publishes. A new stage slots in
// here; the runner does not change.
func Pipeline() []Stage {
	stages := []Stage{Extract{}, Normalize{}, Dedupe{}, Score{}}
	return append(stages, Publish{Stages: stages})
}

// Publishes implements Publisher: until later stages exist, contacts are
// the extracted records; every row extract could not read is a reject.
func (Extract) Publishes() []Publication {
	return []Publication{{Dataset: "contacts", Staged: "raw", Segmented: true}, {Dataset: "rejects", Staged: "rejects"}}
}

// Publishes implements Publisher.
func (Normalize) Publishes() []Publication {
	return []Publication{{Dataset: "contacts", Staged: "normalized", Segmented: true}, {Dataset: "rejects", Staged: "rejects"}}
}

// Publishes implements Publisher.
func (Dedupe) Publishes() []Publication {
	return []Publication{{Dataset: "contacts", Staged: "golden", Segmented: true}, {Dataset: "rejects", Staged: "rejects"}}
}

// Publishes implements Publisher.
func (Score) Publishes() []Publication {
	return []Publication{{Dataset: "contacts", Staged: "contacts", Segmented: true}, {Dataset: "routing", Staged: "routing"}, {Dataset: "rejects", Staged: "rejects"}}
}

// Summary is the stage's one-line description (the CLI's help).
func (Extract) Summary() string {
	return "Read every source into the staged raw dataset; unreadable rows go to rejects"
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

// Summary is the stage's one-line description.
func (Publish) Summary() string {
	return "Publish the run's datasets and state to the output, committed by _SUCCESS"
}
