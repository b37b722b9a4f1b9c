package stages

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/dedupe/compare"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"golang.org/x/sync/errgroup"
)

// Dedupe finds the records of the same person, clusters them and merges
// each cluster into one golden record with a stable entity_id (datasets
// `pairs`, `clusters`, `golden`, the published `record_map` and
// `entity_changes`, and the entity store's records, entities and model for
// the next night).
type Dedupe struct {
	// GoldenSplitRows is the size from which golden is written as two
	// parts, one per core (0: two row groups).
	GoldenSplitRows int
}

// Name implements Stage.
func (Dedupe) Name() string { return "dedupe" }

// Needs implements Stage.
func (Dedupe) Needs() []string { return []string{"normalize"} }

// MemoryBudget: the table of a million records and its candidate pairs
// live in memory while the model trains and predicts.
func (Dedupe) MemoryBudget() int64 { return 3584 << 20 }

func (d Dedupe) goldenSplitRows() int {
	if d.GoldenSplitRows > 0 {
		return d.GoldenSplitRows
	}
	return 2 * columnar.RowGroupRows
}

// notGolden are normalized columns that describe one source row, not a person.
var notGolden = map[string]bool{
	"record_id": true, "source": true, columnar.ColSourceObject: true, columnar.ColSourceLine: true,
}

// loadNormalized reads the run's normalized records as a dedupe table,
// with the lineage columns that order a record's versions.
func loadNormalized(ctx context.Context, rc *etl.RunContext) (*dedupe.Table, error) {
	norm, err := etl.CommittedStage(ctx, rc, "normalize", "")
	if err != nil {
		return nil, err
	}
	return loadTable(ctx, rc.Work, norm.Datasets["normalized"], func(name string) bool {
		return !notGolden[name] || name == "source" || name == columnar.ColSourceObject || name == columnar.ColSourceLine
	})
}

// Run implements Stage. A night with an entity store matches tonight's
// records against it (runIncremental); the first night and a full refresh
// match every record the sources hold, keeping the ids the store (or an
// older state) knew.
func (d Dedupe) Run(ctx context.Context, rc *etl.RunContext) (*etl.StageResult, error) {
	settings, err := etl.DedupeSettings(rc.Config)
	if err != nil {
		return nil, err
	}
	raw, err := loadNormalized(ctx, rc)
	if err != nil {
		return nil, err
	}
	night := resolveVersions(raw)
	raw = nil
	if rc.Config.Dedupe.Kind == 0 {
		settings = settings.ForColumns(night.t.Columns())
	}
	inc, err := etl.Incremental(ctx, rc)
	if err != nil {
		return nil, err
	}
	if inc {
		return d.runIncremental(ctx, rc, night, settings)
	}
	if ex, err := rc.Committed(ctx, "extract"); err == nil && ex != nil {
		if read, _ := ex.Notes["incremental"].(bool); read {
			// Matching only tonight's new objects without the records
			// known before would publish a partial picture.
			return nil, fmt.Errorf("extract read only new or changed objects, but the state this run builds on holds no entity store records (was a night published without dedupe?): run again with --full-refresh")
		}
	}
	t := night.t
	n := t.Len()
	rc.Log.Info("dedupe table loaded", "records", n, "columns", len(t.Cols), "superseded_versions", night.superseded, "deleted", len(night.deleted))
	warnEmptyColumns(rc, settings, t)
	// Fewer than two records have nothing to match: every record is its
	// own entity, with no model trained.
	model := &dedupe.Model{Version: 1, Settings: settings}
	var trainNote any = "skipped: fewer than 2 records"
	pairs, blocking := &dedupe.Pairs{}, &dedupe.BlockingReport{}
	if n >= 2 {
		if errs := settings.Validate(t.Columns()...); len(errs) > 0 {
			return nil, fmt.Errorf("dedupe settings: %w", errors.Join(errs...))
		}
		if model, trainNote, err = dedupeModel(ctx, rc, t, settings); err != nil {
			return nil, err
		}
		if pairs, blocking, err = scorePairs(rc, model, t); err != nil {
			return nil, err
		}
	}
	prev, ef, err := knownEntities(ctx, rc)
	if err != nil {
		return nil, err
	}
	phase := time.Now()
	o, err := d.settle(ctx, rc, t, model, pairs, prev, ef)
	if err != nil {
		return nil, err
	}
	settleDur := time.Since(phase)
	phase = time.Now()
	files, err := d.writeOutputs(ctx, rc, o)
	writeDur := time.Since(phase)
	if err != nil {
		return nil, err
	}
	res := &etl.StageResult{RowsIn: int64(n), RowsOut: int64(len(o.golden.EntityIDs)), Datasets: files}
	if err := saveDedupeModel(ctx, rc, model, files); err != nil {
		return nil, err
	}
	multi := multiRecordEntities(o.clusters)
	rc.Log.Info("entities built", "records", n, "entities", len(o.golden.EntityIDs), "multi_record_entities", multi,
		"settle_ms", settleDur.Milliseconds(), "write_ms", writeDur.Milliseconds(), "changes", len(o.changes))
	res.Notes = map[string]any{
		"incremental": false, "full_refresh": rc.FullRefresh,
		"training": trainNote, "blocking": blocking, "threshold": o.threshold, "superseded_versions": night.superseded,
		"records_deleted": len(night.deleted), "changes": countChanges(o.changes),
		"entities": len(o.golden.EntityIDs), "multi_record_entities": multi, "pairs_kept": pairs.Len(),
	}
	return res, nil
}

// knownEntities is what a night that matches every record knew before:
// the store's record -> entity map, first-seen times and golden content
// (a full refresh), or the entity state of a leadsmith without a store.
func knownEntities(ctx context.Context, rc *etl.RunContext) (map[string]string, *entityFacts, error) {
	ef := &entityFacts{first: map[string]time.Time{}, hashes: map[string]uint64{}}
	recFiles, err := etl.StoreParts(ctx, rc, storeRecords)
	if err != nil {
		return nil, nil, err
	}
	if len(recFiles) == 0 {
		prev, first, err := readEntityState(ctx, rc)
		ef.first = first
		return prev, ef, err
	}
	prev := map[string]string{}
	err = columnar.EachBatch(ctx, rc.BaseState(), recFiles, func(rec arrow.Record) error {
		ents, ids, srcs := columnar.StringCol(rec, "entity_id"), columnar.StringCol(rec, "record_id"), columnar.StringCol(rec, "source")
		for i := 0; i < int(rec.NumRows()); i++ {
			prev[dedupe.RecordKey(columnar.StrAt(srcs, i), columnar.StrAt(ids, i))] = strings.Clone(columnar.StrAt(ents, i))
		}
		return nil
	}, "entity_id", "record_id", "source")
	if err != nil {
		return nil, nil, err
	}
	entFiles, err := etl.StoreParts(ctx, rc, storeEntities)
	if err != nil {
		return nil, nil, err
	}
	var h rowHasher
	err = columnar.EachBatch(ctx, rc.BaseState(), entFiles, func(rec arrow.Record) error {
		rows := make([]int, rec.NumRows())
		for i := range rows {
			rows[i] = i
		}
		ef.facts(rec, rows, &h)
		return nil
	})
	return prev, ef, err
}

// dedupeModel trains a model on this run's records, or loads the one the
// config names (dedupe_model), which then also fixes the settings.
func dedupeModel(ctx context.Context, rc *etl.RunContext, t *dedupe.Table, s dedupe.Settings) (*dedupe.Model, any, error) {
	if path := rc.Config.DedupeModel; path != "" {
		store, key, err := openFile(ctx, rc.Config, path)
		if err != nil {
			return nil, nil, err
		}
		r, err := store.Open(ctx, key)
		if err != nil {
			return nil, nil, fmt.Errorf("dedupe_model: %w", err)
		}
		defer r.Close()
		m, err := dedupe.LoadModel(r)
		if err != nil {
			return nil, nil, fmt.Errorf("dedupe_model %s: %w", path, err)
		}
		rc.Log.Info("dedupe model loaded, training skipped", "model", path)
		return m, map[string]any{"loaded_from": path}, nil
	}
	start := time.Now()
	m, report, err := dedupe.Train(t, s)
	if err != nil {
		return nil, nil, fmt.Errorf("train: %w", err)
	}
	rc.Log.Info("dedupe model trained", "prior", report.Prior, "u_sample_pairs", report.USamplePairs,
		"untrained_comparisons", len(report.Untrained), "duration_ms", time.Since(start).Milliseconds())
	for _, r := range report.Rules {
		if r.Iterations > 0 && !r.Converged {
			last := 0.0
			if len(r.Deltas) > 0 {
				last = r.Deltas[len(r.Deltas)-1]
			}
			rc.Log.Warn("EM did not converge: the m values this rule trained may be unreliable (raise dedupe.em_max_iterations or check the rule)",
				"rule", r.Rule, "iterations", r.Iterations, "last_change", last, "tolerance", s.Resolved().EMTolerance)
		}
	}
	if len(report.Untrained) > 0 {
		rc.Log.Warn("comparisons no training rule could estimate keep their starting m values", "comparisons", report.Untrained)
	}
	return m, report, nil
}

func sourcePriorities(c *etl.Config, sources []string) []int {
	byName := map[string]int{}
	for _, s := range c.Sources {
		byName[s.Name] = s.Priority
	}
	out := make([]int, len(sources))
	for i, s := range sources {
		if p, ok := byName[s]; ok {
			out[i] = p
		} else {
			out[i] = len(c.Sources) + 1
		}
	}
	return out
}

// scorePairs scores the candidate pairs of t with model and logs what
// blocking produced.
func scorePairs(rc *etl.RunContext, model *dedupe.Model, t *dedupe.Table) (*dedupe.Pairs, *dedupe.BlockingReport, error) {
	start := time.Now()
	scorer, err := dedupe.NewScorer(model, t)
	if err != nil {
		return nil, nil, err
	}
	pairs, blocking, err := scorer.Predict()
	if err != nil {
		return nil, nil, fmt.Errorf("predict: %w", err)
	}
	rc.Log.Info("pairs scored", "candidate_pairs", blocking.TotalPairs, "kept_pairs", pairs.Len(), "duration_ms", time.Since(start).Milliseconds())
	for _, r := range blocking.Rules {
		rc.Log.Info("blocking rule", "rule", r.Name, "pairs", r.Pairs, "blocks", r.Blocks, "capped_blocks", r.CappedBlocks, "skipped_pairs", r.SkippedPairs)
	}
	return pairs, blocking, nil
}

// dedupeOutputs is what the dedupe stage writes.
type dedupeOutputs struct {
	t         *dedupe.Table
	pairs     *dedupe.Pairs
	threshold float64
	clusters  *dedupe.Clustering
	ids       []string
	golden    *dedupe.Golden
	changes   []dedupe.Change
}

// writeOutputs writes what a night that matched every record produces:
// golden (also the store's entities), pairs, clusters, the store's
// records, record_map and entity_changes.
func (d Dedupe) writeOutputs(ctx context.Context, rc *etl.RunContext, o dedupeOutputs) (map[string][]columnar.FileInfo, error) {
	// Golden (every column of every entity) takes three times as long to
	// encode as the other outputs together, so a big one is written as
	// two parts, one per core, each followed by some of the others.
	ng := len(o.golden.EntityIDs)
	parts := 1
	if ng >= d.goldenSplitRows() && runtime.GOMAXPROCS(0) >= 2 {
		parts = 2
	}
	w := newDedupeWriter(ctx, rc)
	for p := 0; p < parts; p++ {
		lo, hi := ng*p/parts, ng*(p+1)/parts
		w.add(p%2, "golden", p, func(k string) (columnar.FileInfo, error) { return writeGolden(ctx, rc, k, o.t, o.golden, lo, hi) })
	}
	w.night(o, 0, 0, etl.StorePrefix+storeRecords)
	files, err := w.wait()
	if err != nil {
		return nil, err
	}
	files[etl.StorePrefix+storeEntities] = files["golden"]
	return files, nil
}

// writeNight writes an incremental night's outputs: the golden records,
// store records and record_map rows of the matched entities as a part
// after the carried and compacted ones (see etl.Carrier), and pairs,
// clusters and changes of tonight's matching.
func (d Dedupe) writeNight(ctx context.Context, rc *etl.RunContext, o dedupeOutputs, ef *entityFacts, tr *touchedRecords, recSchema *arrow.Schema) (map[string][]columnar.FileInfo, error) {
	w := newDedupeWriter(ctx, rc)
	parts := func(carried []columnar.FileInfo, compact *columnar.FileInfo) []columnar.FileInfo {
		out := append([]columnar.FileInfo(nil), carried...)
		if compact != nil && compact.Rows > 0 {
			out = append(out, *compact)
		}
		return out
	}
	w.files["golden"] = parts(ef.carried, ef.compact)
	w.files[etl.StorePrefix+storeRecords] = parts(tr.carried, tr.compact)
	w.files["record_map"] = []columnar.FileInfo{tr.copiedRM}
	w.add(0, "golden", len(w.files["golden"]), func(k string) (columnar.FileInfo, error) {
		return writeGolden(ctx, rc, k, o.t, o.golden, 0, len(o.golden.EntityIDs))
	})
	w.nightSchema = recSchema
	w.night(o, len(w.files[etl.StorePrefix+storeRecords]), 1, etl.StorePrefix+storeRecords)
	files, err := w.wait()
	if err != nil {
		return nil, err
	}
	files[etl.StorePrefix+storeEntities] = files["golden"]
	return files, nil
}

// dedupeWriter runs the dedupe stage's writes in two queues, one per
// core; each job fills its own slot of files.
type dedupeWriter struct {
	ctx         context.Context
	rc          *etl.RunContext
	files       map[string][]columnar.FileInfo
	queues      [2][]func() error
	nightSchema *arrow.Schema
}

func newDedupeWriter(ctx context.Context, rc *etl.RunContext) *dedupeWriter {
	return &dedupeWriter{ctx: ctx, rc: rc, files: map[string][]columnar.FileInfo{}}
}

// add queues the write of part `part` of dataset name.
func (w *dedupeWriter) add(queue int, name string, part int, fn func(key string) (columnar.FileInfo, error)) {
	for len(w.files[name]) <= part {
		w.files[name] = append(w.files[name], columnar.FileInfo{})
	}
	key := w.rc.DatasetPrefix("dedupe", name) + fmt.Sprintf("part-%05d.parquet", part)
	w.queues[queue] = append(w.queues[queue], func() error {
		fi, err := fn(key)
		if err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		w.files[name][part] = fi
		return nil
	})
}

// night queues what every night writes of its matched table: pairs,
// clusters, changes, part `part` of the store's records and part mapPart
// of record_map.
func (w *dedupeWriter) night(o dedupeOutputs, part, mapPart int, records string) {
	ctx, rc := w.ctx, w.rc
	schema := w.nightSchema
	if schema == nil {
		schema = columnar.StoreRecordsSchema(goldenColumns(o.t.Cols))
	}
	w.add(0, "pairs", 0, func(k string) (columnar.FileInfo, error) { return writePairs(ctx, rc, k, o.t, o.pairs, o.threshold) })
	w.add(0, "entity_changes", 0, func(k string) (columnar.FileInfo, error) { return writeEntityChanges(ctx, rc, k, o.changes) })
	w.add(1, "clusters", 0, func(k string) (columnar.FileInfo, error) { return writeClusters(ctx, rc, k, o.t, o.clusters, o.ids) })
	w.add(1, records, part, func(k string) (columnar.FileInfo, error) { return writeStoreRecords(ctx, rc, k, o.t, o.ids, schema) })
	w.add(1, "record_map", mapPart, func(k string) (columnar.FileInfo, error) { return writeRecordMap(ctx, rc, k, o.t, o.ids) })
}

func (w *dedupeWriter) wait() (map[string][]columnar.FileInfo, error) {
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, queue := range w.queues {
		g.Go(func() error {
			for _, job := range queue {
				if err := job(); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return w.files, nil
}

// multiRecordEntities counts the clusters of more than one record.
func multiRecordEntities(c *dedupe.Clustering) int {
	multi := 0
	for _, s := range c.Size {
		if s > 1 {
			multi++
		}
	}
	return multi
}

// warnEmptyColumns warns, by name, of every blocking rule and comparison
// of settings that reads a column no record fills: the rule can find no
// pair and the comparison learns nothing, which would otherwise pass
// unseen (a source mapped only some columns; a column normalize could
// never interpret). A night that matches every record says so; an
// incremental night's few records leave columns empty as a matter of
// course, so it does not.
func warnEmptyColumns(rc *etl.RunContext, s dedupe.Settings, t *dedupe.Table) {
	if t.Len() == 0 {
		return
	}
	filled := map[string]bool{}
	for name, vals := range t.Cols {
		for _, v := range vals {
			if v != "" {
				filled[name] = true
				break
			}
		}
	}
	for _, r := range append(append([]dedupe.BlockingRule(nil), s.BlockingRules...), s.TrainingBlockingRules...) {
		for _, k := range r.Keys {
			if col, _, err := compare.ParseKeyExpr(k); err == nil && !filled[col] {
				name := r.Name
				if name == "" {
					name = strings.Join(r.Keys, " & ")
				}
				rc.Log.Warn("a blocking rule reads a column no record fills: it finds no pair", "rule", name, "column", col)
				break
			}
		}
	}
	for _, c := range s.Comparisons {
		if !filled[c.Column] {
			rc.Log.Warn("a comparison reads a column no record fills: it adds no evidence and cannot be trained", "comparison", c.Name, "column", c.Column)
		}
	}
}
