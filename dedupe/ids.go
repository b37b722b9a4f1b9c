package dedupe

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
)

// AssignEntityIDs gives every record its entity id (one per record,
// aligned with keys), keeping ids stable across runs: previous maps a
// record key to the entity id it had last time.
//
//   - A cluster inherits the previous id most of its records carry (on a
//     merge the majority wins; a tie goes to the smaller id, a stable choice
//     since ids carry no age).
//   - When a previous entity is split, its id goes to the part holding most
//     of its records (then the bigger part, then the part with the smaller
//     record key); the other parts get new ids.
//   - A new entity's id is "e_" and 16 hex digits of SHA-256 of its
//     smallest record key, so a re-run without history reproduces it.
//
// An entity thus keeps its id as long as any of its records survives and
// no other cluster has a stronger claim to it. A clustering that does not
// fit keys (length, or a cluster number outside 0..NumClusters-1) gives nil.
func AssignEntityIDs(keys []string, c *Clustering, previous map[string]string) []string {
	if c == nil || len(c.Cluster) != len(keys) {
		return nil
	}
	k := c.NumClusters()
	for _, cl := range c.Cluster {
		if cl < 0 || int(cl) >= k {
			return nil
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
	type claim struct {
		cluster int32
		id      string
		votes   int
	}
	votes := map[claim]int{}
	for i, cl := range c.Cluster {
		if id, ok := previous[keys[i]]; ok && id != "" {
			votes[claim{cluster: cl, id: id}]++
		}
	}
	claims := make([]claim, 0, len(votes))
	for cl, v := range votes {
		cl.votes = v
		claims = append(claims, cl)
	}
	slices.SortFunc(claims, func(a, b claim) int {
		switch {
		case a.votes != b.votes:
			return b.votes - a.votes
		case size[a.cluster] != size[b.cluster]:
			return size[b.cluster] - size[a.cluster]
		case a.id != b.id:
			if a.id < b.id {
				return -1
			}
			return 1
		case smallest[a.cluster] < smallest[b.cluster]:
			return -1
		case smallest[a.cluster] > smallest[b.cluster]:
			return 1
		}
		return 0
	})
	ids := make([]string, k)
	used := map[string]bool{}
	for _, cl := range claims {
		if ids[cl.cluster] == "" && !used[cl.id] {
			ids[cl.cluster] = cl.id
			used[cl.id] = true
		}
	}
	// Previous ids that lost every claim stay reserved: handing one to an
	// unrelated new entity would make it look like the old one.
	for _, id := range previous {
		used[id] = true
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
	out := make([]string, len(keys))
	for i, cl := range c.Cluster {
		out[i] = ids[cl]
	}
	return out
}

func newEntityID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "e_" + hex.EncodeToString(sum[:8])
}
