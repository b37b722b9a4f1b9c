package dedupe

import (
	"math"
	"testing"
)

func pairsOf(edges ...[3]float64) *Pairs {
	p := &Pairs{}
	for _, e := range edges {
		p.L = append(p.L, int32(e[0]))
		p.R = append(p.R, int32(e[1]))
		p.Prob = append(p.Prob, float32(e[2]))
	}
	return p
}

func TestCluster_LinksPairsAtOrAboveTheThreshold(t *testing.T) {
	p := pairsOf([3]float64{0, 1, 0.95}, [3]float64{1, 2, 0.9}, [3]float64{3, 4, 0.5})
	c, err := Cluster(p, 6, 0.9, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []int32{0, 0, 0, 1, 2, 3}
	for i, w := range want {
		if c.Cluster[i] != w {
			t.Fatalf("clusters = %v, want %v", c.Cluster, want)
		}
	}
	if c.NumClusters() != 4 || c.Size[0] != 3 {
		t.Errorf("sizes = %v", c.Size)
	}
	wantProb := []float32{0.95, 0.95, 0.9, 1, 1, 1}
	for i, w := range wantProb {
		if math.Abs(float64(c.Prob[i]-w)) > 1e-6 {
			t.Errorf("record %d probability %v, want %v", i, c.Prob[i], w)
		}
	}
}

func TestCluster_SplitsAChainAtItsWeakestLinks(t *testing.T) {
	// Two tight groups {0..3} and {4..7} joined by one weaker link 3-4.
	var edges [][3]float64
	for _, g := range [][]int{{0, 1, 2, 3}, {4, 5, 6, 7}} {
		for a := 0; a < len(g); a++ {
			for b := a + 1; b < len(g); b++ {
				edges = append(edges, [3]float64{float64(g[a]), float64(g[b]), 0.99})
			}
		}
	}
	edges = append(edges, [3]float64{3, 4, 0.91})
	c, err := Cluster(pairsOf(edges...), 8, 0.9, 4)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 8; i++ {
		if want := c.Cluster[i/4*4]; c.Cluster[i] != want {
			t.Fatalf("clusters = %v, want {0..3} and {4..7}", c.Cluster)
		}
	}
	if c.Cluster[0] == c.Cluster[4] {
		t.Fatal("the weak link was kept")
	}
}

func TestCluster_CapHoldsOnALongChain(t *testing.T) {
	var edges [][3]float64
	for i := 0; i < 99; i++ {
		edges = append(edges, [3]float64{float64(i), float64(i + 1), 0.9 + float64(i%7)/100})
	}
	c, err := Cluster(pairsOf(edges...), 100, 0.5, 5)
	if err != nil {
		t.Fatal(err)
	}
	for k, s := range c.Size {
		if s > 5 {
			t.Errorf("cluster %d has %d records, cap is 5", k, s)
		}
	}
}

func TestCluster_RejectsBadInput(t *testing.T) {
	if _, err := Cluster(nil, 3, 0.5, 3); err == nil {
		t.Error("nil pairs accepted")
	}
	if _, err := Cluster(pairsOf([3]float64{0, 5, 1}), 3, 0.5, 3); err == nil {
		t.Error("out-of-range record accepted")
	}
	if _, err := Cluster(&Pairs{}, 3, 0.5, 0); err == nil {
		t.Error("max size 0 accepted")
	}
}

func BenchmarkCluster(b *testing.B) {
	sc, tab, _ := trainedScorer(b, 20000)
	p, _, err := sc.Predict()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		if _, err := Cluster(p, tab.Len(), 0.9, 50); err != nil {
			b.Fatal(err)
		}
	}
}
