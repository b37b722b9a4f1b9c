package dedupe

import (
	"fmt"
	"slices"
)

// Clustering assigns every record to a cluster.
type Clustering struct {
	// Cluster is each record's cluster number, 0..NumClusters-1, numbered
	// in order of each cluster's first record so the result is stable.
	Cluster []int32
	// Size is each cluster's record count, indexed by cluster number.
	Size []int32
	// Prob is each record's probability of belonging to its cluster: the
	// highest match probability among its accepted pairs inside the cluster
	// (its strongest tie: one confident link is what put it there), and 1
	// for a record alone in its cluster.
	Prob []float32
}

// NumClusters is the number of clusters, singletons included.
func (c *Clustering) NumClusters() int { return len(c.Size) }

// Cluster links records whose pair probability is at least threshold into
// connected components. A component bigger than maxSize (the mark of
// chaining through weak links) is rebuilt from its strongest links down,
// adding a link only when the merged part stays within maxSize: a maximum
// spanning forest whose weakest links are cut until every part fits.
func Cluster(p *Pairs, n int, threshold float64, maxSize int) (*Clustering, error) {
	if p == nil {
		return nil, fmt.Errorf("cluster: pairs are nil")
	}
	if maxSize < 1 {
		return nil, fmt.Errorf("cluster: max cluster size %d must be at least 1", maxSize)
	}
	if len(p.R) != len(p.L) || len(p.Prob) != len(p.L) {
		return nil, fmt.Errorf("cluster: pairs have %d left, %d right and %d probabilities", len(p.L), len(p.R), len(p.Prob))
	}
	thr := float32(threshold)
	for k := range p.L {
		if p.L[k] < 0 || int(p.L[k]) >= n || p.R[k] < 0 || int(p.R[k]) >= n {
			return nil, fmt.Errorf("cluster: pair %d refers to record %d/%d outside %d records", k, p.L[k], p.R[k], n)
		}
	}
	uf := newUnionFind(n)
	for k := range p.L {
		if p.Prob[k] >= thr {
			uf.union(p.L[k], p.R[k])
		}
	}
	// Split oversized components.
	big := map[int32]bool{}
	for i := 0; i < n; i++ {
		if r := uf.find(int32(i)); uf.size[r] > int32(maxSize) {
			big[r] = true
		}
	}
	if len(big) > 0 {
		var edges []int
		for k := range p.L {
			if p.Prob[k] >= thr && big[uf.find(p.L[k])] {
				edges = append(edges, k)
			}
		}
		var members []int32
		for i := 0; i < n; i++ {
			if big[uf.find(int32(i))] {
				members = append(members, int32(i))
			}
		}
		for _, i := range members {
			uf.parent[i], uf.size[i] = i, 1
		}
		slices.SortStableFunc(edges, func(a, b int) int {
			switch {
			case p.Prob[a] > p.Prob[b]:
				return -1
			case p.Prob[a] < p.Prob[b]:
				return 1
			}
			return 0
		})
		for _, k := range edges {
			a, b := uf.find(p.L[k]), uf.find(p.R[k])
			if a != b && uf.size[a]+uf.size[b] <= int32(maxSize) {
				uf.union(a, b)
			}
		}
	}
	c := &Clustering{Cluster: make([]int32, n), Prob: make([]float32, n)}
	label := make([]int32, n)
	for i := range label {
		label[i] = -1
	}
	for i := 0; i < n; i++ {
		r := uf.find(int32(i))
		if label[r] < 0 {
			label[r] = int32(len(c.Size))
			c.Size = append(c.Size, 0)
		}
		c.Cluster[i] = label[r]
		c.Size[label[r]]++
	}
	for k := range p.L {
		l, r := p.L[k], p.R[k]
		if p.Prob[k] >= thr && c.Cluster[l] == c.Cluster[r] {
			c.Prob[l] = max(c.Prob[l], p.Prob[k])
			c.Prob[r] = max(c.Prob[r], p.Prob[k])
		}
	}
	for i := range c.Prob {
		if c.Size[c.Cluster[i]] == 1 {
			c.Prob[i] = 1
		}
	}
	return c, nil
}

type unionFind struct {
	parent []int32
	size   []int32
}

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int32, n), size: make([]int32, n)}
	for i := range u.parent {
		u.parent[i], u.size[i] = int32(i), 1
	}
	return u
}

func (u *unionFind) find(x int32) int32 {
	for u.parent[x] != x {
		u.parent[x] = u.parent[u.parent[x]] // path halving
		x = u.parent[x]
	}
	return x
}

func (u *unionFind) union(a, b int32) {
	a, b = u.find(a), u.find(b)
	if a == b {
		return
	}
	if u.size[a] < u.size[b] {
		a, b = b, a
	}
	u.parent[b] = a
	u.size[a] += u.size[b]
}
