package dedupe

import "testing"

func TestRecordKey_SplitUndoesJoinEvenWithSlashInID(t *testing.T) {
	for _, c := range []struct{ src, id string }{{"crm", "123"}, {"web", "a/b"}, {"", ""}, {"x", ""}} {
		k := RecordKey(c.src, c.id)
		if src, id := SplitRecordKey(k); src != c.src || id != c.id {
			t.Errorf("SplitRecordKey(%q) = %q, %q; want %q, %q", k, src, id, c.src, c.id)
		}
	}
}
