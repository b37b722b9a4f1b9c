package score

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Explanation is how one entity's points added up, for
// `leadsmith score --explain ENTITY_ID`. String formats it for a terminal.
type Explanation struct {
	RunTime    time.Time
	Fit        FitExplanation
	Engagement EngagementExplanation
	Result     Result // without routing
}

// FitExplanation lists every fit rule and whether it held.
type FitExplanation struct {
	Base   int
	Rules  []FitLine
	Raw    int // base + matched points, before clamping to 0-100
	Score  int
	Grade  int
	Grade1 int
	Grade2 int
}

// FitLine is one fit rule's contribution.
type FitLine struct {
	Name    string
	When    string
	Matched bool
	Points  int
}

// EngagementExplanation shows the decay of every event and the effect of
// caps per category.
type EngagementExplanation struct {
	HalfLifeDays float64
	Events       []EventLine
	Categories   []CategoryLine
	Score        float64
	Grade        string
	Unknown      int
}

// EventLine is one event: Decayed = Points * Factor, Factor = 0.5^(AgeDays /
// half-life). Period is the cap period (0 = the latest PeriodDays), -1 when
// the category is not capped.
type EventLine struct {
	Type     string
	URL      string
	At       time.Time
	Category string // "unknown" for a type the config does not know
	AgeDays  float64
	Points   float64
	Factor   float64
	Decayed  float64
	Period   int
	InWindow bool // recent enough for the funnel stage
}

// CategoryLine sums one category. Scored is what it contributed after caps.
type CategoryLine struct {
	Category      string
	Events        int
	RawPoints     float64
	DecayedPoints float64
	Scored        float64
	CapPoints     float64 // 0 when not capped
	CapPeriodDays float64
	CappedPeriods int // periods whose raw points exceeded the cap
}

// Explain scores one entity and records every step.
func (m *Model) Explain(row Row, events []Event) *Explanation {
	s := m.NewScorer()
	x := &Explanation{RunTime: m.runTime, Result: s.Score(row, events)}
	e := env{row: row, ext: &s.ext} // Score has filled ext
	x.Fit = FitExplanation{Base: m.fitBase, Raw: m.fitBase, Score: x.Result.FitScore, Grade: x.Result.FitGrade,
		Grade1: m.grade1, Grade2: m.grade2}
	for _, r := range m.fit {
		ok := r.p(&e)
		if ok {
			x.Fit.Raw += r.points
		}
		x.Fit.Rules = append(x.Fit.Rules, FitLine{Name: r.name, When: r.when, Matched: ok, Points: r.points})
	}
	var trace []eventTrace
	var acc []capAcc
	out := m.eng.score(events, &acc, &trace)
	g := &x.Engagement
	g.HalfLifeDays, g.Score, g.Grade, g.Unknown = m.eng.halfLifeSec/86400, out.score, m.eng.grade(out.score), out.unknown
	byCat := map[string]*CategoryLine{}
	line := func(name string) *CategoryLine {
		if l, ok := byCat[name]; ok {
			return l
		}
		l := &CategoryLine{Category: name}
		byCat[name] = l
		return l
	}
	for _, t := range trace {
		name := "unknown"
		if t.cat != unknownCat {
			name = m.eng.cats[t.cat].name
		}
		g.Events = append(g.Events, EventLine{Type: t.ev.Type, URL: t.ev.URL, At: t.ev.At, Category: name,
			AgeDays: t.ageDays, Points: t.points, Factor: t.factor, Decayed: t.decayed, Period: t.bucket, InWindow: t.inWindow})
		l := line(name)
		l.Events++
		l.RawPoints += t.points
		l.DecayedPoints += t.decayed
		if t.cat != unknownCat && m.eng.cats[t.cat].cap < 0 {
			l.Scored += t.decayed
		}
	}
	for i := range acc {
		c := &m.eng.cats[acc[i].cat]
		l := line(c.name)
		cp := m.eng.caps[c.cap]
		l.CapPoints, l.CapPeriodDays = cp.max, cp.periodSec/86400
		l.Scored += m.eng.capped(&acc[i])
		if abs(acc[i].raw) > cp.max {
			l.CappedPeriods++
		}
	}
	for _, l := range byCat {
		g.Categories = append(g.Categories, *l)
	}
	sort.Slice(g.Categories, func(i, j int) bool { return g.Categories[i].Category < g.Categories[j].Category })
	return x
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// String formats the explanation as a waterfall, rule by rule and category
// by category.
func (x *Explanation) String() string {
	var b strings.Builder
	r := x.Result
	fmt.Fprintf(&b, "lead rank %s (fit grade %d, engagement grade %s), MQL %t, funnel %s, segment %s\n",
		r.LeadRank, r.FitGrade, r.EngagementGrade, r.IsMQL, r.FunnelStage, r.Segment)
	f := x.Fit
	fmt.Fprintf(&b, "\nfit score %d (grade 1 >= %d, grade 2 >= %d)\n  base %+d\n", f.Score, f.Grade1, f.Grade2, f.Base)
	for _, l := range f.Rules {
		mark := "  "
		if l.Matched {
			mark = "+ "
		}
		pts := "-"
		if l.Matched {
			pts = fmt.Sprintf("%+d", l.Points)
		}
		fmt.Fprintf(&b, "  %s%-24s %5s  (%+d if %s)\n", mark, l.Name, pts, l.Points, l.When)
	}
	if f.Raw != f.Score {
		fmt.Fprintf(&b, "  = %d, clamped to %d\n", f.Raw, f.Score)
	} else {
		fmt.Fprintf(&b, "  = %d\n", f.Raw)
	}
	g := x.Engagement
	fmt.Fprintf(&b, "\nengagement score %.2f, grade %s (half-life %g days, run time %s)\n", g.Score, g.Grade, g.HalfLifeDays, x.RunTime.UTC().Format(time.RFC3339))
	for _, e := range g.Events {
		period := ""
		if e.Period >= 0 {
			period = fmt.Sprintf("  cap period %d", e.Period)
		}
		fmt.Fprintf(&b, "  %s  %-18s %-16s %6.1f d  %+g x %.4f = %+.3f%s  %s\n", e.At.UTC().Format("2006-01-02 15:04"),
			e.Type, e.Category, e.AgeDays, e.Points, e.Factor, e.Decayed, period, e.URL)
	}
	b.WriteString("  by category:\n")
	for _, c := range g.Categories {
		capNote := ""
		if c.CapPoints > 0 {
			capNote = fmt.Sprintf("  cap %g per %g d, hit in %d period(s)", c.CapPoints, c.CapPeriodDays, c.CappedPeriods)
		}
		fmt.Fprintf(&b, "    %-20s %4d events  raw %+8.2f  decayed %+8.3f  scored %+8.3f%s\n",
			c.Category, c.Events, c.RawPoints, c.DecayedPoints, c.Scored, capNote)
	}
	if g.Unknown > 0 {
		fmt.Fprintf(&b, "  %d event(s) of unknown type scored 0\n", g.Unknown)
	}
	return b.String()
}
