package stages

import (
	"reflect"
	"testing"
	"time"

	"github.com/leadsmith/leadsmith/dedupe"
)

// TestUpdatedEntities: on an incremental night an entity is updated when
// it gains, loses or changes a record, and never when it was only matched
// again; entities the store did not know, or that are gone, are not.
func TestUpdatedEntities(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ef := &entityFacts{
		first:   map[string]time.Time{"A": t0, "B": t0, "C": t0, "D": t0, "E": t0},
		changed: map[string]bool{"crm/new": true, "crm/c1": true, "crm/d2": true},
	}
	keys := []string{"crm/a1", "crm/a2", "crm/b1", "crm/c1", "crm/d1", "crm/e1", "crm/new", "crm/f1"}
	ids := []string{"A", "B", "B", "C", "D", "E", "E", "F"}
	prev := map[string]string{
		"crm/a1": "A", "crm/a2": "A", // a2 moved to B: A lost it, B gained it
		"crm/b1": "B",
		"crm/c1": "C",                // updated tonight
		"crm/d1": "D", "crm/d2": "D", // d2 deleted tonight
		"crm/e1": "E", // E gains crm/new
		"crm/f1": "F", // F: unknown to the store's entities
	}
	golden := &dedupe.Golden{EntityIDs: []string{"A", "B", "C", "D", "E", "F"}}
	got := updatedEntities(ef, keys, ids, prev, golden)
	if want := []string{"A", "B", "C", "D", "E"}; !reflect.DeepEqual(got, want) {
		t.Errorf("updated = %v, want %v", got, want)
	}

	// Matched again with nothing changed: no entity is updated.
	ef.changed = map[string]bool{}
	same := []string{"A", "A", "B", "C", "D", "E", "E", "F"}
	prev["crm/new"] = "E"
	if got := updatedEntities(ef, keys, same, prev, golden); len(got) != 0 {
		t.Errorf("nothing changed, but updated = %v", got)
	}
}
