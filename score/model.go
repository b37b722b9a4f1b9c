package score

import (
	"errors"
	"fmt"
	"time"
)

// Computed fields that later expressions may read, by virtual slot.
const (
	vFitScore = iota
	vFitGrade
	vEngagementScore
	vEngagementGrade
	vLeadRank
	vFunnelStage
	vIsMQL
	vSegment
	vQueue
	numVirtual
)

// Expression stages: an expression of stage s may read computed fields of a
// stage below s, because those are known by the time it runs.
const (
	exprFit      = 1 // fit rules: the row only
	exprCustomer = 2 // funnel customer flag: + scores, grades, rank
	exprMQL      = 3 // + funnel_stage
	exprSegment  = 4 // + is_mql
	exprRoute    = 6 // + segment, queue
)

type virtualField struct {
	slot  int
	kind  ColumnKind
	stage int
}

var virtualByName = map[string]virtualField{
	"fit_score":        {vFitScore, Number, 1},
	"fit_grade":        {vFitGrade, Number, 1},
	"engagement_score": {vEngagementScore, Number, 1},
	"engagement_grade": {vEngagementGrade, String, 1},
	"lead_rank":        {vLeadRank, String, 1},
	"funnel_stage":     {vFunnelStage, String, 2},
	"is_mql":           {vIsMQL, Bool, 3},
	"segment":          {vSegment, String, 4},
	"queue":            {vQueue, String, 5},
}

// Result is what the score stage adds to one entity. Owner "" is null;
// SLADueAt zero is null.
type Result struct {
	FitScore        int // 0-100, clamped
	FitGrade        int // 1 (best), 2, 3
	EngagementScore float64
	EngagementGrade string // "A", "B", "C"
	LeadRank        string // "1A".."3C"
	IsMQL           bool
	FunnelStage     string
	Segment         string
	Owner           string
	Queue           string
	Team            string // the team routed to; "" when none
	SLADueAt        time.Time
	RouteReason     string
	Events          int // events scored for the entity
	UnknownEvents   int // of which of a type the config does not know (0 points)
}

// Model is a compiled Config bound to a column layout and a run time. It is
// safe for concurrent use; Scorer and Router carry the per-goroutine state.
type Model struct {
	runTime  time.Time
	fitBase  int
	fit      []fitRule
	grade1   int
	grade2   int
	eng      engagement
	mql      pred
	customer pred // nil: no customer flag
	actions  [9]action
	segments []segmentRule
	defSeg   string
	routing  routing
}

// Compile checks cfg, resolves every column name against cols and compiles
// every expression. Errors name the config path and rule; all are reported
// together (errors.Join).
func Compile(cfg Config, cols []Column, runTime time.Time) (*Model, error) {
	if errs := cfg.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("invalid score config: %w", errors.Join(errs...))
	}
	m := &Model{runTime: runTime, fitBase: cfg.Fit.Base,
		grade1: cfg.Fit.Grades.Grade1, grade2: cfg.Fit.Grades.Grade2, defSeg: cfg.DefaultSegment}
	c := newCompiler(cfg, cols)
	for i, r := range cfg.Fit.Rules {
		p := c.expr(fmt.Sprintf("score.fit.rules[%d].when", i), r.Name, r.When, exprFit)
		m.fit = append(m.fit, fitRule{name: r.Name, when: r.When, points: r.Points, p: p})
	}
	m.eng = compileEngagement(cfg.Engagement, cfg.Funnel, runTime)
	m.mql = c.expr("score.mql_when", "", cfg.MQLWhen, exprMQL)
	switch {
	case cfg.Funnel.CustomerWhen != "":
		m.customer = c.expr("score.funnel.customer_when", "", cfg.Funnel.CustomerWhen, exprCustomer)
	case hasColumn(cols, CustomerFlag):
		m.customer = c.expr("score.funnel.customer_when", "", CustomerFlag, exprCustomer)
	}
	m.actions = compileActions(cfg.Actions, runTime)
	for i, s := range cfg.Segments {
		p := c.expr(fmt.Sprintf("score.segments[%d].when", i), s.Name, s.When, exprSegment)
		m.segments = append(m.segments, segmentRule{name: s.Name, p: p})
	}
	m.routing = compileRouting(cfg.Routing, c)
	if len(c.errs) > 0 {
		return nil, fmt.Errorf("compile score config: %w", errors.Join(c.errs...))
	}
	return m, nil
}

func hasColumn(cols []Column, name string) bool {
	for _, c := range cols {
		if c.Name == name {
			return true
		}
	}
	return false
}

// compiler collects errors so one run of `leadsmith config validate` shows
// every mistake, not just the first.
type compiler struct {
	res  resolver
	errs []error
}

func newCompiler(cfg Config, cols []Column) *compiler {
	c := &compiler{res: resolver{cols: make(map[string]int, len(cols)), ordinals: ordinalTables(cfg.Ordinals)}}
	for i, col := range cols {
		if _, dup := c.res.cols[col.Name]; !dup {
			c.res.cols[col.Name] = i
		}
		c.res.kinds = append(c.res.kinds, col.Kind)
	}
	return c
}

func ordinalTables(in map[string][]string) map[string]map[string]int {
	out := make(map[string]map[string]int, len(in))
	for col, vals := range in {
		t := make(map[string]int, len(vals))
		for i, v := range vals {
			t[v] = i
		}
		out[col] = t
	}
	return out
}

// expr compiles one expression; on error it records it and returns a
// predicate that is never true, so compilation can go on to find more.
func (c *compiler) expr(path, rule, src string, stage int) pred {
	n, err := parseExpr(src)
	if err == nil {
		c.res.stage = stage
		var p pred
		if p, err = c.res.compile(n); err == nil {
			return p
		}
	}
	if rule != "" {
		path = fmt.Sprintf("%s (rule %q)", path, rule)
	}
	c.errs = append(c.errs, fmt.Errorf("%s: %w", path, err))
	return constPred(false)
}

// RunTime is the run's as-of: the time scores decay to, funnel windows
// count back from and SLAs count from. Nothing here reads the wall clock.
func (m *Model) RunTime() time.Time { return m.runTime }

// Scorer scores entities one at a time with reusable scratch space. It is
// not safe for concurrent use; make one per goroutine.
type Scorer struct {
	m   *Model
	acc []capAcc
	ext [numVirtual]Value
	env env // held here, not on the stack: closures would make it escape per call
}

// NewScorer returns a Scorer for m.
func (m *Model) NewScorer() *Scorer {
	s := &Scorer{m: m, acc: make([]capAcc, 0, 16)}
	s.env.ext = &s.ext
	return s
}

// Score computes everything but routing for one entity; events are that
// entity's events, in any order. Queue and SLADueAt are the rank's action;
// Router.Route completes owner, queue and route_reason.
func (s *Scorer) Score(row Row, events []Event) Result {
	m := s.m
	e := &s.env
	e.row = row
	defer func() { e.row = nil }() // do not pin the caller's row
	var r Result
	r.FitScore, r.FitGrade = m.fitScore(e)
	eo := m.eng.score(events, &s.acc, nil)
	r.EngagementScore, r.EngagementGrade = eo.score, m.eng.grade(eo.score)
	r.Events, r.UnknownEvents = eo.events, eo.unknown
	rank := leadRank(r.FitGrade, r.EngagementGrade)
	r.LeadRank = Ranks[rank]
	s.ext[vFitScore] = Value{Num: float64(r.FitScore)}
	s.ext[vFitGrade] = Value{Num: float64(r.FitGrade)}
	s.ext[vEngagementScore] = Value{Num: r.EngagementScore}
	s.ext[vEngagementGrade] = Value{Str: r.EngagementGrade}
	s.ext[vLeadRank] = Value{Str: r.LeadRank}
	stage := eo.funnel
	if m.customer != nil && m.customer(e) {
		stage = stageCustomer
	}
	r.FunnelStage = FunnelStages[stage]
	s.ext[vFunnelStage] = Value{Str: r.FunnelStage}
	r.IsMQL = m.mql(e)
	s.ext[vIsMQL] = Value{Bool: r.IsMQL}
	r.Segment = m.segment(e)
	a := &m.actions[rank]
	r.Queue, r.SLADueAt = a.queue, a.sla
	return r
}
