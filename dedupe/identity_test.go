package dedupe

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// clusteringOf (ids_test.go) builds a Clustering from cluster numbers.

// idsByKey maps each key to the id AssignIdentities gave it.
func idsByKey(t *testing.T, keys, ids []string) map[string]string {
	t.Helper()
	if len(ids) != len(keys) {
		t.Fatalf("%d ids for %d keys", len(ids), len(keys))
	}
	out := map[string]string{}
	for i, k := range keys {
		out[k] = ids[i]
	}
	return out
}

func assertChanges(t *testing.T, got, want []Change) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("changes:\n got %v\nwant %v", got, want)
	}
}

func isEntityID(id string) bool {
	if len(id) != 18 || !strings.HasPrefix(id, "e_") {
		return false
	}
	for _, c := range id[2:] {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}

func TestAssignIdentities_FirstNightIsReproducibleAndAllNew(t *testing.T) {
	keys := []string{"src/c", "src/a", "src/b", "src/e", "src/d"}
	c := clusteringOf(0, 0, 1, 2, 2) // {c,a} {b} {e,d}
	for _, prev := range []map[string]string{nil, {}} {
		ids, changes := AssignIdentities(keys, c, prev, nil)
		got := idsByKey(t, keys, ids)
		ea, eb, ed := newEntityID("src/a"), newEntityID("src/b"), newEntityID("src/d")
		want := map[string]string{"src/a": ea, "src/c": ea, "src/b": eb, "src/d": ed, "src/e": ed}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ids = %v, want %v", got, want)
		}
		for _, id := range ids {
			if !isEntityID(id) {
				t.Errorf("id %q is not e_ and 16 hex digits", id)
			}
		}
		wantCh := []Change{{EntityID: ea, Change: ChangeNew}, {EntityID: eb, Change: ChangeNew}, {EntityID: ed, Change: ChangeNew}}
		slices.SortFunc(wantCh, func(a, b Change) int { return strings.Compare(a.EntityID, b.EntityID) })
		assertChanges(t, changes, wantCh)
	}
	// A re-run without history gives the same ids.
	ids1, _ := AssignIdentities(keys, c, nil, nil)
	ids2, _ := AssignIdentities(slices.Clone(keys), clusteringOf(0, 0, 1, 2, 2), nil, nil)
	if !slices.Equal(ids1, ids2) {
		t.Errorf("re-run gave %v, then %v", ids1, ids2)
	}
	// newEntityID is SHA-256 based: pin one value so the id scheme cannot
	// drift silently.
	if got := newEntityID(""); got != "e_e3b0c44298fc1c14" {
		t.Errorf("newEntityID(\"\") = %q, want the first 8 bytes of SHA-256 of nothing", got)
	}
}

func TestAssignIdentities_NewRecordJoinsKnownEntity(t *testing.T) {
	keys := []string{"a", "b", "c", "d"}
	prev := map[string]string{"a": "e_known", "b": "e_known"}
	seen := map[string]time.Time{"e_known": time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	// c joins the known entity; d is a new singleton.
	ids, changes := AssignIdentities(keys, clusteringOf(0, 0, 0, 1), prev, seen)
	got := idsByKey(t, keys, ids)
	ed := newEntityID("d")
	want := map[string]string{"a": "e_known", "b": "e_known", "c": "e_known", "d": ed}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ids = %v, want %v", got, want)
	}
	assertChanges(t, changes, []Change{{EntityID: ed, Change: ChangeNew}})

	// The same with the new record holding the smallest key: the
	// known id still wins over a hash of the key.
	keys = []string{"0", "a", "b"}
	ids, changes = AssignIdentities(keys, clusteringOf(0, 0, 0), prev, seen)
	if !slices.Equal(ids, []string{"e_known", "e_known", "e_known"}) {
		t.Errorf("ids = %v, want e_known for all", ids)
	}
	assertChanges(t, changes, nil)
}

func TestAssignIdentities_BridgeKeepsTheOlderID(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 3, d, 0, 0, 0, 0, time.UTC) }
	// e_1 has a (1 record), e_2 has c, d, e (3 records): x bridges them.
	keys := []string{"a", "c", "d", "e", "x"}
	prev := map[string]string{"a": "e_1", "c": "e_2", "d": "e_2", "e": "e_2"}
	cases := []struct {
		name     string
		seen     map[string]time.Time
		survivor string
	}{
		{"e_1 older (though smaller)", map[string]time.Time{"e_1": day(1), "e_2": day(2)}, "e_1"},
		{"e_2 older", map[string]time.Time{"e_1": day(2), "e_2": day(1)}, "e_2"},
		{"same time: smaller id", map[string]time.Time{"e_1": day(5), "e_2": day(5)}, "e_1"},
		{"same instant in other zones: smaller id", map[string]time.Time{"e_1": day(5), "e_2": day(5).In(time.FixedZone("x", 3600))}, "e_1"},
		{"no times: smaller id", nil, "e_1"},
		{"only e_2 known: unknown is newest", map[string]time.Time{"e_2": day(9)}, "e_2"},
		{"only e_1 known", map[string]time.Time{"e_1": day(9)}, "e_1"},
		{"times of other ids only", map[string]time.Time{"e_0": day(1)}, "e_1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ids, changes := AssignIdentities(keys, clusteringOf(0, 0, 0, 0, 0), prev, tc.seen)
			for i, id := range ids {
				if id != tc.survivor {
					t.Errorf("record %s: id %q, want survivor %q", keys[i], id, tc.survivor)
				}
			}
			loser := "e_1"
			if tc.survivor == "e_1" {
				loser = "e_2"
			}
			assertChanges(t, changes, []Change{{EntityID: loser, Change: ChangeMerged, OtherID: tc.survivor}})
		})
	}
}

func TestAssignIdentities_ThreeWayMerge(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 3, d, 0, 0, 0, 0, time.UTC) }
	keys := []string{"a", "b", "c", "d"}
	prev := map[string]string{"a": "e_a", "b": "e_b", "c": "e_c"}
	seen := map[string]time.Time{"e_a": day(3), "e_b": day(1), "e_c": day(2)}
	ids, changes := AssignIdentities(keys, clusteringOf(0, 0, 0, 0), prev, seen)
	if !slices.Equal(ids, []string{"e_b", "e_b", "e_b", "e_b"}) {
		t.Errorf("ids = %v, want e_b (oldest) for all", ids)
	}
	assertChanges(t, changes, []Change{
		{EntityID: "e_a", Change: ChangeMerged, OtherID: "e_b"},
		{EntityID: "e_c", Change: ChangeMerged, OtherID: "e_b"},
	})
}

func TestAssignIdentities_Split(t *testing.T) {
	cases := []struct {
		name    string
		keys    []string
		prev    map[string]string
		cluster []int32
		keeps   []string // keys that keep e_old
		split   string   // smallest key of the part split off
	}{
		{"larger part holds the smallest key", []string{"a", "b", "c"},
			map[string]string{"a": "e_old", "b": "e_old", "c": "e_old"}, []int32{0, 0, 1}, []string{"a", "b"}, "c"},
		{"larger part without the smallest key", []string{"a", "b", "c"},
			map[string]string{"a": "e_old", "b": "e_old", "c": "e_old"}, []int32{0, 1, 1}, []string{"b", "c"}, "a"},
		{"tie on records: bigger cluster", []string{"a", "b", "c", "d", "n1", "n2"},
			map[string]string{"a": "e_old", "b": "e_old", "c": "e_old", "d": "e_old"}, []int32{0, 0, 1, 1, 1, 1}, []string{"c", "d", "n1", "n2"}, "a"},
		{"tie on records and size: smaller record key", []string{"c", "d", "a", "b"},
			map[string]string{"a": "e_old", "b": "e_old", "c": "e_old", "d": "e_old"}, []int32{0, 0, 1, 1}, []string{"a", "b"}, "c"},
		{"new records do not count as the entity's", []string{"a", "b", "c", "n1", "n2", "n3"},
			map[string]string{"a": "e_old", "b": "e_old", "c": "e_old"}, []int32{0, 0, 1, 1, 1, 1}, []string{"a", "b"}, "c"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ids, changes := AssignIdentities(tc.keys, clusteringOf(tc.cluster...), tc.prev, nil)
			got := idsByKey(t, tc.keys, ids)
			fresh := newEntityID(tc.split)
			for _, k := range tc.keys {
				want := fresh
				if slices.Contains(tc.keeps, k) {
					want = "e_old"
				}
				if got[k] != want {
					t.Errorf("record %s: id %q, want %q", k, got[k], want)
				}
			}
			assertChanges(t, changes, []Change{{EntityID: fresh, Change: ChangeSplit, OtherID: "e_old"}})
		})
	}
}

func TestAssignIdentities_SplitFromTheEntityWithMostRecords(t *testing.T) {
	cases := []struct {
		name string
		ys   int    // e_y's records: y1..yN
		from string // the id cluster 2 is split from
	}{
		// Cluster 2 = {x4, y4, y5}: one record of e_x, two of e_y.
		{"most records", 5, "e_y"},
		// Cluster 2 = {x4, y4}: one each, the smaller id.
		{"tie: smaller id", 4, "e_x"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			keys := []string{"x1", "x2", "x3", "x4"}
			cluster := []int32{0, 0, 0, 2}
			prev := map[string]string{"x1": "e_x", "x2": "e_x", "x3": "e_x", "x4": "e_x"}
			for i := 1; i <= tc.ys; i++ {
				k := fmt.Sprintf("y%d", i)
				keys, prev[k] = append(keys, k), "e_y"
				cl := int32(1)
				if i >= 4 {
					cl = 2
				}
				cluster = append(cluster, cl)
			}
			ids, changes := AssignIdentities(keys, clusteringOf(cluster...), prev, nil)
			fresh := newEntityID("x4")
			for i, k := range keys {
				want := map[int32]string{0: "e_x", 1: "e_y", 2: fresh}[cluster[i]]
				if ids[i] != want {
					t.Errorf("record %s: id %q, want %q", k, ids[i], want)
				}
			}
			assertChanges(t, changes, []Change{{EntityID: fresh, Change: ChangeSplit, OtherID: tc.from}})
		})
	}
}

func TestAssignIdentities_Retired(t *testing.T) {
	keys := []string{"a", "b"}
	prev := map[string]string{
		"a": "e_stay", "gone1": "e_stay", // one record left: stays
		"b":     "e_b",
		"gone2": "e_gone", "gone3": "e_gone", // every record deleted
	}
	ids, changes := AssignIdentities(keys, clusteringOf(0, 1), prev, nil)
	if !slices.Equal(ids, []string{"e_stay", "e_b"}) {
		t.Errorf("ids = %v, want [e_stay e_b]", ids)
	}
	assertChanges(t, changes, []Change{{EntityID: "e_gone", Change: ChangeRetired}})

	// Everything deleted.
	ids, changes = AssignIdentities(nil, clusteringOf(), prev, nil)
	if len(ids) != 0 {
		t.Errorf("ids = %v, want none", ids)
	}
	assertChanges(t, changes, []Change{
		{EntityID: "e_b", Change: ChangeRetired},
		{EntityID: "e_gone", Change: ChangeRetired},
		{EntityID: "e_stay", Change: ChangeRetired},
	})
}

func TestAssignIdentities_EmptyPreviousIDIsNoEntity(t *testing.T) {
	keys := []string{"a", "b"}
	prev := map[string]string{"a": "", "gone": ""}
	ids, changes := AssignIdentities(keys, clusteringOf(0, 0), prev, nil)
	ea := newEntityID("a")
	if !slices.Equal(ids, []string{ea, ea}) {
		t.Errorf("ids = %v, want %s for both", ids, ea)
	}
	assertChanges(t, changes, []Change{{EntityID: ea, Change: ChangeNew}})
}

func TestAssignIdentities_NeverReusesAKnownID(t *testing.T) {
	ea := newEntityID("a")
	t.Run("retired id equal to the new cluster's hash", func(t *testing.T) {
		prev := map[string]string{"deleted": ea}
		ids, changes := AssignIdentities([]string{"a"}, clusteringOf(0), prev, nil)
		if len(ids) != 1 || ids[0] == ea || !isEntityID(ids[0]) {
			t.Fatalf("ids = %v, want a fresh id other than %s", ids, ea)
		}
		want := []Change{{EntityID: ea, Change: ChangeRetired}, {EntityID: ids[0], Change: ChangeNew}}
		slices.SortFunc(want, func(a, b Change) int { return strings.Compare(a.EntityID, b.EntityID) })
		assertChanges(t, changes, want)
		again, _ := AssignIdentities([]string{"a"}, clusteringOf(0), prev, nil)
		if !slices.Equal(ids, again) {
			t.Errorf("fallback id not reproducible: %v then %v", ids, again)
		}
	})
	t.Run("living id equal to the new cluster's hash", func(t *testing.T) {
		prev := map[string]string{"b": ea}
		ids, changes := AssignIdentities([]string{"a", "b"}, clusteringOf(0, 1), prev, nil)
		if ids[1] != ea {
			t.Errorf("b: id %q, want its known %q", ids[1], ea)
		}
		if ids[0] == ea || !isEntityID(ids[0]) {
			t.Errorf("a: id %q, want a fresh id other than %s", ids[0], ea)
		}
		assertChanges(t, changes, []Change{{EntityID: ids[0], Change: ChangeNew}})
	})
	t.Run("merged-away id equal to a new cluster's hash", func(t *testing.T) {
		// y's id (the hash of "a") is merged into e_0 tonight; the new
		// cluster {a} must not take it even though it is free now.
		prev := map[string]string{"x": "e_0", "y": ea}
		ids, _ := AssignIdentities([]string{"a", "x", "y"}, clusteringOf(0, 1, 1), prev, nil)
		if ids[1] != ids[2] || ids[0] == ea || ids[0] == "e_0" {
			t.Errorf("ids = %v: a took a known id", ids)
		}
	})
	t.Run("two new clusters whose first choices are taken", func(t *testing.T) {
		eb := newEntityID("b")
		prev := map[string]string{"old1": ea, "old2": eb, "old3": newEntityID("a#1")}
		ids, _ := AssignIdentities([]string{"a", "b"}, clusteringOf(0, 1), prev, nil)
		known := map[string]bool{ea: true, eb: true, newEntityID("a#1"): true}
		if known[ids[0]] || known[ids[1]] || ids[0] == ids[1] {
			t.Errorf("ids = %v reuse a known id or each other", ids)
		}
	})
}

func TestAssignIdentities_ChangesSortedByID(t *testing.T) {
	// Many entities of every kind of change.
	var keys []string
	var cluster []int32
	prev := map[string]string{}
	for e := 0; e < 30; e++ {
		for r := 0; r < 3; r++ {
			prev[fmt.Sprintf("k%02d_%d", e, r)] = fmt.Sprintf("e_%02d", 29-e)
		}
	}
	nc := int32(0)
	for e := 0; e < 30; e++ {
		switch e % 4 {
		case 0: // kept
			for r := 0; r < 3; r++ {
				keys, cluster = append(keys, fmt.Sprintf("k%02d_%d", e, r)), append(cluster, nc)
			}
			nc++
		case 1: // split 2 + 1
			keys = append(keys, fmt.Sprintf("k%02d_0", e), fmt.Sprintf("k%02d_1", e), fmt.Sprintf("k%02d_2", e))
			cluster = append(cluster, nc, nc, nc+1)
			nc += 2
		case 2: // merged with the next entity
			for r := 0; r < 3; r++ {
				keys, cluster = append(keys, fmt.Sprintf("k%02d_%d", e, r), fmt.Sprintf("k%02d_%d", e+1, r)), append(cluster, nc, nc)
			}
			nc++
		case 3: // the merged partner
		}
		keys, cluster = append(keys, fmt.Sprintf("new%02d", e)), append(cluster, nc)
		nc++
	}
	prev["deleted1"], prev["deleted2"] = "e_15x", "e_00x" // retired
	ids, changes := AssignIdentities(keys, clusteringOf(cluster...), prev, nil)
	if ids == nil {
		t.Fatal("nil ids")
	}
	kinds := map[string]int{}
	for _, ch := range changes {
		kinds[ch.Change]++
	}
	for _, k := range []string{ChangeNew, ChangeSplit, ChangeMerged, ChangeRetired} {
		if kinds[k] == 0 {
			t.Errorf("no %s change in %v", k, changes)
		}
	}
	if !slices.IsSortedFunc(changes, func(a, b Change) int { return strings.Compare(a.EntityID, b.EntityID) }) {
		t.Errorf("changes not sorted by entity id: %v", changes)
	}
}

func TestAssignIdentities_ClusteringThatDoesNotFit(t *testing.T) {
	keys := []string{"a", "b"}
	cases := map[string]*Clustering{
		"nil":             nil,
		"too few":         clusteringOf(0),
		"too many":        clusteringOf(0, 0, 0),
		"negative":        {Cluster: []int32{0, -1}, Size: []int32{1}, Prob: []float32{1, 1}},
		"beyond clusters": {Cluster: []int32{0, 1}, Size: []int32{1}, Prob: []float32{1, 1}},
	}
	for name, c := range cases {
		ids, changes := AssignIdentities(keys, c, map[string]string{"a": "e_a"}, nil)
		if ids != nil || changes != nil {
			t.Errorf("%s: got %v, %v; want nil", name, ids, changes)
		}
	}
}

// randomNight makes a previous assignment and tonight's clustering over
// overlapping key sets: kept, deleted and new records, with merges and
// splits.
func randomNight(seed uint64) (keys []string, c *Clustering, prevPairs [][2]string, seen map[string]time.Time) {
	rng := rand.New(rand.NewPCG(seed, 3))
	for i := 0; i < 300; i++ {
		k := fmt.Sprintf("r%03d", i)
		if rng.IntN(10) > 0 { // known before
			prevPairs = append(prevPairs, [2]string{k, fmt.Sprintf("e_old%02d", rng.IntN(60))})
		}
		if rng.IntN(10) > 0 { // still here tonight
			keys = append(keys, k)
		}
	}
	rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
	nc := 70
	cl := make([]int32, len(keys))
	used := make([]bool, nc)
	for i := range cl {
		cl[i] = int32(rng.IntN(nc))
		used[cl[i]] = true
	}
	// Renumber so every cluster number up to NumClusters is used.
	renum := make([]int32, nc)
	n := int32(0)
	for k := range used {
		if used[k] {
			renum[k] = n
			n++
		}
	}
	for i := range cl {
		cl[i] = renum[cl[i]]
	}
	seen = map[string]time.Time{}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for e := 0; e < 60; e++ {
		if e%5 != 0 { // a fifth have no first-seen time
			seen[fmt.Sprintf("e_old%02d", e)] = base.Add(time.Duration(rng.IntN(10)) * 24 * time.Hour)
		}
	}
	return keys, clusteringOf(cl...), prevPairs, seen
}

func TestAssignIdentities_DeterministicAndConsistent(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		keys, c, prevPairs, seen := randomNight(seed)
		var firstIDs []string
		var firstCh []Change
		for run := 0; run < 20; run++ {
			// Fresh maps filled in a different order every run.
			order := rand.New(rand.NewPCG(uint64(run), seed)).Perm(len(prevPairs))
			prev := map[string]string{}
			for _, k := range order {
				prev[prevPairs[k][0]] = prevPairs[k][1]
			}
			fs := map[string]time.Time{}
			for id, tm := range seen {
				fs[id] = tm
			}
			ids, changes := AssignIdentities(keys, c, prev, fs)
			if run == 0 {
				firstIDs, firstCh = ids, changes
				checkIdentityInvariants(t, keys, c, prev, ids, changes)
				continue
			}
			if !slices.Equal(ids, firstIDs) || !reflect.DeepEqual(changes, firstCh) {
				t.Fatalf("seed %d run %d differs from run 0", seed, run)
			}
		}
	}
}

// checkIdentityInvariants checks what holds for any input: one id per
// cluster, distinct across clusters; every known id either lives on, is
// merged into a living id, or is retired; every other id is new or split.
func checkIdentityInvariants(t *testing.T, keys []string, c *Clustering, prev map[string]string, ids []string, changes []Change) {
	t.Helper()
	if len(ids) != len(keys) {
		t.Fatalf("%d ids for %d keys", len(ids), len(keys))
	}
	clusterID := map[int32]string{}
	owner := map[string]int32{}
	for i, cl := range c.Cluster {
		if id, ok := clusterID[cl]; ok && id != ids[i] {
			t.Fatalf("cluster %d has ids %s and %s", cl, id, ids[i])
		}
		clusterID[cl] = ids[i]
		if o, ok := owner[ids[i]]; ok && o != cl {
			t.Fatalf("id %s on clusters %d and %d", ids[i], o, cl)
		}
		owner[ids[i]] = cl
	}
	known := map[string]bool{}
	for _, id := range prev {
		known[id] = true
	}
	byID := map[string]Change{}
	for _, ch := range changes {
		if _, dup := byID[ch.EntityID]; dup {
			t.Errorf("two changes for %s", ch.EntityID)
		}
		byID[ch.EntityID] = ch
	}
	living := map[string]bool{}
	for _, id := range ids {
		living[id] = true
	}
	for id := range known {
		ch, has := byID[id]
		switch {
		case living[id]:
			if has {
				t.Errorf("living known id %s has change %v", id, ch)
			}
		case !has:
			t.Errorf("known id %s vanished without a change", id)
		case ch.Change == ChangeMerged:
			if !living[ch.OtherID] || !known[ch.OtherID] {
				t.Errorf("%s merged into %s, which is not a living known id", id, ch.OtherID)
			}
		case ch.Change != ChangeRetired:
			t.Errorf("vanished known id %s has change %v", id, ch)
		}
	}
	for id := range living {
		if known[id] {
			continue
		}
		ch := byID[id]
		switch ch.Change {
		case ChangeNew:
		case ChangeSplit:
			if !known[ch.OtherID] {
				t.Errorf("%s split from unknown %s", id, ch.OtherID)
			}
		default:
			t.Errorf("new id %s has change %v", id, ch)
		}
		if !isEntityID(id) {
			t.Errorf("new id %q malformed", id)
		}
	}
	if !slices.IsSortedFunc(changes, func(a, b Change) int { return strings.Compare(a.EntityID, b.EntityID) }) {
		t.Error("changes not sorted")
	}
}
