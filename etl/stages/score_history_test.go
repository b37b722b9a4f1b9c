package stages

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
)

const historyCRM = "id,email,first_name,last_name\n" +
	"c1,ada@lovelace.dev,Ada,Lovelace\n" +
	"c2,bob@builder.dev,Bob,Builder\n" +
	"c3,cy@twombly.dev,Cy,Twombly\n"

const historyConfig = `sources:
  - name: crm
    uri: ./crm
    glob: "*.csv"
    columns: {record_id: id}
activities:
  uri: ./activities
`

const histEventsHeader = "record_id,email,event_type,occurred_at,url,campaign,channel\n"

// historyRun runs the whole pipeline for the night `day` days after the
// first (2026-11-23), on rc's folders and the state its earlier nights
// committed.
func historyRun(t *testing.T, rc *etl.RunContext, day int, fullRefresh bool) *etl.RunContext {
	t.Helper()
	date := time.Date(2026, 11, 23+day, 0, 0, 0, 0, time.UTC)
	next := *rc
	next.RunID, next.RunDate, next.AsOf, next.FullRefresh = date.Format(time.DateOnly), date, etl.DefaultAsOf(date), fullRefresh
	if err := etl.RunPipeline(context.Background(), &next, Pipeline()); err != nil {
		t.Fatalf("night %s: %v", next.RunID, err)
	}
	return &next
}

// histWriteInputs replaces input files of rc's folder; each gets a later
// mtime, so an incremental extract sees them changed.
func histWriteInputs(t *testing.T, rc *etl.RunContext, files map[string]string) {
	t.Helper()
	later := time.Now().Add(time.Hour)
	for name, text := range files {
		p := rc.Config.Resolve("./" + name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, later, later); err != nil {
			t.Fatal(err)
		}
	}
}

// histEngagement is each published contact's engagement score and
// funnel stage, by normalized email.
func histEngagement(t *testing.T, rc *etl.RunContext) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range readRows(t, rc.Output, readManifest(t, rc).Datasets["contacts"].Files) {
		out[r["email_norm"]] = round2(r["engagement_score"]) + " " + r["funnel_stage"]
	}
	return out
}

// histScoreNotes are the committed score stage's notes of the run.
func histScoreNotes(t *testing.T, rc *etl.RunContext) map[string]any {
	t.Helper()
	res, err := rc.Committed(context.Background(), "score")
	if err != nil || res == nil {
		t.Fatalf("score of %s not committed (%v)", rc.RunID, err)
	}
	return res.Notes
}

func histCheckNotes(t *testing.T, rc *etl.RunContext, want map[string]float64) {
	t.Helper()
	notes := histScoreNotes(t, rc)
	for k, v := range want {
		if got, _ := notes[k].(float64); got != v {
			t.Errorf("night %s: note %s = %v, want %v", rc.RunID, k, notes[k], v)
		}
	}
}

// histStoredEvents lists the events of the store part "events" in the state
// version the run committed, one "who type occurred_at" line per event,
// and the number of its files.
func histStoredEvents(t *testing.T, rc *etl.RunContext) ([]string, int) {
	t.Helper()
	objs, err := rc.State.List(context.Background(), "versions/"+rc.RunID+"/")
	if err != nil {
		t.Fatal(err)
	}
	var files []columnar.FileInfo
	for _, o := range objs {
		if strings.Contains(o.Key, "/store/events/") {
			files = append(files, columnar.FileInfo{Key: o.Key})
		}
	}
	var lines []string
	for _, r := range readRows(t, rc.State, files) {
		who := r["email"]
		if who == "" {
			who = r["record_id"]
		}
		lines = append(lines, who+" "+r["event_type"]+" "+r["occurred_at"])
	}
	sort.Strings(lines)
	return lines, len(files)
}

// histFreshEngagement is what a run with no state before it, reading all the
// given files on that night, scores: the truth an incremental night must
// match.
func histFreshEngagement(t *testing.T, files map[string]string, day int) map[string]string {
	t.Helper()
	in := map[string][]byte{}
	for k, v := range files {
		in[k] = []byte(v)
	}
	rc := newDirRun(t, historyConfig, in, nil)
	return histEngagement(t, historyRun(t, rc, day, false))
}

func histSameEngagement(t *testing.T, night string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d contacts, the fresh run %d", night, len(got), len(want))
	}
	for email, w := range want {
		if got[email] != w {
			t.Errorf("%s: %s engagement %q, a fresh run over all events gives %q", night, email, got[email], w)
		}
	}
}

// TestScoreHistory_NightsCountEarlierEvents: night 2's activities hold only
// its new events, yet engagement counts night 1's (kept in the store) as a
// run over every event would; an event past the horizon is neither counted
// nor kept; a full refresh counts its sources only, not the store again.
func TestScoreHistory_NightsCountEarlierEvents(t *testing.T) {
	night1 := histEventsHeader +
		",ada@lovelace.dev,form_fill,2026-11-20T10:00:00Z,/demo,q4,web\n" +
		",bob@builder.dev,web_visit,2026-11-22T10:00:00Z,/pricing,,web\n" +
		",cy@twombly.dev,content_download,2025-01-02T10:00:00Z,/ebook,,web\n" + // 325 days: past the 300-day horizon
		",ada@lovelace.dev,webinar_attended,2026-11-30T16:00:00Z,,nov,webinar\n" + // after the as-of: counts later
		",ada@lovelace.dev,web_visit,someday,/blog,,web\n" + // undated: never counts
		",zed@zeta.dev,email_click,2026-11-21T08:00:00Z,,,email\n" + // no such person yet
		"c2,,email_click,2026-11-21T09:00:00Z,,,email\n"
	rc := newDirRun(t, historyConfig, map[string][]byte{
		"crm/export.csv":        []byte(historyCRM),
		"activities/events.csv": []byte(night1),
	}, nil)

	n1 := historyRun(t, rc, 0, false)
	e1 := histEngagement(t, n1)
	if e1["ada@lovelace.dev"] == "" || strings.HasPrefix(e1["ada@lovelace.dev"], "0.00 ") {
		t.Fatalf("night 1: ada's engagement %q, want above 0", e1["ada@lovelace.dev"])
	}
	if !strings.HasPrefix(e1["cy@twombly.dev"], "0.00 ") {
		t.Errorf("night 1: cy's only event is past the horizon, engagement %q", e1["cy@twombly.dev"])
	}
	histSameEngagement(t, "night 1", e1, histFreshEngagement(t, map[string]string{"crm/export.csv": historyCRM, "activities/events.csv": night1}, 0))
	stored, files := histStoredEvents(t, n1)
	want := []string{
		"ada@lovelace.dev form_fill 2026-11-20T10:00:00Z",
		"ada@lovelace.dev webinar_attended 2026-11-30T16:00:00Z",
		"bob@builder.dev web_visit 2026-11-22T10:00:00Z",
		"c2 email_click 2026-11-21T09:00:00Z",
		"zed@zeta.dev email_click 2026-11-21T08:00:00Z",
	}
	if strings.Join(stored, "\n") != strings.Join(want, "\n") || files != 1 {
		t.Errorf("night 1 stored %d files of events:\n%s\nwant one file of:\n%s", files, strings.Join(stored, "\n"), strings.Join(want, "\n"))
	}
	histCheckNotes(t, n1, map[string]float64{"events_read": 7, "events_from_history": 0, "events_past_horizon": 1,
		"store_events_kept": 5, "store_events_pruned": 2})

	// Night 2: the activities object holds only the new events; zed now
	// has a CRM record, so night 1's event of theirs counts.
	crm2 := historyCRM + "c4,zed@zeta.dev,Zed,Zeta\n"
	night2 := histEventsHeader + ",bob@builder.dev,form_fill,2026-11-24T09:00:00Z,/contact,,web\n"
	histWriteInputs(t, rc, map[string]string{"crm/export.csv": crm2, "activities/events.csv": night2})
	n2 := historyRun(t, rc, 1, false)
	e2 := histEngagement(t, n2)
	if strings.HasPrefix(e2["ada@lovelace.dev"], "0.00 ") || e2["ada@lovelace.dev"] == "" {
		t.Errorf("night 2: ada, whose events all came on night 1, has engagement %q", e2["ada@lovelace.dev"])
	}
	if strings.HasPrefix(e2["zed@zeta.dev"], "0.00 ") {
		t.Errorf("night 2: zed's night-1 event did not count: %q", e2["zed@zeta.dev"])
	}
	histSameEngagement(t, "night 2", e2, histFreshEngagement(t, map[string]string{"crm/export.csv": crm2,
		"activities/night1.csv": night1, "activities/events.csv": night2}, 1))
	histCheckNotes(t, n2, map[string]float64{"events_read": 6, "events_from_history": 5, "store_files_copied": 1,
		"store_files_rewritten": 0, "store_files_dropped": 0, "store_events_kept": 6})
	if stored, files := histStoredEvents(t, n2); len(stored) != 6 || files != 2 {
		t.Errorf("night 2 stored %d events in %d files, want 6 in 2 (night 1's copied, tonight's)", len(stored), files)
	}

	// Night 3, full refresh: the sources hold every event, night 1's
	// with a correction (bob's visit was to /careers, not /pricing). The
	// store's copy of the old version must not count beside it.
	fixed := strings.Replace(night1, "/pricing", "/careers", 1)
	histWriteInputs(t, rc, map[string]string{"activities/night1.csv": fixed})
	n3 := historyRun(t, rc, 2, true)
	e3 := histEngagement(t, n3)
	histSameEngagement(t, "night 3 (full refresh)", e3, histFreshEngagement(t, map[string]string{"crm/export.csv": crm2,
		"activities/night1.csv": fixed, "activities/events.csv": night2}, 2))
	histCheckNotes(t, n3, map[string]float64{"events_read": 8, "events_from_history": 0, "store_files_copied": 0, "store_events_kept": 6})
	if _, files := histStoredEvents(t, n3); files != 1 {
		t.Errorf("night 3 (full refresh) stored %d files of events, want 1", files)
	}
}

// TestScoreHistory_StoreFilesCopiedRewrittenDropped: with a 90-day
// horizon, a store file partly expired is rewritten with what is left, a
// file wholly inside the horizon is copied, one wholly past it dropped;
// an expired event no longer counts.
func TestScoreHistory_StoreFilesCopiedRewrittenDropped(t *testing.T) {
	cfg := historyConfig + "score:\n  engagement:\n    history_days: 90\n"
	// As-of is the last microsecond of the run date: an event at noon 90
	// days before the run date is 89.5 days old, 90.5 the next night.
	rc := newDirRun(t, cfg, map[string][]byte{
		"crm/export.csv": []byte(historyCRM),
		"activities/events.csv": []byte(histEventsHeader +
			",ada@lovelace.dev,form_fill,2026-11-20T10:00:00Z,/demo,,web\n" +
			",bob@builder.dev,email_click,2026-08-26T12:00:00Z,,,email\n"),
	}, nil)
	n1 := historyRun(t, rc, 0, false)
	if e := histEngagement(t, n1)["bob@builder.dev"]; strings.HasPrefix(e, "0.00 ") {
		t.Errorf("night 1: bob's event 89.5 days old did not count: %q", e)
	}
	histCheckNotes(t, n1, map[string]float64{"store_events_kept": 2, "store_events_pruned": 0})

	histWriteInputs(t, rc, map[string]string{"crm/export.csv": historyCRM + "c4,dee@dee.dev,Dee,Dee\n",
		"activities/events.csv": histEventsHeader + ",cy@twombly.dev,email_click,2026-08-27T12:00:00Z,,,email\n"})
	n2 := historyRun(t, rc, 1, false)
	if e := histEngagement(t, n2)["bob@builder.dev"]; !strings.HasPrefix(e, "0.00 ") {
		t.Errorf("night 2: bob's only event is past the horizon, engagement %q", e)
	}
	histCheckNotes(t, n2, map[string]float64{"store_files_copied": 0, "store_files_rewritten": 1, "store_files_dropped": 0,
		"store_events_kept": 2, "store_events_pruned": 1, "events_past_horizon": 1})
	stored, files := histStoredEvents(t, n2)
	if want := "ada@lovelace.dev form_fill 2026-11-20T10:00:00Z|cy@twombly.dev email_click 2026-08-27T12:00:00Z"; strings.Join(stored, "|") != want || files != 2 {
		t.Errorf("night 2 stored %d files: %v, want 2: %s", files, stored, want)
	}

	histWriteInputs(t, rc, map[string]string{"crm/export.csv": historyCRM + "c4,dee@dee.dev,Dee,Dee\nc5,eve@eve.dev,Eve,Eve\n",
		"activities/events.csv": histEventsHeader + ",dee@dee.dev,web_visit,2026-11-25T08:00:00Z,/pricing,,web\n"})
	n3 := historyRun(t, rc, 2, false)
	histCheckNotes(t, n3, map[string]float64{"store_files_copied": 1, "store_files_rewritten": 0, "store_files_dropped": 1,
		"store_events_kept": 2, "store_events_pruned": 1, "events_from_history": 2})
	stored, files = histStoredEvents(t, n3)
	if want := "ada@lovelace.dev form_fill 2026-11-20T10:00:00Z|dee@dee.dev web_visit 2026-11-25T08:00:00Z"; strings.Join(stored, "|") != want || files != 2 {
		t.Errorf("night 3 stored %d files: %v, want 2: %s", files, stored, want)
	}
	if e := histEngagement(t, n3)["ada@lovelace.dev"]; strings.HasPrefix(e, "0.00 ") {
		t.Errorf("night 3: ada's copied night-1 event did not count: %q", e)
	}
}

// writeStrings writes a Parquet file of string columns (name -> values).
func writeStrings(t *testing.T, rc *etl.RunContext, key string, names []string, cols map[string][]string) columnar.FileInfo {
	t.Helper()
	fields := make([]arrow.Field, len(names))
	for i, n := range names {
		fields[i] = arrow.Field{Name: n, Type: arrow.BinaryTypes.String, Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for i, n := range names {
		for _, v := range cols[n] {
			b.Field(i).(*array.StringBuilder).Append(v)
		}
	}
	rec := b.NewRecord()
	defer rec.Release()
	pw, err := columnar.NewParquetWriter(context.Background(), rc.Work, key, schema, rc.Config.Parquet)
	if err != nil {
		t.Fatal(err)
	}
	if err := pw.Write(rec); err != nil {
		t.Fatal(err)
	}
	fi, err := pw.Close()
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

// TestBuildEntityIndex_EmailKeysFromClusters: when clusters carries
// email_key it covers every live record, those of earlier nights too, and
// the index takes the keys from it; without the column, from tonight's
// normalized records.
func TestBuildEntityIndex_EmailKeysFromClusters(t *testing.T) {
	rc := newDirRun(t, historyConfig, map[string][]byte{"crm/export.csv": []byte(historyCRM)}, nil)
	golden := []columnar.FileInfo{writeStrings(t, rc, "t/golden.parquet", []string{"entity_id"},
		map[string][]string{"entity_id": {"e1", "e2"}})}
	// Tonight's normalized records: only c3, the new record of entity e2.
	normalized := []columnar.FileInfo{writeStrings(t, rc, "t/normalized.parquet", []string{"record_id", "source", "email_key"},
		map[string][]string{"record_id": {"c3"}, "source": {"crm"}, "email_key": {"cy@twombly.dev"}})}
	cl := map[string][]string{"entity_id": {"e1", "e2", "e2"}, "record_id": {"c1", "c2", "c3"}, "source": {"crm", "crm", "crm"},
		"email_key": {"ada@lovelace.dev", "bob@builder.dev", "cy@twombly.dev"}}
	ctx := context.Background()

	withKeys := []columnar.FileInfo{writeStrings(t, rc, "t/clusters_keys.parquet", []string{"entity_id", "record_id", "source", "email_key"}, cl)}
	ix, err := buildEntityIndex(ctx, rc, golden, withKeys, normalized)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int32{"ada@lovelace.dev": 0, "bob@builder.dev": 1, "cy@twombly.dev": 1}
	if len(ix.byEmail) != len(want) {
		t.Errorf("with email_key in clusters: byEmail %v, want %v", ix.byEmail, want)
	}
	for k, row := range want {
		if got, ok := ix.byEmail[k]; !ok || got != row {
			t.Errorf("with email_key in clusters: %s -> %d (%v), want %d", k, got, ok, row)
		}
	}
	if ix.byRecord["c1"] != 0 || ix.byRecord["c3"] != 1 {
		t.Errorf("byRecord %v", ix.byRecord)
	}

	without := []columnar.FileInfo{writeStrings(t, rc, "t/clusters.parquet", []string{"entity_id", "record_id", "source"}, cl)}
	ix, err = buildEntityIndex(ctx, rc, golden, without, normalized)
	if err != nil {
		t.Fatal(err)
	}
	if len(ix.byEmail) != 1 || ix.byEmail["cy@twombly.dev"] != 1 {
		t.Errorf("without email_key in clusters: byEmail %v, want only tonight's cy@twombly.dev -> 1", ix.byEmail)
	}
}
