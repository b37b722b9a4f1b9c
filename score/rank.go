package score

import (
	"fmt"
	"time"
)

// Ranks lists every lead rank, best first.
var Ranks = [9]string{"1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C"}

// rankIndex is the position of a "1A".."3C" rank in Ranks, or -1.
func rankIndex(rank string) int {
	if len(rank) != 2 || rank[0] < '1' || rank[0] > '3' || rank[1] < 'A' || rank[1] > 'C' {
		return -1
	}
	return int(rank[0]-'1')*3 + int(rank[1]-'A')
}

// leadRank is the index in Ranks of a fit grade (1-3) and an engagement
// grade ("A"-"C").
func leadRank(fitGrade int, engagementGrade string) int {
	return (fitGrade-1)*3 + int(engagementGrade[0]-'A')
}

// action is a compiled Action: the deadline is fixed per run, so it is
// computed once, and so is the route_reason of nurtured ranks.
type action struct {
	queue         string
	sla           time.Time
	route         bool
	nurtureReason string
}

func compileActions(cfg map[string]Action, runTime time.Time) [9]action {
	var out [9]action
	for i, rank := range Ranks {
		a := cfg[rank]
		out[i] = action{queue: a.Queue, route: a.Route, nurtureReason: fmt.Sprintf("%s: rank %s", a.Queue, rank)}
		if a.SLAHours > 0 {
			out[i].sla = runTime.Add(time.Duration(a.SLAHours * float64(time.Hour)))
		}
	}
	return out
}
