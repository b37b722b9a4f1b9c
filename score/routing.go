package score

import (
	"fmt"
	"slices"
)

// RouterState is what routing remembers between runs: per team, how many
// entities each member has been given by round-robin. Save it (it is plain
// JSON) and hand it to the next run's NewRouter so the rotation continues
// where it stopped instead of favouring the first members every night.
type RouterState struct {
	Teams map[string]map[string]int64 `json:"teams"`
}

type territory struct {
	name        string
	team        int
	p           pred
	keptReason  string
	rrReason    string
	emptyReason string
}

type team struct {
	name    string
	members []string
	index   map[string]int
}

type routing struct {
	fallback      string
	noMatchReason string
	teams         []team
	territories   []territory
}

func compileRouting(cfg RoutingConfig, c *compiler) routing {
	r := routing{fallback: cfg.FallbackQueue, noMatchReason: "no territory matched"}
	teamIdx := make(map[string]int, len(cfg.Teams))
	for _, t := range cfg.Teams {
		tm := team{name: t.Name, members: slices.Clone(t.Members), index: make(map[string]int, len(t.Members))}
		for i, m := range t.Members {
			tm.index[m] = i
		}
		teamIdx[t.Name] = len(r.teams)
		r.teams = append(r.teams, tm)
	}
	for i, t := range cfg.Territories {
		p := c.expr(fmt.Sprintf("score.routing.territories[%d].when", i), t.Name, t.When, exprRoute)
		r.territories = append(r.territories, territory{
			name:        t.Name,
			team:        teamIdx[t.Team],
			p:           p,
			keptReason:  fmt.Sprintf("territory %s, team %s: owner kept", t.Name, t.Team),
			rrReason:    fmt.Sprintf("territory %s, team %s: assigned round-robin", t.Name, t.Team),
			emptyReason: fmt.Sprintf("territory %s: team %s has no members", t.Name, t.Team),
		})
	}
	return r
}

// Router assigns owners. Route entities in a stable order (ScoreAll uses row
// order) for the same input to give the same owners.
type Router struct {
	m      *Model
	counts [][]int64 // by team, by member
	ext    [numVirtual]Value
	env    env
}

// NewRouter starts routing from prev (nil for a first run). A member absent
// from prev starts at the team's lowest count: a new hire joins the rotation
// rather than receiving every new lead until they have caught up.
func (m *Model) NewRouter(prev *RouterState) *Router {
	r := &Router{m: m, counts: make([][]int64, len(m.routing.teams))}
	r.env.ext = &r.ext
	for ti, t := range m.routing.teams {
		cs := make([]int64, len(t.members))
		var saved map[string]int64
		if prev != nil {
			saved = prev.Teams[t.name]
		}
		lowest, seen := int64(0), false
		for _, mem := range t.members {
			if n, ok := saved[mem]; ok && (!seen || n < lowest) {
				lowest, seen = n, true
			}
		}
		for i, mem := range t.members {
			if n, ok := saved[mem]; ok {
				cs[i] = n
			} else {
				cs[i] = lowest
			}
		}
		r.counts[ti] = cs
	}
	return r
}

// Route sets Owner, Queue, Team and RouteReason of res, which Scorer.Score
// produced for row. prevOwner is the owner the entity had in the previous
// run ("" for none); it is kept when still a member of the team routed to.
func (r *Router) Route(row Row, res *Result, prevOwner string) {
	r.RouteAccount(row, res, prevOwner, "")
}

// RouteAccount is Route for a row whose account has owner accountOwner
// ("" for none): a rank that is routed goes to the account's owner before
// any territory is tried (the queue stays the rank's), and the reason says
// so; a nurtured rank is not routed to anyone.
func (r *Router) RouteAccount(row Row, res *Result, prevOwner, accountOwner string) {
	m := r.m
	rank := rankIndex(res.LeadRank)
	if rank < 0 {
		res.RouteReason = "invalid lead rank " + res.LeadRank
		res.Queue, res.Owner, res.Team = m.routing.fallback, "", ""
		return
	}
	a := &m.actions[rank]
	res.Queue, res.SLADueAt, res.Owner, res.Team = a.queue, a.sla, "", ""
	if !a.route {
		res.RouteReason = a.nurtureReason
		return
	}
	if accountOwner != "" {
		res.Owner, res.RouteReason = accountOwner, "account owner"
		return
	}
	r.fillExt(res)
	e := &r.env
	e.row = row
	defer func() { e.row = nil }()
	for i := range m.routing.territories {
		t := &m.routing.territories[i]
		if !t.p(e) {
			continue
		}
		tm := &m.routing.teams[t.team]
		res.Team = tm.name
		if len(tm.members) == 0 {
			res.Queue, res.RouteReason = m.routing.fallback, t.emptyReason
			return
		}
		if prevOwner != "" {
			if _, ok := tm.index[prevOwner]; ok {
				res.Owner, res.RouteReason = prevOwner, t.keptReason
				return
			}
		}
		cs := r.counts[t.team]
		best := 0
		for j := 1; j < len(cs); j++ {
			if cs[j] < cs[best] {
				best = j
			}
		}
		cs[best]++
		res.Owner, res.RouteReason = tm.members[best], t.rrReason
		return
	}
	res.Queue, res.RouteReason = m.routing.fallback, m.routing.noMatchReason
}

func (r *Router) fillExt(res *Result) {
	r.ext[vFitScore] = Value{Num: float64(res.FitScore)}
	r.ext[vFitGrade] = Value{Num: float64(res.FitGrade)}
	r.ext[vEngagementScore] = Value{Num: res.EngagementScore}
	r.ext[vEngagementGrade] = Value{Str: res.EngagementGrade}
	r.ext[vLeadRank] = Value{Str: res.LeadRank}
	r.ext[vFunnelStage] = Value{Str: res.FunnelStage}
	r.ext[vIsMQL] = Value{Bool: res.IsMQL}
	r.ext[vSegment] = Value{Str: res.Segment}
	r.ext[vQueue] = Value{Str: res.Queue}
}

// State is the rotation to save for the next run: current members only, so
// a member who leaves and comes back rejoins at the team's lowest count.
func (r *Router) State() *RouterState {
	st := &RouterState{Teams: make(map[string]map[string]int64, len(r.counts))}
	for ti, t := range r.m.routing.teams {
		mc := make(map[string]int64, len(t.members))
		for i, mem := range t.members {
			mc[mem] = r.counts[ti][i]
		}
		st.Teams[t.name] = mc
	}
	return st
}
