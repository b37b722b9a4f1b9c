package score

// segmentRule is one compiled `score.segments` entry.
type segmentRule struct {
	name string
	p    pred
}

// segment is the first segment whose rule holds; first match wins so users
// order rules from most to least specific.
func (m *Model) segment(e *env) string {
	for i := range m.segments {
		if m.segments[i].p(e) {
			return m.segments[i].name
		}
	}
	return m.defSeg
}
