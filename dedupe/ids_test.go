package dedupe

import (
	"regexp"
	"testing"
)

func clusteringOf(labels ...int32) *Clustering {
	c := &Clustering{Cluster: labels}
	for _, l := range labels {
		for int(l) >= len(c.Size) {
			c.Size = append(c.Size, 0)
		}
		c.Size[l]++
	}
	return c
}

func TestAssignEntityIDs_KeepsMergesAndSplits(t *testing.T) {
	keys := []string{"r1", "r2", "r3", "r4", "r5"}
	cases := []struct {
		name     string
		clusters *Clustering
		previous map[string]string
		check    func(t *testing.T, ids []string)
	}{
		{"surviving entity keeps its id", clusteringOf(0, 0, 1, 2, 2), map[string]string{"r1": "e_old"},
			func(t *testing.T, ids []string) {
				if ids[0] != "e_old" || ids[1] != "e_old" {
					t.Errorf("ids = %v", ids)
				}
			}},
		{"merge takes the majority id", clusteringOf(0, 0, 0, 1, 2), map[string]string{"r1": "e_b", "r2": "e_a", "r3": "e_a"},
			func(t *testing.T, ids []string) {
				if ids[0] != "e_a" {
					t.Errorf("merged entity got %q, want e_a", ids[0])
				}
			}},
		{"split gives the id to the larger part", clusteringOf(0, 1, 1, 2, 3), map[string]string{"r1": "e_x", "r2": "e_x", "r3": "e_x"},
			func(t *testing.T, ids []string) {
				if ids[1] != "e_x" || ids[0] == "e_x" {
					t.Errorf("ids = %v, want the pair {r2,r3} to keep e_x", ids)
				}
			}},
		{"tie on merge goes to the smaller id", clusteringOf(0, 0, 1, 2, 3), map[string]string{"r1": "e_2", "r2": "e_1"},
			func(t *testing.T, ids []string) {
				if ids[0] != "e_1" {
					t.Errorf("got %q, want e_1", ids[0])
				}
			}},
		{"new entities get hashed ids", clusteringOf(0, 1, 2, 3, 4), nil,
			func(t *testing.T, ids []string) {
				re := regexp.MustCompile(`^e_[0-9a-f]{16}$`)
				seen := map[string]bool{}
				for _, id := range ids {
					if !re.MatchString(id) || seen[id] {
						t.Errorf("id %q malformed or repeated", id)
					}
					seen[id] = true
				}
				if ids[0] != newEntityID("r1") {
					t.Errorf("id %q not derived from the smallest record key", ids[0])
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ids := AssignEntityIDs(keys, tc.clusters, tc.previous)
			if len(ids) != len(keys) {
				t.Fatalf("%d ids for %d records", len(ids), len(keys))
			}
			tc.check(t, ids)
		})
	}
}

func TestAssignEntityIDs_NeverReusesAnotherEntitysOldID(t *testing.T) {
	// r1's new smallest-key hash collides with nothing, but its old id
	// belongs to the bigger part; the smaller part must not reuse it.
	keys := []string{"r1", "r2", "r3"}
	prev := map[string]string{"r1": newEntityID("r1"), "r2": newEntityID("r1"), "r3": newEntityID("r1")}
	ids := AssignEntityIDs(keys, clusteringOf(0, 1, 1), prev)
	if ids[1] != newEntityID("r1") || ids[0] == ids[1] {
		t.Errorf("ids = %v", ids)
	}
}

func TestAssignEntityIDs_IsStableAcrossRuns(t *testing.T) {
	keys := []string{"a", "b", "c", "d"}
	c := clusteringOf(0, 0, 1, 1)
	first := AssignEntityIDs(keys, c, nil)
	prev := map[string]string{}
	for i, k := range keys {
		prev[k] = first[i]
	}
	// d leaves, e arrives and joins c's entity.
	second := AssignEntityIDs([]string{"a", "b", "c", "e"}, c, prev)
	if second[0] != first[0] || second[2] != first[2] || second[3] != first[2] {
		t.Errorf("first %v, second %v", first, second)
	}
	if AssignEntityIDs(keys, clusteringOf(0), nil) != nil {
		t.Error("mismatched lengths gave ids")
	}
}
