package score

import (
	"reflect"
	"strings"
	"testing"
)

func TestScoreAll_UnsortedEventsScoreLikeSorted(t *testing.T) {
	m := mustCompile(t, routingConfig())
	rows, events := genData(300, 8, 1)
	sorted, st1, err := m.ScoreAll(rows, events, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	shuffled := append([]Event(nil), events...)
	for i := range shuffled { // deterministic reversal of every other block
		j := len(shuffled) - 1 - i
		if i < j && i%3 == 0 {
			shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
		}
	}
	unsorted, st2, err := m.ScoreAll(rows, shuffled, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range sorted {
		a, b := sorted[i], unsorted[i]
		if !near(a.EngagementScore, b.EngagementScore) {
			t.Fatalf("entity %d: engagement %v sorted vs %v unsorted", i, a.EngagementScore, b.EngagementScore)
		}
		a.EngagementScore, b.EngagementScore = 0, 0
		if a != b {
			t.Fatalf("entity %d differs:\n%+v\n%+v", i, a, b)
		}
	}
	if !reflect.DeepEqual(st1, st2) {
		t.Fatalf("router state differs: %v vs %v", st1, st2)
	}
}

func TestScoreAll_MatchesScorerAndRouterOneByOne(t *testing.T) {
	m := mustCompile(t, routingConfig())
	rows, events := genData(9000, 3, 2) // large enough for both workers
	got, st, err := m.ScoreAll(rows, events, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, r := m.NewScorer(), m.NewRouter(nil)
	g, _ := groupEvents(events, len(rows))
	for i := range rows {
		evs, _ := g.of(events, i, nil)
		want := s.Score(rows[i], evs)
		r.Route(rows[i], &want, "")
		if got[i] != want {
			t.Fatalf("entity %d:\n got %+v\nwant %+v", i, got[i], want)
		}
	}
	if !reflect.DeepEqual(st, r.State()) {
		t.Fatal("states differ")
	}
}

func TestScoreAll_SecondRunKeepsOwners(t *testing.T) {
	m := mustCompile(t, routingConfig())
	rows, events := genData(2000, 5, 3)
	first, st, err := m.ScoreAll(rows, events, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	prev := make([]string, len(rows))
	owned := 0
	for i, r := range first {
		prev[i] = r.Owner
		if r.Owner != "" {
			owned++
		}
	}
	if owned == 0 {
		t.Fatal("fixture routed nobody to an owner")
	}
	second, st2, err := m.ScoreAll(rows, events, prev, st)
	if err != nil {
		t.Fatal(err)
	}
	for i := range second {
		if second[i].Owner != first[i].Owner || (second[i].Owner != "" && !strings.HasSuffix(second[i].RouteReason, "owner kept")) {
			t.Fatalf("entity %d: owner %q -> %q (%s)", i, first[i].Owner, second[i].Owner, second[i].RouteReason)
		}
	}
	if !reflect.DeepEqual(st, st2) {
		t.Fatal("kept owners changed the rotation")
	}
}

func TestScoreAll_InputErrors(t *testing.T) {
	m := mustCompile(t, DefaultConfig())
	rows, _ := genData(3, 0, 4)
	tests := []struct {
		name   string
		events []Event
		prev   []string
		want   string
	}{
		{"entity out of range", []Event{{Entity: 3, Type: "email_open"}}, nil, "score all: event 0: entity 3 out of range [0, 3)"},
		{"negative entity", []Event{{Entity: 0}, {Entity: -1}}, nil, "score all: event 1: entity -1 out of range [0, 3)"},
		{"previous owners misaligned", nil, []string{"a"}, "score all: 1 previous owners for 3 rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := m.ScoreAll(rows, tt.events, tt.prev, nil)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestScoreAll_NoRows(t *testing.T) {
	m := mustCompile(t, routingConfig())
	res, st, err := m.ScoreAll(nil, nil, nil, nil)
	if err != nil || len(res) != 0 || len(st.Teams["na_enterprise"]) != 3 {
		t.Fatalf("got %v %v %v", res, st, err)
	}
}
