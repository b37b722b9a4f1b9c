package etl

// Pipeline is the ordered list of stages that `leadsmith run` executes.
// A new stage slots in here; the runner does not change.
func Pipeline() []Stage {
	return []Stage{Extract{}, Normalize{}, Dedupe{}, Score{}, Publish{}}
}
