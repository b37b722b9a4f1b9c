package score

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The run's as-of is the model's only clock: the same rows and events
// scored at the same as-of give the same results however much wall-clock
// time passes, and decay, funnel windows and SLAs move with the as-of.
func TestAsOf_SameInputsSameResults(t *testing.T) {
	asOf := time.Date(2026, 11, 23, 23, 59, 59, 999999000, time.UTC)
	cfg := engConfig() // no caps: decay scales every event alike
	rows := []Row{row(fit1), row(fit3)}
	events := []Event{
		{Entity: 0, Type: "form_fill", URL: "/demo", At: asOf.AddDate(0, 0, -10)},
		{Entity: 0, Type: "web_visit", URL: "/pricing", At: asOf.AddDate(0, 0, -10)},
		{Entity: 1, Type: "webinar_attended", At: asOf.AddDate(0, 0, -80)},
	}
	scoreAt := func(at time.Time) ([]Result, *Model) {
		t.Helper()
		m, err := Compile(cfg, testCols, at)
		if err != nil {
			t.Fatal(err)
		}
		res, _, err := m.ScoreAll(rows, events, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return res, m
	}
	first, m := scoreAt(asOf)
	time.Sleep(2 * time.Millisecond) // the wall clock moves on
	again, _ := scoreAt(asOf)
	if !reflect.DeepEqual(first, again) {
		t.Fatalf("same inputs and as-of, different results:\n%+v\n%+v", first, again)
	}
	if got := m.actions[0].sla; !got.Equal(asOf.Add(24 * time.Hour)) {
		t.Errorf("1A sla_due_at %v, want the as-of + 24 h", got)
	}
	if first[0].SLADueAt.IsZero() || first[0].SLADueAt.Before(asOf) {
		t.Errorf("entity 0: sla_due_at %v before the as-of %v", first[0].SLADueAt, asOf)
	}

	// A month later (one half-life) the same events score half, the
	// 80-day-old webinar falls out of the 90-day funnel window, and the
	// deadlines move with the as-of.
	later, ml := scoreAt(asOf.AddDate(0, 0, 30))
	if !near(later[0].EngagementScore, first[0].EngagementScore/2) {
		t.Errorf("engagement %g a half-life later, want half of %g", later[0].EngagementScore, first[0].EngagementScore)
	}
	if first[1].FunnelStage == "awareness" || later[1].FunnelStage != "awareness" {
		t.Errorf("funnel stage %q at the as-of, %q 30 days later: the window does not count from the as-of", first[1].FunnelStage, later[1].FunnelStage)
	}
	if d := ml.actions[0].sla.Sub(m.actions[0].sla); d != 30*24*time.Hour {
		t.Errorf("1A deadline moved %v with the as-of, want 720h", d)
	}
}

// The package reads no wall clock: every time it computes comes from the
// run time (the as-of) it is compiled with.
func TestAsOf_NoWallClockInScoring(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, clock := range []string{"time.Now(", "time.Since(", "time.Until("} {
			if strings.Contains(string(src), clock) {
				t.Errorf("%s calls %s: scoring must derive every time from the as-of", f, clock)
			}
		}
	}
}
