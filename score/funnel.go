package score

// Funnel stages by strength; a category's funnel level is one of these.
const (
	stageAwareness = iota
	stageInterest
	stageConsideration
	stageDecision
	stageCustomer
)

// FunnelStages names the stages, weakest first.
var FunnelStages = [5]string{"awareness", "interest", "consideration", "decision", "customer"}

// assignFunnelLevels marks each category with the strongest stage that lists
// it, so scoring finds an event's stage with one field read.
func assignFunnelLevels(cats []category, byName map[string]int, funnel FunnelConfig) {
	for _, st := range []struct {
		level int8
		names []string
	}{{stageDecision, funnel.Decision}, {stageConsideration, funnel.Consideration}, {stageInterest, funnel.Interest}} {
		for _, n := range st.names {
			if i, ok := byName[n]; ok && cats[i].funnel < st.level {
				cats[i].funnel = st.level
			}
		}
	}
}
