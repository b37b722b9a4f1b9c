package score

type fitRule struct {
	name   string
	when   string
	points int
	p      pred
}

// fitScore adds the points of every rule that holds to the base; clamping
// keeps a pile-up of negative rules from producing a score below the scale.
func (m *Model) fitScore(e *env) (score, grade int) {
	score = m.fitBase
	for i := range m.fit {
		if m.fit[i].p(e) {
			score += m.fit[i].points
		}
	}
	score = min(max(score, 0), 100)
	switch {
	case score >= m.grade1:
		return score, 1
	case score >= m.grade2:
		return score, 2
	}
	return score, 3
}
