package score

import (
	"fmt"
	"runtime"
	"sync"
)

// ScoreAll scores, segments and routes every row: results[i] is rows[i].
// Events may come in any order; when they are sorted by Entity they are
// read in place, otherwise they are grouped through an index of 4 bytes per
// event. prevOwners is empty or aligned with rows ("" for no previous
// owner); prev is the previous run's RouterState (nil for a first run).
// Scoring runs on every core; routing runs in row order, so the same input
// gives the same owners and the returned state.
func (m *Model) ScoreAll(rows []Row, events []Event, prevOwners []string, prev *RouterState) ([]Result, *RouterState, error) {
	return m.ScoreAllAccounts(rows, events, prevOwners, nil, prev)
}

// ScoreAllAccounts is ScoreAll with the owner of each row's account
// ("" for none; nil for no accounts at all): a routed row whose account
// has an owner goes to that owner before territories are tried
// (lead-to-account routing, see Router.RouteAccount).
func (m *Model) ScoreAllAccounts(rows []Row, events []Event, prevOwners, accountOwners []string, prev *RouterState) ([]Result, *RouterState, error) {
	if len(prevOwners) != 0 && len(prevOwners) != len(rows) {
		return nil, nil, fmt.Errorf("score all: %d previous owners for %d rows", len(prevOwners), len(rows))
	}
	if len(accountOwners) != 0 && len(accountOwners) != len(rows) {
		return nil, nil, fmt.Errorf("score all: %d account owners for %d rows", len(accountOwners), len(rows))
	}
	g, err := groupEvents(events, len(rows))
	if err != nil {
		return nil, nil, fmt.Errorf("score all: %w", err)
	}
	results := make([]Result, len(rows))
	workers := min(runtime.GOMAXPROCS(0), len(rows)/4096+1)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := len(rows)*w/workers, len(rows)*(w+1)/workers
		wg.Go(func() {
			s := m.NewScorer()
			var buf []Event
			for i := lo; i < hi; i++ {
				var evs []Event
				evs, buf = g.of(events, i, buf)
				results[i] = s.Score(rows[i], evs)
			}
		})
	}
	wg.Wait()
	r := m.NewRouter(prev)
	for i := range rows {
		owner := ""
		if len(prevOwners) != 0 {
			owner = prevOwners[i]
		}
		account := ""
		if len(accountOwners) != 0 {
			account = accountOwners[i]
		}
		r.RouteAccount(rows[i], &results[i], owner, account)
	}
	return results, r.State(), nil
}

// eventGroups finds each entity's events: start[i]..start[i+1] in events
// when sorted, else in perm.
type eventGroups struct {
	start []int32
	perm  []int32 // nil when events are sorted by entity
}

func groupEvents(events []Event, n int) (eventGroups, error) {
	if len(events) > 1<<31-1 {
		return eventGroups{}, fmt.Errorf("%d events exceed the 2^31 a run can group", len(events))
	}
	g := eventGroups{start: make([]int32, n+1)}
	sorted := true
	for i := range events {
		e := events[i].Entity
		if e < 0 || int(e) >= n {
			return eventGroups{}, fmt.Errorf("event %d: entity %d out of range [0, %d)", i, e, n)
		}
		if i > 0 && e < events[i-1].Entity {
			sorted = false
		}
		g.start[e+1]++
	}
	for i := 1; i <= n; i++ {
		g.start[i] += g.start[i-1]
	}
	if sorted {
		return g, nil
	}
	g.perm = make([]int32, len(events))
	next := make([]int32, n)
	copy(next, g.start[:n])
	for i := range events {
		e := events[i].Entity
		g.perm[next[e]] = int32(i)
		next[e]++
	}
	return g, nil
}

// of returns entity i's events, gathering them into buf when unsorted.
func (g eventGroups) of(events []Event, i int, buf []Event) ([]Event, []Event) {
	lo, hi := g.start[i], g.start[i+1]
	if g.perm == nil {
		return events[lo:hi], buf
	}
	buf = buf[:0]
	for _, j := range g.perm[lo:hi] {
		buf = append(buf, events[j])
	}
	return buf, buf
}
