package stages

import (
	"reflect"
	"testing"
	"time"

	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/etl/columnar"
)

func versionsTable() *dedupe.Table {
	return &dedupe.Table{
		IDs: []string{"crm/1", "crm/2", "crm/1", "crm/3", "crm/2", "crm/4", "crm/4"},
		Cols: map[string][]string{
			"email":                  {"a@x.com", "b@x.com", "a2@x.com", "c@x.com", "b-old@x.com", "d@x.com", "d@x.com"},
			"updated_at":             {"2026-11-01T00:00:00Z", "2026-11-05T00:00:00Z", "2026-11-02T00:00:00Z", "", "2026-11-04T00:00:00Z", "", ""},
			"Is Deleted":             {"", "", "", "", "", "false", "TRUE"},
			columnar.ColSourceObject: {"b.csv", "a.csv", "a.csv", "a.csv", "b.csv", "a.csv", "a.csv"},
			columnar.ColSourceLine:   {"1", "1", "2", "3", "2", "4", "5"},
		},
	}
}

// TestResolveVersions: the newest updated_at wins whatever the arrival
// order; without one, the later arrival (object key, then line) wins; a
// winning tombstone deletes the record; lineage and tombstone columns go.
func TestResolveVersions(t *testing.T) {
	nr := resolveVersions(versionsTable())
	got := map[string]string{}
	for i, k := range nr.t.IDs {
		got[k] = nr.t.Cols["email"][i]
	}
	want := map[string]string{"crm/1": "a2@x.com", "crm/2": "b@x.com", "crm/3": "c@x.com"}
	if len(got) != len(want) {
		t.Fatalf("kept %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: kept %q, want %q", k, got[k], v)
		}
	}
	if _, ok := nr.deleted["crm/4"]; !ok || len(nr.deleted) != 1 {
		t.Errorf("deleted = %v, want crm/4", nr.deleted)
	}
	if nr.superseded != 3 {
		t.Errorf("superseded = %d, want 3", nr.superseded)
	}
	for _, c := range []string{"Is Deleted", columnar.ColSourceObject, columnar.ColSourceLine} {
		if _, ok := nr.t.Cols[c]; ok {
			t.Errorf("column %s kept", c)
		}
	}
}

// TestMergeNight: tonight's newer version replaces the store's, an older
// one is ignored, a tombstone removes the record (its entity stays in
// prev so it can be retired), new records are added.
func TestMergeNight(t *testing.T) {
	tr := &touchedRecords{
		t: &dedupe.Table{IDs: []string{"crm/1", "crm/2", "crm/3"}, Cols: map[string][]string{
			"email":      {"a@x.com", "b@x.com", "c@x.com"},
			"phone":      {"+1", "+2", "+3"},
			"updated_at": {"2026-11-01T00:00:00Z", "2026-11-10T00:00:00Z", "2026-11-01T00:00:00Z"},
		}},
		entity: []string{"e_a", "e_b", "e_c"},
	}
	night := &nightRecords{
		t: &dedupe.Table{IDs: []string{"crm/1", "crm/2", "forms/9"}, Cols: map[string][]string{
			"email":      {"a-new@x.com", "b-old@x.com", "n@x.com"},
			"updated_at": {"2026-11-20T00:00:00Z", "2026-11-02T00:00:00Z", ""},
		}},
		deleted: map[string]time.Time{"crm/3": {}, "crm/77": {}},
	}
	u, prev, st := mergeNight(tr, night)
	got := map[string][2]string{}
	for i, k := range u.IDs {
		got[k] = [2]string{u.Cols["email"][i], u.Cols["phone"][i]}
	}
	want := map[string][2]string{
		"crm/1":   {"a-new@x.com", "+1"}, // tonight lacks phone: the store's stays
		"crm/2":   {"b@x.com", "+2"},     // tonight's version is older
		"forms/9": {"n@x.com", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("merged %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if prev["crm/3"] != "e_c" || len(prev) != 3 {
		t.Errorf("prev = %v", prev)
	}
	changed := st.changed
	st.changed = nil
	if !reflect.DeepEqual(st, mergeStats{Updated: 1, StaleUpdates: 1, Deleted: 1, New: 1, UnknownDel: 1}) {
		t.Errorf("stats = %+v", st)
	}
	// The stale update is no change; the update, the delete and the new
	// record are.
	if len(changed) != 3 {
		t.Errorf("changed records = %v, want the updated, deleted and new one", changed)
	}
}
