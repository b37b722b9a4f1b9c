package dedupe

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// Entity changes, as the entity_changes dataset names them.
const (
	ChangeNew     = "new"         // an entity first seen
	ChangeUpdated = "updated"     // a known entity whose records or golden record changed
	ChangeMerged  = "merged_into" // a retired id whose records joined another entity (OtherID)
	ChangeSplit   = "split_from"  // a new id for a part split off an entity (OtherID)
	ChangeRetired = "retired"     // an entity with no record left
)

// Change is one line of entity_changes.
type Change struct {
	EntityID, Change, OtherID string
}

// AssignIdentities gives every record its entity id (aligned with keys)
// so that entities keep their identity from night to night. previous maps
// the record keys known before (those of keys, and those deleted since)
// to their entity ids; firstSeen gives known entities' first-seen times.
//
//   - An entity's id goes to the cluster holding most of its records (on a
//     split, the larger part; ties go to the bigger cluster, then the one
//     with the smaller record key).
//   - A cluster that several ids go to is a merge: the oldest id survives
//     (earliest first seen; an unknown time counts as newest; then the
//     smaller id) and the others are merged_into it.
//   - A cluster no id goes to gets a new id: "e_" and 16 hex digits of
//     SHA-256 of its smallest record key (reproducible without history),
//     never one that was used before. When it holds records of a known
//     entity it is split_from that entity, else new.
//   - A known id whose records are all gone is retired.
//
// Changes list merges, splits, new entities and retirements, ordered by
// entity id; "updated" is the caller's to judge (it sees golden records).
// A clustering that does not fit keys gives nil.
func AssignIdentities(keys []string, c *Clustering, previous map[string]string, firstSeen map[string]time.Time) ([]string, []Change) {
	if c == nil || len(c.Cluster) != len(keys) {
		return nil, nil
	}
	k := c.NumClusters()
	for _, cl := range c.Cluster {
		if cl < 0 || int(cl) >= k {
			return nil, nil
		}
	}
	smallest := make([]string, k)
	size := make([]int, k)
	for i, cl := range c.Cluster {
		if size[cl] == 0 || keys[i] < smallest[cl] {
			smallest[cl] = keys[i]
		}
		size[cl]++
	}
	// Where each known id's records are now.
	type home struct {
		cluster int32
		n       int
	}
	parts := map[string][]home{}
	for i, cl := range c.Cluster {
		id, ok := previous[keys[i]]
		if !ok || id == "" {
			continue
		}
		hs := parts[id]
		found := false
		for j := range hs {
			if hs[j].cluster == cl {
				hs[j].n++
				found = true
				break
			}
		}
		if !found {
			hs = append(hs, home{cl, 1})
		}
		parts[id] = hs
	}
	better := func(a, b home) bool { // a is a better home than b
		if a.n != b.n {
			return a.n > b.n
		}
		if size[a.cluster] != size[b.cluster] {
			return size[a.cluster] > size[b.cluster]
		}
		return smallest[a.cluster] < smallest[b.cluster]
	}
	claimants := make([][]string, k)
	for id, hs := range parts {
		best := hs[0]
		for _, h := range hs[1:] {
			if better(h, best) {
				best = h
			}
		}
		claimants[best.cluster] = append(claimants[best.cluster], id)
	}
	older := func(a, b string) int {
		fa, oka := firstSeen[a]
		fb, okb := firstSeen[b]
		switch {
		case oka && okb && !fa.Equal(fb):
			return fa.Compare(fb)
		case oka != okb:
			if oka {
				return -1
			}
			return 1
		}
		return cmp.Compare(a, b)
	}
	ids := make([]string, k)
	var changes []Change
	used := map[string]bool{}
	for _, id := range previous {
		used[id] = true // a known id is never handed to another entity
	}
	for cl, cs := range claimants {
		if len(cs) == 0 {
			continue
		}
		slices.SortFunc(cs, older)
		ids[cl] = cs[0]
		for _, gone := range cs[1:] {
			changes = append(changes, Change{EntityID: gone, Change: ChangeMerged, OtherID: cs[0]})
		}
	}
	for cl := range ids {
		if ids[cl] != "" {
			continue
		}
		id := newEntityID(smallest[cl])
		for n := 1; used[id]; n++ {
			id = newEntityID(smallest[cl] + "#" + strconv.Itoa(n))
		}
		ids[cl] = id
		used[id] = true
	}
	// Split parts and new entities: the known id with most records in the
	// cluster (then the smaller id) is the one it split from.
	from := make([]string, k)
	fromN := make([]int, k)
	for id, hs := range parts {
		for _, h := range hs {
			if ids[h.cluster] != id && (h.n > fromN[h.cluster] || (h.n == fromN[h.cluster] && id < from[h.cluster])) {
				from[h.cluster], fromN[h.cluster] = id, h.n
			}
		}
	}
	for cl := range ids {
		if len(claimants[cl]) > 0 {
			continue
		}
		if from[cl] != "" {
			changes = append(changes, Change{EntityID: ids[cl], Change: ChangeSplit, OtherID: from[cl]})
		} else {
			changes = append(changes, Change{EntityID: ids[cl], Change: ChangeNew})
		}
	}
	seen := map[string]bool{}
	for _, id := range previous {
		if _, ok := parts[id]; !ok && id != "" && !seen[id] { // "" is no entity, as above
			seen[id] = true
			changes = append(changes, Change{EntityID: id, Change: ChangeRetired})
		}
	}
	slices.SortFunc(changes, func(a, b Change) int {
		return cmp.Or(cmp.Compare(a.EntityID, b.EntityID), cmp.Compare(a.Change, b.Change))
	})
	out := make([]string, len(keys))
	for i, cl := range c.Cluster {
		out[i] = ids[cl]
	}
	return out, changes
}
