package main

import (
	"context"
	"strings"
	"testing"
)

// TestState_RollbackUndoesLaterNights commits three nights, rolls back to
// the first, and checks that the later nights are gone from the output
// and the state, that the first is intact, and that the next run works.
func TestState_RollbackUndoesLaterNights(t *testing.T) {
	if testing.Short() {
		t.Skip("real processes")
	}
	e := newCrashEnv(t, false, "rollback")
	const d1, d2, d3 = "2026-11-21", "2026-11-22", "2026-11-23"
	for _, d := range []string{d1, d2, d3} {
		e.mustRun("run", "--date", d)
	}
	first := e.rows(e.committed(d1, d1))
	if got := e.headDates(); strings.Join(got, ",") != d1+","+d2+","+d3 {
		t.Fatalf("HEAD holds %v before the rollback", got)
	}

	if code, out := e.cli(nil, nil, "state", "rollback", "--to", "no-such-run"); code != exitFailed || !strings.Contains(out, "no committed state version") {
		t.Errorf("rollback to an unknown run: exit %d\n%s", code, out)
	}
	e.mustRun("state", "rollback", "--to", d1)

	if got := e.headDates(); strings.Join(got, ",") != d1 {
		t.Fatalf("HEAD holds %v after rolling back to %s", got, d1)
	}
	for _, d := range []string{d2, d3} {
		if m := e.committed(d, d); m != nil {
			t.Errorf("night %s is still committed after the rollback", d)
		}
		objs, err := e.store(e.output).List(context.Background(), "contacts/run_date="+d+"/")
		if err != nil {
			t.Fatal(err)
		}
		if len(objs) != 0 {
			t.Errorf("night %s still has %d contacts files", d, len(objs))
		}
	}
	if !equalLines(e.rows(e.committed(d1, d1)), first) {
		t.Error("the rollback changed the night it rolled back to")
	}
	// Rolling back again finds nothing to undo; the next night builds on d1.
	e.mustRun("state", "rollback", "--to", d1)
	e.mustRun("run", "--date", d3)
	if got := e.headDates(); strings.Join(got, ",") != d1+","+d3 {
		t.Fatalf("HEAD holds %v after the next run", got)
	}
	e.assertClean()
}

// headDates are the run dates of HEAD.json's versions.
func (e *crashEnv) headDates() []string {
	e.t.Helper()
	var h struct {
		Versions []struct {
			RunDate string `json:"run_date"`
		} `json:"versions"`
	}
	if err := readJSONFile(context.Background(), e.store(e.state), "HEAD.json", &h); err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, v := range h.Versions {
		out = append(out, v.RunDate)
	}
	return out
}
