package stages

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/storage"
	"golang.org/x/sync/errgroup"
)

// mergeStats counts what tonight did to known records.
type mergeStats struct {
	Updated      int `json:"records_updated"`
	StaleUpdates int `json:"stale_updates_ignored"`
	Deleted      int `json:"records_deleted"`
	New          int `json:"records_new"`
	UnknownDel   int `json:"deletes_of_unknown_records"`
	// changed lists the record keys tonight added, updated or deleted.
	changed map[string]bool
}

// mergeNight applies tonight's records to the touched entities' records: a
// known record's newer version replaces it (an older one is ignored), a
// tombstone removes it, a new record is added. It returns the table to
// match and the previous entity of every touched record (deleted ones
// included, so that an entity left with none is retired).
func mergeNight(tr *touchedRecords, night *nightRecords) (*dedupe.Table, map[string]string, mergeStats) {
	st := mergeStats{changed: map[string]bool{}}
	old := tr.t
	idx := make(map[string]int, old.Len())
	prev := make(map[string]string, old.Len())
	for i, k := range old.IDs {
		idx[k] = i
		prev[k] = tr.entity[i]
	}
	drop := make([]bool, old.Len())
	for key, at := range night.deleted {
		i, ok := idx[key]
		switch {
		case !ok:
			st.UnknownDel++
		case newerVersion(at, versionTime(old, i)):
			drop[i] = true
			st.Deleted++
			st.changed[key] = true
		default:
			st.StaleUpdates++
		}
	}
	cols := map[string]bool{}
	for c := range old.Cols {
		cols[c] = true
	}
	for c := range night.t.Cols {
		cols[c] = true
	}
	u := &dedupe.Table{Cols: map[string][]string{}}
	for c := range cols {
		u.Cols[c] = make([]string, 0, old.Len()+night.t.Len())
	}
	value := func(t *dedupe.Table, c string, i int) string {
		if col := t.Cols[c]; col != nil {
			return col[i]
		}
		return ""
	}
	replacement := map[int]int{}
	var fresh []int
	for j, k := range night.t.IDs {
		i, ok := idx[k]
		switch {
		case !ok:
			fresh = append(fresh, j)
			st.changed[k] = true
		case newerVersion(versionTime(night.t, j), versionTime(old, i)):
			replacement[i] = j
			st.Updated++
			st.changed[k] = true
		default:
			st.StaleUpdates++
		}
	}
	for i, k := range old.IDs {
		if drop[i] {
			continue
		}
		u.IDs = append(u.IDs, k)
		j, replaced := replacement[i]
		for c := range cols {
			v := value(old, c, i)
			if _, has := night.t.Cols[c]; replaced && has {
				v = value(night.t, c, j)
			}
			u.Cols[c] = append(u.Cols[c], v)
		}
	}
	for _, j := range fresh {
		u.IDs = append(u.IDs, night.t.IDs[j])
		for c := range cols {
			u.Cols[c] = append(u.Cols[c], value(night.t, c, j))
		}
	}
	st.New = len(fresh)
	return sortByKey(u), prev, st
}

// sortByKey orders a table's records by record key (see resolveVersions).
func sortByKey(t *dedupe.Table) *dedupe.Table {
	order := make([]int, t.Len())
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return t.IDs[order[a]] < t.IDs[order[b]] })
	out := &dedupe.Table{IDs: make([]string, len(order)), Cols: make(map[string][]string, len(t.Cols))}
	for k, i := range order {
		out.IDs[k] = t.IDs[i]
	}
	for name, col := range t.Cols {
		vals := make([]string, len(order))
		for k, i := range order {
			vals[k] = col[i]
		}
		out.Cols[name] = vals
	}
	return out
}

// storeModel chooses the model of an incremental night: the config's
// dedupe_model, else the store's (the model the known records were matched
// with), retrained on tonight's table when dedupe_retrain says so.
func storeModel(ctx context.Context, rc *etl.RunContext, settings dedupe.Settings) (*dedupe.Model, any, error) {
	if rc.Config.DedupeModel != "" {
		return dedupeModel(ctx, rc, nil, settings)
	}
	r, err := rc.BaseState().Open(ctx, etl.StoreKey(storeModelPart, 0, ".json"))
	if errors.Is(err, storage.ErrNotExist) {
		return nil, "the store holds no model", nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("store model: %w", err)
	}
	defer r.Close()
	m, err := dedupe.LoadModel(r)
	if err != nil {
		return nil, nil, fmt.Errorf("store model: %w", err)
	}
	return m, map[string]any{"loaded_from": "store"}, nil
}

// drift compares how often each compared column is filled tonight with
// how often it is filled in the records matched before (the touched
// ones, a sample of the store that shares tonight's blocks): a source
// that stopped sending a column, or began sending another, shifts what
// the model's weights mean. It returns the largest shift and its column.
func drift(s dedupe.Settings, tonight, known *dedupe.Table) (float64, string) {
	fill := func(t *dedupe.Table, c string) (float64, bool) {
		col, ok := t.Cols[c]
		if !ok || len(col) == 0 {
			return 0, false
		}
		n := 0
		for _, v := range col {
			if v != "" {
				n++
			}
		}
		return float64(n) / float64(len(col)), true
	}
	worst, at := 0.0, ""
	for _, cm := range s.Comparisons {
		a, ok1 := fill(tonight, cm.Column)
		b, ok2 := fill(known, cm.Column)
		if ok1 && ok2 && math.Abs(a-b) > worst {
			worst, at = math.Abs(a-b), cm.Column
		}
	}
	return worst, at
}

// driftLimit is the fill-rate shift of a compared column that counts as
// drift (on_drift retrains past it; never only warns).
const driftLimit = 0.25

// runIncremental is an incremental night (see dedupe_incremental.go).
func (d Dedupe) runIncremental(ctx context.Context, rc *etl.RunContext, night *nightRecords, settings dedupe.Settings) (*etl.StageResult, error) {
	recFiles, err := etl.StoreParts(ctx, rc, storeRecords)
	if err != nil {
		return nil, err
	}
	entFiles, err := etl.StoreParts(ctx, rc, storeEntities)
	if err != nil {
		return nil, err
	}
	model, trainNote, err := storeModel(ctx, rc, settings)
	if err != nil {
		return nil, err
	}
	ms := settings
	if model != nil {
		ms = model.Settings
	}
	s := ms.Resolved()
	start := time.Now()
	tc, storeRows, err := findTouched(ctx, rc, recFiles, night, s.BlockingRules, s.MaxBlockSize)
	if err != nil {
		return nil, err
	}
	storeSchema, _, err := columnar.ReadParquetSchema(ctx, rc.BaseState(), recFiles[0].Key)
	if err != nil {
		return nil, err
	}
	colSet := map[string][]string{}
	for c := range night.t.Cols {
		colSet[c] = nil
	}
	for _, f := range storeSchema.Fields() {
		if f.Name != "entity_id" && f.Name != "record_id" {
			colSet[f.Name] = nil
		}
	}
	cols := goldenColumns(colSet)
	recSchema := columnar.StoreRecordsSchema(cols)
	// The passes over the store's records and entities need only the
	// touched set: they run side by side, one per core. Tonight's golden
	// columns are the union above (mergeNight adds none).
	gschema := columnar.GoldenSchema(cols)
	var tr *touchedRecords
	var ef *entityFacts
	var g errgroup.Group
	g.Go(func() (err error) { tr, err = readTouched(ctx, rc, recFiles, tc, s, recSchema, night); return err })
	g.Go(func() (err error) { ef, err = copyEntities(ctx, rc, entFiles, tc, gschema); return err })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	u, prev, mst := mergeNight(tr, night)
	ef.changed = mst.changed
	for c := range colSet {
		if _, ok := u.Cols[c]; !ok {
			u.Cols[c] = make([]string, u.Len())
		}
	}
	if tc.All {
		rc.Log.Warn("tonight's blocks reach too much of the store to match it alone: every known record is matched again",
			"store_records", storeRows, "tonight_records", night.t.Len(), "budget", tc.Budget)
	}
	rc.Log.Info("store matched", "store_records", storeRows, "touched_entities", tc.Len(), "all_touched", tc.All,
		"touched_records", tr.t.Len(), "tonight_records", night.t.Len(), "duration_ms", time.Since(start).Milliseconds())
	shift, shiftCol := drift(ms, night.t, tr.t)
	retrain := rc.Config.DedupeRetrain == "always" || model == nil || (rc.Config.DedupeRetrain == "on_drift" && shift > driftLimit)
	if shift > driftLimit {
		rc.Log.Warn("dedupe drift: a compared column is filled much more or less often tonight than in the known records",
			"column", shiftCol, "fill_rate_shift", math.Round(shift*1000)/1000, "retrain", retrain)
	}
	if retrain && u.Len() >= 2 && rc.Config.DedupeModel == "" {
		if model, trainNote, err = dedupeModel(ctx, rc, u, settings); err != nil {
			return nil, err
		}
	}
	if model == nil {
		model = &dedupe.Model{Version: 1, Settings: settings}
	}
	pairs, blocking := &dedupe.Pairs{}, &dedupe.BlockingReport{}
	if u.Len() >= 2 && len(model.Comparisons) > 0 {
		scorer, err := dedupe.NewScorerIn(model, u, tr.pop)
		if err != nil {
			return nil, err
		}
		if pairs, blocking, err = scorer.Predict(); err != nil {
			return nil, fmt.Errorf("predict: %w", err)
		}
	}
	o, err := d.settle(ctx, rc, u, model, pairs, prev, ef)
	if err != nil {
		return nil, err
	}
	files, err := d.writeNight(ctx, rc, o, ef, tr, recSchema)
	if err != nil {
		return nil, err
	}
	if err := saveDedupeModel(ctx, rc, model, files); err != nil {
		return nil, err
	}
	var entities int64
	for _, f := range files["golden"] {
		entities += f.Rows
	}
	res := &etl.StageResult{RowsIn: int64(night.t.Len()), RowsOut: entities, Datasets: files}
	res.Notes = map[string]any{
		"incremental": true, "training": trainNote, "blocking": blocking, "threshold": model.Settings.Threshold,
		"store_records": storeRows, "touched_entities": tc.Len(), "all_touched": tc.All, "matched_records": u.Len(),
		"entities": entities, "records": mst, "superseded_versions": night.superseded,
		"store_files": map[string]any{
			"records":  map[string]int{"carried": len(tr.carried), "compacted": tr.compacted, "written": len(files[etl.StorePrefix+storeRecords]) - len(tr.carried)},
			"entities": map[string]int{"carried": len(ef.carried), "compacted": ef.compacted, "written": len(files["golden"]) - len(ef.carried)},
		},
		"changes": countChanges(o.changes), "drift": map[string]any{"max_fill_rate_shift": shift, "column": shiftCol, "limit": driftLimit},
	}
	rc.Log.Info("entities built", "entities", entities, "changes", len(o.changes), "records_updated", mst.Updated,
		"records_deleted", mst.Deleted, "records_new", mst.New)
	return res, nil
}

func countChanges(cs []dedupe.Change) map[string]int {
	out := map[string]int{}
	for _, c := range cs {
		out[c.Change]++
	}
	return out
}

// settle clusters the matched table, assigns ids against what the store
// knew, builds golden records and lists the night's entity changes.
func (d Dedupe) settle(ctx context.Context, rc *etl.RunContext, u *dedupe.Table, model *dedupe.Model, pairs *dedupe.Pairs, prev map[string]string, ef *entityFacts) (dedupeOutputs, error) {
	threshold := model.Settings.Threshold
	clusters, err := dedupe.Cluster(pairs, u.Len(), threshold, model.Settings.Resolved().MaxClusterSize)
	if err != nil {
		return dedupeOutputs{}, fmt.Errorf("cluster: %w", err)
	}
	ids, changes := dedupe.AssignIdentities(u.IDs, clusters, prev, ef.first)
	if ids == nil {
		return dedupeOutputs{}, fmt.Errorf("entity ids: clustering does not fit the table")
	}
	priority := sourcePriorities(rc.Config, u.Cols["source"])
	golden, err := dedupe.Survive(u, clusters, ids, dedupe.SurviveOptions{Rules: survivorship(model.Settings.Survivorship), Priority: priority})
	if err != nil {
		return dedupeOutputs{}, fmt.Errorf("survivorship: %w", err)
	}
	for i, id := range golden.EntityIDs {
		if fs, ok := ef.first[id]; ok && (golden.FirstSeenAt[i].IsZero() || fs.Before(golden.FirstSeenAt[i])) {
			golden.FirstSeenAt[i] = fs
		} else if golden.FirstSeenAt[i].IsZero() {
			golden.FirstSeenAt[i] = rc.Clock()
		}
	}
	listed := map[string]bool{}
	for _, c := range changes {
		listed[c.EntityID] = true
	}
	for _, id := range updatedEntities(ef, u.IDs, ids, prev, golden) {
		if !listed[id] {
			changes = append(changes, dedupe.Change{EntityID: id, Change: dedupe.ChangeUpdated})
		}
	}
	sort.SliceStable(changes, func(i, j int) bool { return changes[i].EntityID < changes[j].EntityID })
	return dedupeOutputs{t: u, pairs: pairs, threshold: threshold, clusters: clusters, ids: ids, golden: golden, changes: changes}, nil
}

// saveDedupeModel writes the model the run used beside its outputs, and
// as the store's model for the next night.
func saveDedupeModel(ctx context.Context, rc *etl.RunContext, model *dedupe.Model, files map[string][]columnar.FileInfo) error {
	var buf bytes.Buffer
	if err := dedupe.SaveModel(&buf, model); err != nil {
		return fmt.Errorf("save dedupe model: %w", err)
	}
	if err := etl.WriteBytes(ctx, rc.Work, rc.StagePrefix("dedupe")+"model.json", buf.Bytes()); err != nil {
		return err
	}
	key := rc.DatasetPrefix("dedupe", etl.StorePrefix+storeModelPart) + "part-00000.json"
	if err := etl.WriteBytes(ctx, rc.Work, key, buf.Bytes()); err != nil {
		return err
	}
	files[etl.StorePrefix+storeModelPart] = []columnar.FileInfo{{Key: key, Bytes: int64(buf.Len())}}
	return nil
}

// survivorship is the model's rules with dq_issues, unless set, the union
// of the records' codes: the data contract's contacts carry them all.
func survivorship(r dedupe.Survivorship) dedupe.Survivorship {
	if _, ok := r.Fields["dq_issues"]; ok {
		return r
	}
	fields := map[string]string{"dq_issues": dedupe.SurviveUnion}
	for k, v := range r.Fields {
		fields[k] = v
	}
	r.Fields = fields
	return r
}
