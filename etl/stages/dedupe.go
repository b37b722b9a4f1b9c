package stages

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"golang.org/x/sync/errgroup"
)

// Dedupe finds the records of the same person, clusters them and merges
// each cluster into one golden record with a stable entity_id (datasets
// `pairs`, `clusters`, `golden`, and `entity_state` for the next night).
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
	"record_id": true, "source": true, columnar.ColSourceObject: true, columnar.ColSourceLine: true, "dq_issues": true,
}

// loadNormalized reads the run's normalized records as a dedupe table.
func loadNormalized(ctx context.Context, rc *etl.RunContext) (*dedupe.Table, error) {
	norm, err := etl.CommittedStage(ctx, rc, "normalize", "")
	if err != nil {
		return nil, err
	}
	return loadTable(ctx, rc.Work, norm.Datasets["normalized"], func(name string) bool {
		return !notGolden[name] || name == "source"
	})
}

// Run implements Stage.
func (d Dedupe) Run(ctx context.Context, rc *etl.RunContext) (*etl.StageResult, error) {
	settings, err := etl.DedupeSettings(rc.Config)
	if err != nil {
		return nil, err
	}
	t, err := loadNormalized(ctx, rc)
	if err != nil {
		return nil, err
	}
	n := t.Len()
	rc.Log.Info("dedupe table loaded", "records", n, "columns", len(t.Cols))
	if rc.Config.Dedupe.Kind == 0 {
		settings = settings.ForColumns(t.Columns())
	}
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
	threshold := model.Settings.Threshold
	phase := time.Now()
	clusters, err := dedupe.Cluster(pairs, n, threshold, model.Settings.MaxClusterSize)
	clusterDur := time.Since(phase)
	if err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	prev, prevFirstSeen, err := readEntityState(ctx, rc)
	if err != nil {
		return nil, err
	}
	ids := dedupe.AssignEntityIDs(t.IDs, clusters, prev)
	if ids == nil {
		return nil, fmt.Errorf("entity ids: clustering does not fit the table")
	}
	priority := sourcePriorities(rc.Config, t.Cols["source"])
	phase = time.Now()
	golden, err := dedupe.Survive(t, clusters, ids, dedupe.SurviveOptions{Rules: model.Settings.Survivorship, Priority: priority})
	surviveDur := time.Since(phase)
	if err != nil {
		return nil, fmt.Errorf("survivorship: %w", err)
	}
	for i, id := range golden.EntityIDs {
		if fs, ok := prevFirstSeen[id]; ok && (golden.FirstSeenAt[i].IsZero() || fs.Before(golden.FirstSeenAt[i])) {
			golden.FirstSeenAt[i] = fs
		} else if golden.FirstSeenAt[i].IsZero() {
			// The run's as-of, not the clock: a re-run of the date must
			// write the same golden records.
			golden.FirstSeenAt[i] = rc.Clock()
		}
	}
	phase = time.Now()
	files, err := d.writeOutputs(ctx, rc, dedupeOutputs{t: t, pairs: pairs, threshold: threshold, clusters: clusters, ids: ids, golden: golden})
	writeDur := time.Since(phase)
	if err != nil {
		return nil, err
	}
	res := &etl.StageResult{RowsIn: int64(n), RowsOut: int64(len(golden.EntityIDs)), Datasets: files}
	if err := saveDedupeModel(ctx, rc, model); err != nil {
		return nil, err
	}
	multi := multiRecordEntities(clusters)
	rc.Log.Info("entities built", "records", n, "entities", len(golden.EntityIDs), "multi_record_entities", multi,
		"cluster_ms", clusterDur.Milliseconds(), "survive_ms", surviveDur.Milliseconds(), "write_ms", writeDur.Milliseconds(),
		"kept_entity_ids", countKept(ids, prev))
	res.Notes = map[string]any{
		"training": trainNote, "blocking": blocking, "threshold": threshold,
		"entities": len(golden.EntityIDs), "multi_record_entities": multi, "pairs_kept": pairs.Len(),
	}
	return res, nil
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

func countKept(ids []string, prev map[string]string) int {
	kept := map[string]bool{}
	old := map[string]bool{}
	for _, id := range prev {
		old[id] = true
	}
	for _, id := range ids {
		if old[id] {
			kept[id] = true
		}
	}
	return len(kept)
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
}

// writeOutputs writes the golden, pairs, clusters and entity_state
// datasets, two queues of jobs side by side, and returns their files.
func (d Dedupe) writeOutputs(ctx context.Context, rc *etl.RunContext, o dedupeOutputs) (map[string][]columnar.FileInfo, error) {
	// Golden (every column of every entity) takes three times as long to
	// encode as the other outputs together, so a big one is written as
	// two parts, one per core, each followed by some of the others. The
	// stage commits only when all are written.
	ng := len(o.golden.EntityIDs)
	parts := 1
	if ng >= d.goldenSplitRows() && runtime.GOMAXPROCS(0) >= 2 {
		parts = 2
	}
	// Each job fills its own slot, so the jobs need no lock.
	files := map[string][]columnar.FileInfo{"golden": make([]columnar.FileInfo, parts),
		"pairs": make([]columnar.FileInfo, 1), "clusters": make([]columnar.FileInfo, 1), "entity_state": make([]columnar.FileInfo, 1)}
	write := func(name string, part int, fn func(key string) (columnar.FileInfo, error)) error {
		fi, err := fn(rc.DatasetPrefix("dedupe", name) + fmt.Sprintf("part-%05d.parquet", part))
		if err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		files[name][part] = fi
		return nil
	}
	goldenPart := func(part int) func(string) (columnar.FileInfo, error) {
		lo, hi := ng*part/parts, ng*(part+1)/parts
		return func(k string) (columnar.FileInfo, error) { return writeGolden(ctx, rc, k, o.t, o.golden, lo, hi) }
	}
	queues := [][]func() error{
		{func() error { return write("golden", 0, goldenPart(0)) }},
		{},
	}
	if parts == 2 {
		queues[1] = append(queues[1], func() error { return write("golden", 1, goldenPart(1)) })
	}
	queues[0] = append(queues[0], func() error {
		return write("pairs", 0, func(k string) (columnar.FileInfo, error) { return writePairs(ctx, rc, k, o.t, o.pairs, o.threshold) })
	})
	queues[1] = append(queues[1],
		func() error {
			return write("clusters", 0, func(k string) (columnar.FileInfo, error) { return writeClusters(ctx, rc, k, o.t, o.clusters, o.ids) })
		},
		func() error {
			return write("entity_state", 0, func(k string) (columnar.FileInfo, error) { return writeEntityState(ctx, rc, k, o.t, o.ids, o.golden) })
		})
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, queue := range queues {
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
	return files, nil
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

// saveDedupeModel writes the model the run used beside its outputs.
func saveDedupeModel(ctx context.Context, rc *etl.RunContext, model *dedupe.Model) error {
	var buf bytes.Buffer
	if err := dedupe.SaveModel(&buf, model); err != nil {
		return fmt.Errorf("save dedupe model: %w", err)
	}
	return etl.WriteBytes(ctx, rc.Work, rc.StagePrefix("dedupe")+"model.json", buf.Bytes())
}
