package stages

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/fixtures"
	"github.com/leadsmith/leadsmith/fixtures/feed"
	"github.com/leadsmith/leadsmith/internal/fixtureconfig"
	"gopkg.in/yaml.v3"
)

// feedConfig writes the config `fixtures generate --nights` writes into
// dir and returns its path.
func feedConfig(t testing.TB, dir string) string {
	t.Helper()
	if err := fixtureconfig.Write(dir, feed.Sources(), feed.ActivitiesSpec(), ""); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "leadsmith.yaml")
}

// copyFeedFiles copies files (relative paths) from src to dst with their
// modification times.
func copyFeedFiles(t testing.TB, src, dst string, files []string) {
	t.Helper()
	for _, rel := range files {
		from, to := filepath.Join(src, filepath.FromSlash(rel)), filepath.Join(dst, filepath.FromSlash(rel))
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := os.Stat(from)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(to, st.ModTime(), st.ModTime())
	}
}

// runNight runs the pipeline on the feed folder dir for date.
func runNight(t testing.TB, cfgPath, date string, fullRefresh bool) *etl.RunContext {
	t.Helper()
	cfg, err := etl.LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if errs := cfg.Validate(); len(errs) > 0 {
		t.Fatal(errs)
	}
	rc := testRunContext(cfg, nil)
	d, _ := time.Parse(time.DateOnly, date)
	rc.RunID, rc.RunDate, rc.AsOf, rc.FullRefresh = date, d, etl.DefaultAsOf(d), fullRefresh
	if err := etl.RunPipeline(context.Background(), rc, Pipeline()); err != nil {
		t.Fatalf("night %s: %v", date, err)
	}
	return rc
}

// nightOutputs is what a night published: record -> entity, and changes.
type nightOutputs struct {
	entityOf map[string]string // record key -> entity id
	changes  []map[string]string
	contacts int64
}

func readNight(t *testing.T, rc *etl.RunContext) nightOutputs {
	t.Helper()
	m := readManifest(t, rc)
	out := nightOutputs{entityOf: map[string]string{}, contacts: m.Datasets["contacts"].Rows}
	for _, r := range readRows(t, rc.Output, m.Datasets["record_map"].Files) {
		out.entityOf[dedupe.RecordKey(r["source"], r["record_id"])] = r["entity_id"]
	}
	out.changes = readRows(t, rc.Output, m.Datasets["entity_changes"].Files)
	return out
}

// feedTruth reads truth/nights.csv: record key -> true entity, and the
// true entities touched after night 1.
func feedTruth(t *testing.T, dir string) (map[string]string, map[string]bool) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(feed.TruthFile)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	truth, touched := map[string]string{}, map[string]bool{}
	for _, r := range rows[1:] {
		truth[dedupe.RecordKey(r[2], r[3])] = r[4]
		if r[0] != "1" {
			touched[r[4]] = true
		}
	}
	return truth, touched
}

func pairwiseF1(t *testing.T, entityOf, truth map[string]string) float64 {
	t.Helper()
	var cluster []int32
	var labels []string
	ids := map[string]int32{}
	for k, e := range entityOf {
		c, ok := ids[e]
		if !ok {
			c = int32(len(ids))
			ids[e] = c
		}
		cluster = append(cluster, c)
		tr, ok := truth[k]
		if !ok {
			t.Fatalf("record %s is not in the truth", k)
		}
		labels = append(labels, tr)
	}
	m, err := dedupe.Evaluate(cluster, labels)
	if err != nil {
		t.Fatal(err)
	}
	return m.F1
}

// TestNights_StoreRemembers replays three nights of a feed, each night's
// files arriving before its run, and checks the measures: the
// store's clustering after night 3 is as good as a full refresh over all
// three nights, entity ids of unchanged people are stable, every id that
// disappears is listed as merged or retired, updates are not rejects, and
// contacts hold every live entity.
func TestNights_StoreRemembers(t *testing.T) {
	if testing.Short() {
		t.Skip("three nights of a feed")
	}
	testNights(t, false)
}

// TestNights_EverythingTouched: when tonight's blocks reach more of the
// store than the budget, the night matches every known record again and
// gives the same measures.
func TestNights_EverythingTouched(t *testing.T) {
	if testing.Short() {
		t.Skip("three nights of a feed")
	}
	old := touchBudget
	touchBudget = func(int) int { return 10 }
	defer func() { touchBudget = old }()
	testNights(t, true)
}

func testNights(t *testing.T, allTouched bool) {
	gen := t.TempDir()
	sum, err := feed.Generate(context.Background(), feed.Options{
		Options: fixtures.Options{Contacts: 4000, Seed: 7, OutDir: gen, Activities: 8000},
		Nights:  3, NightContacts: 400,
	})
	if err != nil {
		t.Fatal(err)
	}
	truth, touched := feedTruth(t, gen)
	inc := t.TempDir()
	cfgPath := feedConfig(t, inc)
	var nights []nightOutputs
	for _, n := range sum.Nights {
		copyFeedFiles(t, gen, inc, n.Files)
		rc := runNight(t, cfgPath, n.Date, false)
		out := readNight(t, rc)
		nights = append(nights, out)
		if n.Night > 1 {
			res, err := rc.Committed(context.Background(), "dedupe")
			if err != nil || res == nil {
				t.Fatalf("dedupe marker: %v", err)
			}
			if inc, _ := res.Notes["incremental"].(bool); !inc {
				t.Errorf("night %d was not incremental", n.Night)
			}
			if all, _ := res.Notes["all_touched"].(bool); all != allTouched {
				t.Errorf("night %d: all_touched = %v, want %v", n.Night, all, allTouched)
			}
			t.Logf("night %d: changes %v, records %v", n.Night, res.Notes["changes"], res.Notes["records"])
			// An entity is "updated" only when tonight changed one of its
			// records (a new, edited or deleted one): never an untouched one
			// that was merely matched again.
			changes, _ := res.Notes["changes"].(map[string]any)
			recs, _ := res.Notes["records"].(map[string]any)
			updated, _ := changes["updated"].(float64)
			var touchedRecs float64
			for _, k := range []string{"records_new", "records_updated", "records_deleted"} {
				v, _ := recs[k].(float64)
				touchedRecs += v
			}
			if updated == 0 || updated > touchedRecs {
				t.Errorf("night %d: %v entities updated by %v changed records", n.Night, updated, touchedRecs)
			}
			// Every id of the night before that is gone is merged or retired.
			listed := map[string]string{}
			for _, c := range out.changes {
				listed[c["entity_id"]] = c["change"]
			}
			now := map[string]bool{}
			for _, e := range out.entityOf {
				now[e] = true
			}
			for _, e := range nights[len(nights)-2].entityOf {
				if !now[e] && listed[e] != dedupe.ChangeMerged && listed[e] != dedupe.ChangeRetired {
					t.Errorf("night %d: entity %s is gone but listed as %q", n.Night, e, listed[e])
				}
			}
			for _, c := range out.changes {
				if c["change"] == dedupe.ChangeMerged && !now[c["other_id"]] {
					t.Errorf("night %d: %s merged into %s, which is not live", n.Night, c["entity_id"], c["other_id"])
				}
			}
			if int64(len(now)) != out.contacts {
				t.Errorf("night %d: %d contacts, %d live entities in record_map", n.Night, out.contacts, len(now))
			}
		}
	}
	last := nights[len(nights)-1]
	f1Inc := pairwiseF1(t, last.entityOf, truth)

	// Ids of people nothing happened to after night 1 stay.
	moved, stable := 0, 0
	for k, e1 := range nights[0].entityOf {
		if touched[truth[k]] {
			continue
		}
		if e3, ok := last.entityOf[k]; ok {
			if e3 != e1 {
				moved++
			} else {
				stable++
			}
		}
	}
	if moved > 0 || stable == 0 {
		t.Errorf("entity ids of unchanged people: %d moved, %d stable", moved, stable)
	}

	// A full refresh over all three nights' files.
	full := t.TempDir()
	fullCfg := feedConfig(t, full)
	for _, n := range sum.Nights {
		copyFeedFiles(t, gen, full, n.Files)
	}
	frc := runNight(t, fullCfg, sum.Nights[len(sum.Nights)-1].Date, true)
	fout := readNight(t, frc)
	f1Full := pairwiseF1(t, fout.entityOf, truth)
	t.Logf("pairwise F1 after night 3: incremental %.4f, full refresh %.4f; %d stable ids", f1Inc, f1Full, stable)
	if math.Abs(f1Inc-f1Full) > 0.003 {
		t.Errorf("incremental F1 %.4f vs full refresh %.4f: more than 0.003 apart", f1Inc, f1Full)
	}
	if len(fout.entityOf) != len(last.entityOf) {
		t.Errorf("live records: incremental %d, full refresh %d", len(last.entityOf), len(fout.entityOf))
	}
}

// TestNights_RollbackAndRerun: a night rolled back and run again (forced,
// every stage redone) on the same store publishes the same contacts,
// record_map and entity_changes: the store a night builds on is the one of
// the last night committed before its date, and objects it had read are
// new again once its version is gone.
func TestNights_RollbackAndRerun(t *testing.T) {
	if testing.Short() {
		t.Skip("two nights of a feed")
	}
	gen := t.TempDir()
	sum, err := feed.Generate(context.Background(), feed.Options{
		Options: fixtures.Options{Contacts: 1500, Seed: 11, OutDir: gen, Activities: 3000},
		Nights:  2, NightContacts: 200,
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfgPath := feedConfig(t, dir)
	for _, n := range sum.Nights {
		copyFeedFiles(t, gen, dir, n.Files)
	}
	d1, d2 := sum.Nights[0].Date, sum.Nights[1].Date
	// Night 1 reads every object present, night 2's included, so night
	// 2's run must see its own files as new: they arrive after night 1.
	for _, rel := range sum.Nights[1].Files {
		os.Rename(filepath.Join(dir, rel), filepath.Join(dir, rel+".later"))
	}
	runNight(t, cfgPath, d1, false)
	for _, rel := range sum.Nights[1].Files {
		os.Rename(filepath.Join(dir, rel+".later"), filepath.Join(dir, rel))
	}
	rc := runNight(t, cfgPath, d2, false)
	snapshot := func(rc *etl.RunContext) map[string][]map[string]string {
		m := readManifest(t, rc)
		out := map[string][]map[string]string{}
		for _, ds := range []string{"contacts", "record_map", "entity_changes", "routing"} {
			out[ds] = readRows(t, rc.Output, m.Datasets[ds].Files)
		}
		return out
	}
	before := snapshot(rc)
	if len(before["entity_changes"]) == 0 || len(before["record_map"]) == 0 {
		t.Fatalf("night 2 published %d changes and %d record_map rows", len(before["entity_changes"]), len(before["record_map"]))
	}
	undone, err := etl.Rollback(context.Background(), rc, d1, etl.PublishedNames(Pipeline()[:len(Pipeline())-1]))
	if err != nil || len(undone) != 1 || undone[0].RunID != d2 {
		t.Fatalf("rollback: %v %v", undone, err)
	}
	cfg, _ := etl.LoadConfig(cfgPath)
	again := testRunContext(cfg, nil)
	d, _ := time.Parse(time.DateOnly, d2)
	again.RunID, again.RunDate, again.AsOf, again.Force = d2, d, etl.DefaultAsOf(d), true
	if err := etl.RunPipeline(context.Background(), again, Pipeline()); err != nil {
		t.Fatal(err)
	}
	after := snapshot(again)
	for ds, rows := range before {
		if len(after[ds]) != len(rows) {
			t.Errorf("%s: %d rows after the re-run, %d before", ds, len(after[ds]), len(rows))
			continue
		}
		key := func(r map[string]string) string {
			b, _ := yaml.Marshal(r)
			return string(b)
		}
		seen := map[string]int{}
		for _, r := range rows {
			seen[key(r)]++
		}
		for _, r := range after[ds] {
			if seen[key(r)] == 0 {
				t.Errorf("%s: a row after the re-run differs: %v", ds, r)
				break
			}
			seen[key(r)]--
		}
	}
}

// TestNights_StoreStaysCompact: over many nights the store's files are
// carried with deletion vectors, compacted when they fill with dead rows
// or grow too many, and always hold exactly the live records and
// entities; the clustering matches a full refresh over every night.
func TestNights_StoreStaysCompact(t *testing.T) {
	if testing.Short() {
		t.Skip("nine nights of a feed")
	}
	ctx := context.Background()
	gen := t.TempDir()
	sum, err := feed.Generate(ctx, feed.Options{
		Options: fixtures.Options{Contacts: 1500, Seed: 11, OutDir: gen, Activities: 3000},
		Nights:  9, NightContacts: 300,
	})
	if err != nil {
		t.Fatal(err)
	}
	truth, _ := feedTruth(t, gen)
	inc := t.TempDir()
	cfgPath := feedConfig(t, inc)
	var last nightOutputs
	sawDead, compacted := false, 0
	for _, n := range sum.Nights {
		copyFeedFiles(t, gen, inc, n.Files)
		rc := runNight(t, cfgPath, n.Date, false)
		last = readNight(t, rc)
		if err := etl.ResolveBase(ctx, rc); err != nil { // the version just committed is the next night's base
			t.Fatal(err)
		}
		next := *rc
		next.RunDate = rc.RunDate.AddDate(0, 0, 1)
		if err := etl.ResolveBase(ctx, &next); err != nil {
			t.Fatal(err)
		}
		live := map[string]int64{}
		for _, part := range []string{storeRecords, storeEntities} {
			files, err := etl.StoreParts(ctx, &next, part)
			if err != nil {
				t.Fatal(err)
			}
			if len(files) == 0 || len(files) > etl.StoreMaxFiles {
				t.Errorf("night %d: store %s has %d files (at most %d)", n.Night, part, len(files), etl.StoreMaxFiles)
			}
			err = columnar.EachBatch(ctx, next.BaseState(), files, func(rec arrow.Record) error {
				live[part] += rec.NumRows()
				return nil
			}, "entity_id")
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				sawDead = sawDead || f.Dead != ""
			}
		}
		if live[storeRecords] != int64(len(last.entityOf)) || live[storeEntities] != last.contacts {
			t.Errorf("night %d: store holds %d records and %d entities; record_map %d, contacts %d",
				n.Night, live[storeRecords], live[storeEntities], len(last.entityOf), last.contacts)
		}
		if res, _ := rc.Committed(ctx, "dedupe"); res != nil {
			if sf, ok := res.Notes["store_files"].(map[string]any); ok {
				for _, p := range sf {
					c, _ := p.(map[string]any)["compacted"].(float64)
					compacted += int(c)
				}
			}
		}
	}
	if !sawDead || compacted == 0 {
		t.Errorf("nine nights: deletion vectors seen %v, files compacted %d: the carry path was not exercised", sawDead, compacted)
	}
	full := t.TempDir()
	fullCfg := feedConfig(t, full)
	for _, n := range sum.Nights {
		copyFeedFiles(t, gen, full, n.Files)
	}
	fout := readNight(t, runNight(t, fullCfg, sum.Nights[len(sum.Nights)-1].Date, true))
	f1Inc, f1Full := pairwiseF1(t, last.entityOf, truth), pairwiseF1(t, fout.entityOf, truth)
	t.Logf("after nine nights: pairwise F1 incremental %.4f, full refresh %.4f; %d files compacted", f1Inc, f1Full, compacted)
	if math.Abs(f1Inc-f1Full) > 0.003 || len(fout.entityOf) != len(last.entityOf) {
		t.Errorf("incremental F1 %.4f (%d records) vs full refresh %.4f (%d records)", f1Inc, len(last.entityOf), f1Full, len(fout.entityOf))
	}
}
