package score

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func routingConfig() Config {
	cfg := DefaultConfig()
	cfg.Routing = RoutingConfig{
		FallbackQueue: "unassigned",
		Teams: []Team{
			{Name: "na_enterprise", Members: []string{"ana", "ben", "cai"}},
			{Name: "na_west", Members: []string{"dee", "eli"}},
			{Name: "emea", Members: []string{"fay", "gus"}},
			{Name: "apac", Members: nil},
		},
		Territories: []Territory{
			{Name: "na_ent", When: `region == "NA" and (employee_band >= "1001-5000" or employee_count >= 1000)`, Team: "na_enterprise"},
			{Name: "us_west", When: `state_code in ["US-CA", "US-WA", "US-OR"]`, Team: "na_west"},
			{Name: "emea_software", When: `region == "EMEA" and industry_norm == "Computer Software"`, Team: "emea"},
			{Name: "apac", When: `region == "APAC"`, Team: "apac"},
		},
	}
	return cfg
}

// salesLead is a 1A lead (routed) with the given location attributes.
func salesLead(attrs map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range fit1 {
		out[k] = v
	}
	for k, v := range attrs {
		out[k] = v
	}
	return out
}

func route(t *testing.T, m *Model, r *Router, attrs map[string]any, events []Event, prev string) Result {
	t.Helper()
	rw := row(attrs)
	res := m.NewScorer().Score(rw, events)
	r.Route(rw, &res, prev)
	return res
}

func TestRoute_TerritoriesAndFallback(t *testing.T) {
	tests := []struct {
		name   string
		attrs  map[string]any
		events []Event
		team   string
		queue  string
		owner  bool
		reason string
	}{
		{"enterprise NA by band", salesLead(map[string]any{"employee_band": "5001-10000"}), engA, "na_enterprise", "field_sales", true, "territory na_ent, team na_enterprise: assigned round-robin"},
		{"enterprise NA by count", salesLead(map[string]any{"employee_count": 2500}), engA, "na_enterprise", "field_sales", true, "territory na_ent"},
		{"first territory wins over state", salesLead(map[string]any{"employee_band": "10001+", "state_code": "US-CA"}), engA, "na_enterprise", "field_sales", true, "territory na_ent"},
		{"state territory", salesLead(map[string]any{"state_code": "US-WA"}), engA, "na_west", "field_sales", true, "territory us_west"},
		{"industry territory", salesLead(map[string]any{"region": "EMEA"}), engB, "emea", "field_sales", true, "territory emea_software"},
		{"team with no members goes to fallback", salesLead(map[string]any{"region": "APAC"}), engA, "apac", "unassigned", false, "territory apac: team apac has no members"},
		{"no territory goes to fallback", salesLead(map[string]any{"region": "LATAM"}), engA, "", "unassigned", false, "no territory matched"},
		{"nurture gets no owner", map[string]any{"region": "NA", "employee_band": "10001+", "seniority": "intern"}, engB, "", "nurture", false, "nurture: rank 3B"},
	}
	m := mustCompile(t, routingConfig())
	r := m.NewRouter(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := route(t, m, r, tt.attrs, tt.events, "")
			if res.Team != tt.team || res.Queue != tt.queue || (res.Owner != "") != tt.owner || !strings.HasPrefix(res.RouteReason, tt.reason) {
				t.Fatalf("got team %q queue %q owner %q reason %q", res.Team, res.Queue, res.Owner, res.RouteReason)
			}
		})
	}
}

func TestRoute_SLAKeptWhenFallingBack(t *testing.T) {
	m := mustCompile(t, routingConfig())
	res := route(t, m, m.NewRouter(nil), salesLead(map[string]any{"region": "LATAM"}), engA, "")
	if !res.SLADueAt.Equal(runTime.Add(24 * 60 * 60 * 1e9)) {
		t.Fatalf("sla_due_at = %v", res.SLADueAt)
	}
}

func TestRoute_RoundRobinBalancedAcrossRuns(t *testing.T) {
	m := mustCompile(t, routingConfig())
	ent := salesLead(map[string]any{"employee_band": "10001+"})
	total := map[string]int{}
	var state *RouterState
	// Run sizes that do not divide by the team size: a rotation restarting
	// from the first member every run would overload ana.
	for run, n := range []int{4, 5, 7} {
		r := m.NewRouter(state)
		for range n {
			total[route(t, m, r, ent, engA, "").Owner]++
		}
		// The state goes through JSON as the lead stores it.
		b, err := json.Marshal(r.State())
		if err != nil {
			t.Fatal(err)
		}
		state = nil
		if err := json.Unmarshal(b, &state); err != nil {
			t.Fatal(err)
		}
		t.Logf("after run %d: %v", run+1, total)
	}
	if !reflect.DeepEqual(total, map[string]int{"ana": 6, "ben": 5, "cai": 5}) {
		t.Fatalf("16 leads over 3 runs: %v, want 6/5/5", total)
	}
	if got := state.Teams["na_enterprise"]; !reflect.DeepEqual(got, map[string]int64{"ana": 6, "ben": 5, "cai": 5}) {
		t.Fatalf("state = %v", got)
	}
}

func TestRoute_StickyOwners(t *testing.T) {
	m := mustCompile(t, routingConfig())
	ent := salesLead(map[string]any{"employee_band": "10001+"})
	tests := []struct {
		name   string
		prev   string
		owner  string
		reason string
	}{
		{"owner still in team is kept", "cai", "cai", "territory na_ent, team na_enterprise: owner kept"},
		{"owner no longer in team is replaced round-robin", "zed", "ana", "territory na_ent, team na_enterprise: assigned round-robin"},
		{"owner from another team is replaced", "dee", "ana", "territory na_ent, team na_enterprise: assigned round-robin"},
		{"no previous owner", "", "ana", "territory na_ent, team na_enterprise: assigned round-robin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := m.NewRouter(nil)
			res := route(t, m, r, ent, engA, tt.prev)
			if res.Owner != tt.owner || res.RouteReason != tt.reason {
				t.Fatalf("owner %q reason %q, want %q %q", res.Owner, res.RouteReason, tt.owner, tt.reason)
			}
		})
	}
	t.Run("kept owners do not advance the rotation", func(t *testing.T) {
		r := m.NewRouter(nil)
		route(t, m, r, ent, engA, "ana")
		route(t, m, r, ent, engA, "ana")
		if got := route(t, m, r, ent, engA, "").Owner; got != "ana" {
			t.Fatalf("first round-robin owner = %s, want ana", got)
		}
	})
}

func TestRoute_MembershipChangesBetweenRuns(t *testing.T) {
	m := mustCompile(t, routingConfig())
	prev := &RouterState{Teams: map[string]map[string]int64{
		"na_enterprise": {"ana": 40, "ben": 41, "left_company": 3}, // cai is new
	}}
	r := m.NewRouter(prev)
	got := r.State().Teams["na_enterprise"]
	want := map[string]int64{"ana": 40, "ben": 41, "cai": 40}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("state = %v, want %v (a new member starts at the team's lowest count, a leaver is dropped)", got, want)
	}
	ent := salesLead(map[string]any{"employee_band": "10001+"})
	var owners []string
	for range 4 {
		owners = append(owners, route(t, m, r, ent, engA, "").Owner)
	}
	if fmt.Sprint(owners) != "[ana cai ana ben]" {
		t.Fatalf("owners = %v", owners)
	}
}

func TestRoute_ComputedFieldsInTerritories(t *testing.T) {
	cfg := routingConfig()
	cfg.Routing.Territories = append([]Territory{{Name: "inside", When: `queue == "inside_sales"`, Team: "emea"}}, cfg.Routing.Territories...)
	m := mustCompile(t, cfg)
	r := m.NewRouter(nil)
	if res := route(t, m, r, fit2, engA, ""); res.Team != "emea" {
		t.Fatalf("2A lead went to %q, want emea by queue", res.Team)
	}
	if res := route(t, m, r, salesLead(map[string]any{"state_code": "US-CA"}), engA, ""); res.Team != "na_west" {
		t.Fatalf("1A lead went to %q, want na_west", res.Team)
	}
}

// TestRoute_AccountOwnerFirst: a routed lead whose account has an owner
// goes to that owner before any territory, keeps its rank's queue, and
// does not move the round-robin; a nurtured one is routed to no one.
func TestRoute_AccountOwnerFirst(t *testing.T) {
	m := mustCompile(t, routingConfig())
	r := m.NewRouter(nil)
	attrs := salesLead(map[string]any{"employee_band": "5001-10000"})
	rw := row(attrs)
	res := m.NewScorer().Score(rw, engA)
	r.RouteAccount(rw, &res, "ana", "zoe")
	if res.Owner != "zoe" || res.RouteReason != "account owner" || res.Queue != "field_sales" || res.Team != "" {
		t.Fatalf("account-owned lead: owner %q reason %q queue %q team %q", res.Owner, res.RouteReason, res.Queue, res.Team)
	}
	// The round-robin did not move: the next unowned lead goes to the
	// first member, as it would have without the account-owned one.
	next := route(t, m, r, attrs, engA, "")
	if next.Owner != "ana" {
		t.Errorf("round-robin after an account-owned lead gave %q, want ana", next.Owner)
	}
	nurture := row(map[string]any{"region": "NA", "employee_band": "10001+", "seniority": "intern"})
	nres := m.NewScorer().Score(nurture, engB)
	r.RouteAccount(nurture, &nres, "", "zoe")
	if nres.Owner != "" || !strings.HasPrefix(nres.RouteReason, "nurture") {
		t.Errorf("nurtured lead of an owned account: owner %q reason %q", nres.Owner, nres.RouteReason)
	}
	rows := []Row{rw, rw}
	results, _, err := m.ScoreAllAccounts(rows, nil, []string{"", ""}, []string{"zoe", ""}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if results[0].Owner != "zoe" || results[1].Owner == "zoe" || results[1].Owner == "" {
		t.Errorf("ScoreAllAccounts owners %q, %q", results[0].Owner, results[1].Owner)
	}
	if _, _, err := m.ScoreAllAccounts(rows, nil, nil, []string{"zoe"}, nil); err == nil {
		t.Error("ScoreAllAccounts took one account owner for two rows")
	}
}
