package score

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// Validate checks the config on its own, without knowing the columns: every
// expression's syntax, every name that refers to another part of the
// config, every threshold. Compile adds the checks that need the columns.
// Each error starts with the field's path (score.fit.rules[2].points: ...).
func (c Config) Validate() []error {
	var v validator
	for col, vals := range c.Ordinals {
		p := "score.ordinals." + col
		if len(vals) == 0 {
			v.add(p, "must list at least one value")
		}
		seen := map[string]bool{}
		for i, s := range vals {
			if seen[s] {
				v.add(fmt.Sprintf("%s[%d]", p, i), "duplicate value %q", s)
			}
			seen[s] = true
		}
	}
	c.validateFit(&v)
	cats := c.validateEngagement(&v)
	c.validateHistory(&v)
	v.expr("score.mql_when", c.MQLWhen, true)
	for _, rank := range Ranks {
		a, ok := c.Actions[rank]
		p := "score.actions." + rank
		if !ok {
			v.add(p, "missing: every rank 1A..3C needs an action")
			continue
		}
		if !safeName(a.Queue) {
			v.add(p+".queue", "%q must be letters, digits, _ - . only", a.Queue)
		}
		if a.SLAHours < 0 || math.IsNaN(a.SLAHours) || a.SLAHours > 24*366 {
			v.add(p+".sla_hours", "%v must be between 0 (none) and 8784", a.SLAHours)
		}
	}
	for rank := range c.Actions {
		if rankIndex(rank) < 0 {
			v.add("score.actions."+rank, "not a lead rank (1A..3C)")
		}
	}
	if !(c.Funnel.WindowDays > 0) {
		v.add("score.funnel.window_days", "%v must be above 0", c.Funnel.WindowDays)
	}
	v.expr("score.funnel.customer_when", c.Funnel.CustomerWhen, false)
	for _, st := range []struct {
		name  string
		names []string
	}{{"decision", c.Funnel.Decision}, {"consideration", c.Funnel.Consideration}, {"interest", c.Funnel.Interest}} {
		for i, n := range st.names {
			if !cats[n] {
				v.add(fmt.Sprintf("score.funnel.%s[%d]", st.name, i), "%q is neither an event type in score.engagement.events nor a URL rule name", n)
			}
		}
	}
	segs := map[string]bool{}
	for i, s := range c.Segments {
		p := fmt.Sprintf("score.segments[%d]", i)
		if !safeName(s.Name) {
			v.add(p+".name", "%q must be letters, digits, _ - . only (it becomes a partition value)", s.Name)
		} else if segs[s.Name] {
			v.add(p+".name", "duplicate segment %q", s.Name)
		}
		segs[s.Name] = true
		v.expr(p+".when", s.When, true)
	}
	if !safeName(c.DefaultSegment) {
		v.add("score.default_segment", "%q must be letters, digits, _ - . only (it becomes a partition value)", c.DefaultSegment)
	}
	c.validateRouting(&v)
	return v.errs
}

func (c Config) validateFit(v *validator) {
	if c.Fit.Base < -100 || c.Fit.Base > 100 {
		v.add("score.fit.base", "%d must be between -100 and 100", c.Fit.Base)
	}
	for i, r := range c.Fit.Rules {
		p := fmt.Sprintf("score.fit.rules[%d]", i)
		v.expr(p+".when", r.When, true)
		if r.Points < -100 || r.Points > 100 {
			v.add(p+".points", "%d must be between -100 and 100", r.Points)
		}
	}
	g := c.Fit.Grades
	if g.Grade1 < 0 || g.Grade1 > 100 {
		v.add("score.fit.grades.grade_1", "%d must be between 0 and 100", g.Grade1)
	}
	if g.Grade2 < 0 || g.Grade2 >= g.Grade1 {
		v.add("score.fit.grades.grade_2", "%d must be at least 0 and below grade_1 (%d)", g.Grade2, g.Grade1)
	}
}

// validateEngagement returns the category names (event types and URL
// rules) for the checks that refer to them.
func (c Config) validateEngagement(v *validator) map[string]bool {
	e := c.Engagement
	if !(e.HalfLifeDays > 0) || math.IsInf(e.HalfLifeDays, 0) {
		v.add("score.engagement.half_life_days", "%v must be a positive number of days", e.HalfLifeDays)
	}
	cats := map[string]bool{}
	for _, t := range sortedKeys(e.Events) {
		if t == "" {
			v.add("score.engagement.events", "an event type must have a name")
		}
		if p := e.Events[t]; math.IsNaN(p) || math.IsInf(p, 0) {
			v.add("score.engagement.events."+t, "%v is not a number of points", p)
		}
		cats[t] = true
	}
	for i, u := range e.URLs {
		p := fmt.Sprintf("score.engagement.urls[%d]", i)
		switch {
		case u.Name == "":
			v.add(p+".name", "a URL rule needs a name (it is its category in caps, funnel and --explain)")
		case cats[u.Name]:
			v.add(p+".name", "%q is already an event type or URL rule", u.Name)
		}
		cats[u.Name] = true
		for j, t := range u.EventTypes {
			if _, ok := e.Events[t]; !ok {
				v.add(fmt.Sprintf("%s.event_types[%d]", p, j), "unknown event type %q (not in score.engagement.events)", t)
			}
		}
		if len(u.Patterns) == 0 {
			v.add(p+".patterns", "must list at least one path pattern")
		}
		for j, pat := range u.Patterns {
			if pat == "" {
				v.add(fmt.Sprintf("%s.patterns[%d]", p, j), "empty pattern")
			}
		}
		if math.IsNaN(u.Points) || math.IsInf(u.Points, 0) {
			v.add(p+".points", "%v is not a number of points", u.Points)
		}
	}
	capped := map[string]bool{}
	for i, cp := range e.Caps {
		p := fmt.Sprintf("score.engagement.caps[%d]", i)
		switch {
		case !cats[cp.Category]:
			v.add(p+".category", "%q is neither an event type nor a URL rule name", cp.Category)
		case capped[cp.Category]:
			v.add(p+".category", "%q is already capped", cp.Category)
		}
		capped[cp.Category] = true
		if !(cp.MaxPoints > 0) || math.IsInf(cp.MaxPoints, 0) {
			v.add(p+".max_points", "%v must be above 0", cp.MaxPoints)
		}
		if !(cp.PeriodDays > 0) || math.IsInf(cp.PeriodDays, 0) {
			v.add(p+".period_days", "%v must be above 0", cp.PeriodDays)
		}
	}
	if math.IsNaN(e.Grades.A) || math.IsNaN(e.Grades.B) || e.Grades.B >= e.Grades.A {
		v.add("score.engagement.grades.b", "%v must be below a (%v)", e.Grades.B, e.Grades.A)
	}
	return cats
}

func (c Config) validateRouting(v *validator) {
	r := c.Routing
	if !safeName(r.FallbackQueue) {
		v.add("score.routing.fallback_queue", "%q must be letters, digits, _ - . only", r.FallbackQueue)
	}
	teams := map[string]bool{}
	for i, t := range r.Teams {
		p := fmt.Sprintf("score.routing.teams[%d]", i)
		switch {
		case t.Name == "":
			v.add(p+".name", "a team needs a name")
		case teams[t.Name]:
			v.add(p+".name", "duplicate team %q", t.Name)
		}
		teams[t.Name] = true
		for j, m := range t.Members {
			if m == "" {
				v.add(fmt.Sprintf("%s.members[%d]", p, j), "empty member name")
			} else if slices.Index(t.Members, m) < j {
				v.add(fmt.Sprintf("%s.members[%d]", p, j), "duplicate member %q", m)
			}
		}
	}
	for i, t := range r.Territories {
		p := fmt.Sprintf("score.routing.territories[%d]", i)
		if t.Name == "" {
			v.add(p+".name", "a territory needs a name (route_reason cites it)")
		}
		if !teams[t.Team] {
			v.add(p+".team", "unknown team %q (not in score.routing.teams)", t.Team)
		}
		v.expr(p+".when", t.When, true)
	}
}

type validator struct{ errs []error }

func (v *validator) add(path, format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
}

// expr checks syntax only; names and types need the columns (Compile).
func (v *validator) expr(path, src string, required bool) {
	if src == "" {
		if required {
			v.add(path, "missing expression")
		}
		return
	}
	if _, err := parseExpr(src); err != nil {
		v.errs = append(v.errs, fmt.Errorf("%s: %w", path, err))
	}
}

// safeName reports whether s can be a Hive partition value or queue name
// without escaping: letters, digits, _ - . and not a path step.
func safeName(s string) bool {
	if s == "" || s == "." || s == ".." {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isIdentStart(c) || isDigit(c) || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
