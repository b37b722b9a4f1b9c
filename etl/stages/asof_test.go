package stages

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/extract"
)

func TestDefaultAsOf_LastMicrosecondOfTheDate(t *testing.T) {
	got := etl.DefaultAsOf(time.Date(2026, 11, 23, 15, 4, 5, 0, time.FixedZone("x", 3600)))
	if want := time.Date(2026, 11, 23, 23, 59, 59, 999999000, time.UTC); !got.Equal(want) {
		t.Errorf("DefaultAsOf = %v, want %v", got, want)
	}
	at, err := etl.ParseAsOf("2026-11-23T08:00:00.1234567+02:00")
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 23, 6, 0, 0, 123456000, time.UTC); !at.Equal(want) || at.Location() != time.UTC {
		t.Errorf("ParseAsOf = %v, want %v", at, want)
	}
	if _, err := etl.ParseAsOf("2026-11-23"); err == nil || !strings.Contains(err.Error(), "--as-of") {
		t.Errorf("a date without a time: err = %v", err)
	}
}

// stageDataFiles reads every file a stage wrote except its marker.
func stageDataFiles(t *testing.T, rc *etl.RunContext, stage string) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	objs, err := rc.Work.List(ctx, rc.StagePrefix(stage))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, o := range objs {
		if strings.HasSuffix(o.Key, "/"+etl.StageMarker) {
			continue
		}
		r, err := rc.Work.Open(ctx, o.Key)
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[o.Key] = data
	}
	return out
}

// Re-running a date writes byte-identical data files whatever the wall
// clock says: two runs of 2026-11-23, each from fresh work and state
// folders, the second with its wall clock an hour later, stage the same
// extract (rejects of concurrent sources included), normalize, dedupe and
// score files.
func TestRun_SameDateSameDataFiles(t *testing.T) {
	ctx := context.Background()
	stages := []etl.Stage{extract.Stage{}, Normalize{}, Dedupe{}, Enrich{}, Score{}}
	var runs [2]map[string]map[string][]byte
	var started [2]time.Time
	for i := range runs {
		rc := newTestRun(t)
		if i > 0 {
			rc.WallClock = func() time.Time { return time.Now().Add(time.Hour) }
		}
		if err := etl.RunPipeline(ctx, rc, stages); err != nil {
			t.Fatal(err)
		}
		res, err := rc.Committed(ctx, "score")
		if err != nil || res == nil {
			t.Fatalf("score marker: %v", err)
		}
		started[i] = res.StartedAt
		runs[i] = map[string]map[string][]byte{}
		for _, st := range []string{"extract", "normalize", "dedupe", "score"} {
			runs[i][st] = stageDataFiles(t, rc, st)
		}
	}
	if d := started[1].Sub(started[0]); d < 59*time.Minute {
		t.Fatalf("the second run's wall clock was %v later, want an hour: the fake did not take", d)
	}
	for st, files := range runs[0] {
		if len(files) == 0 {
			t.Errorf("%s: no data files", st)
		}
		if len(files) != len(runs[1][st]) {
			t.Errorf("%s: %d files, then %d", st, len(files), len(runs[1][st]))
		}
		for key, data := range files {
			again, ok := runs[1][st][key]
			switch {
			case !ok:
				t.Errorf("%s: the re-run wrote no %s", st, key)
			case !bytes.Equal(data, again):
				t.Errorf("%s: %s differs between runs of the same date (%d and %d bytes)", st, key, len(data), len(again))
			}
		}
	}
}

// Events after the as-of have not happened as far as the run knows: with
// --as-of 2026-11-21T12:00:00Z, linus's two visits of 2026-11-22 are
// ignored (and counted), and every time column derives from the as-of.
func TestScore_EventsAfterAsOfIgnored(t *testing.T) {
	rc := newTestRun(t)
	rc.AsOf = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	ctx := context.Background()
	if err := etl.RunPipeline(ctx, rc, []etl.Stage{extract.Stage{}, Normalize{}, Dedupe{}, Enrich{}, Score{}}); err != nil {
		t.Fatal(err)
	}
	res, err := rc.Committed(ctx, "score")
	if err != nil || res == nil {
		t.Fatalf("score not committed: %v", err)
	}
	if n, _ := res.Notes["events_after_as_of"].(float64); n != 2 {
		t.Errorf("events_after_as_of = %v, want 2 (linus's visits of 2026-11-22)", res.Notes["events_after_as_of"])
	}
	if got := res.Notes["as_of"]; got != "2026-11-21T12:00:00Z" {
		t.Errorf("as_of note = %v", got)
	}
	rows := readRows(t, rc.Work, res.Datasets["contacts"])
	if len(rows) == 0 {
		t.Fatal("no contacts")
	}
	for _, r := range rows {
		if r["scored_at"] != "2026-11-21 12:00:00Z" {
			t.Errorf("%s: scored_at %q, want the as-of", r["email_norm"], r["scored_at"])
		}
		switch r["email_norm"] {
		case "linus@kernel.com":
			if r["engagement_score"] != "0" || r["funnel_stage"] != "awareness" {
				t.Errorf("linus: engagement %s, funnel %s: events after the as-of were scored", r["engagement_score"], r["funnel_stage"])
			}
		case "ada@analytical.com":
			// Ada's pricing visit of 11-20 and form fill of 11-21 09:30 are
			// before the as-of and count; her SLA counts from the as-of.
			if r["funnel_stage"] != "decision" {
				t.Errorf("ada: funnel %s, want decision", r["funnel_stage"])
			}
			if sla := r["sla_due_at"]; sla != "" && !strings.HasPrefix(sla, "2026-11-2") {
				t.Errorf("ada: sla_due_at %q", sla)
			}
		}
	}
}
