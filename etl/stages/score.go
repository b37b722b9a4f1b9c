package stages

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/leadsmith/leadsmith/enrich"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/readers"
	"github.com/leadsmith/leadsmith/etl/storage"
	"github.com/leadsmith/leadsmith/score"
)

// Score grades every golden record on fit (1/2/3) and engagement (A/B/C),
// ranks, segments and routes it: datasets `contacts` (one folder per
// segment) and `routing`, plus the owners and round-robin state that the
// next run continues from.
type Score struct{}

// Name implements Stage.
func (Score) Name() string { return "score" }

// Needs implements Stage.
func (Score) Needs() []string { return []string{"extract", "normalize", "dedupe", "enrich"} }

// MemoryBudget: ten million events are held compactly while entities stream.
func (Score) MemoryBudget() int64 { return 2 << 30 }

// scoreColumns resolves the columns the scoring model reads against the
// golden schema: by name, or by a header that folds to it ("Is Customer"
// for is_customer). A text column is read as the kind score declares for
// it; a typed column keeps its type.
func scoreColumns(schema *arrow.Schema, want []score.Column) ([]score.Column, []int) {
	var cols []score.Column
	var idx []int
	for _, w := range want {
		j := -1
		if f := schema.FieldIndices(w.Name); len(f) > 0 {
			j = f[0]
		} else {
			for k, f := range schema.Fields() {
				if readers.HeaderKey(f.Name) == w.Name {
					j = k
					break
				}
			}
		}
		if j < 0 {
			continue // Compile names the column the rules need and the data lacks
		}
		kind := w.Kind
		switch schema.Field(j).Type.ID() {
		case arrow.FLOAT64, arrow.INT64, arrow.INT32:
			kind = score.Number
		case arrow.BOOL:
			kind = score.Bool
		case arrow.TIMESTAMP:
			kind = score.Time
		}
		cols = append(cols, score.Column{Name: w.Name, Kind: kind})
		idx = append(idx, j)
	}
	return cols, idx
}

// compileScore compiles the scoring model over the golden schema; colIdx
// gives, for each of the model's columns, its index in the golden records.
func compileScore(cfg score.Config, gschema *arrow.Schema, now time.Time) (model *score.Model, cols []score.Column, colIdx []int, err error) {
	want, err := cfg.Columns()
	if err != nil {
		return nil, nil, nil, err
	}
	cols, colIdx = scoreColumns(gschema, want)
	model, err = score.Compile(cfg, cols, now)
	if err != nil {
		return nil, nil, nil, err
	}
	return model, cols, colIdx, nil
}

// Run implements Stage.
func (Score) Run(ctx context.Context, rc *etl.RunContext) (*etl.StageResult, error) {
	cfg, err := etl.ScoreConfig(rc.Config)
	if err != nil {
		return nil, err
	}
	dd, err := rc.Committed(ctx, "dedupe")
	if err != nil {
		return nil, err
	}
	norm, err := etl.CommittedStage(ctx, rc, "normalize", "")
	if err != nil {
		return nil, err
	}
	ex, err := etl.CommittedStage(ctx, rc, "extract", "")
	if err != nil {
		return nil, err
	}
	golden := dd.Datasets["golden"]
	if len(golden) == 0 {
		return nil, fmt.Errorf("dedupe wrote no golden records")
	}
	en, err := etl.CommittedStage(ctx, rc, "enrich", "")
	if err != nil {
		return nil, err
	}
	gschema, _, err := columnar.ReadParquetSchema(ctx, rc.Work, golden[0].Key)
	if err != nil {
		return nil, err
	}
	mschema := mergedSchema(gschema)
	model, cols, colIdx, err := compileScore(cfg, mschema, rc.Clock())
	if err != nil {
		return nil, err
	}
	roller, err := enrich.NewRoller(rc.Config.Enrich.Options.WithDefaults())
	if err != nil {
		return nil, err
	}

	start := time.Now()
	ix, err := buildEntityIndex(ctx, rc, golden, liveRecords(dd), norm.Datasets["normalized"])
	if err != nil {
		return nil, err
	}
	entities := len(ix.byEntity)
	evFiles, err := eventInputs(ctx, rc, ex.Datasets["activities"])
	if err != nil {
		return nil, err
	}
	cutoff := cfg.HistoryCutoff(rc.Clock())
	events, err := loadEvents(ctx, rc, evFiles, ix, entities, cutoff)
	if err != nil {
		return nil, err
	}
	rc.Log.Info("activity events joined", "events", events.read, "from_history", events.history, "tonight", events.read-events.history,
		"full_refresh", rc.FullRefresh, "matched", len(events.events), "unmatched", events.unmatched, "undated", events.undated,
		"after_as_of", events.afterAsOf, "past_horizon", events.expired, "duration_ms", time.Since(start).Milliseconds())
	ix.byEmail, ix.byRecord = nil, nil // only byEntity is needed from here on
	start = time.Now()
	storeEvents, kept, err := writeEventStore(ctx, rc, evFiles, events.spans, cutoff)
	if err != nil {
		return nil, err
	}
	rc.Log.Info("event store kept", "horizon_days", cfg.HistoryHorizonDays(), "events_kept", kept.kept, "events_pruned", kept.pruned,
		"files_copied", kept.copied, "files_rewritten", kept.rewritten, "files_dropped", kept.dropped, "files", len(storeEvents),
		"duration_ms", time.Since(start).Milliseconds())

	prevOwners, err := readOwners(ctx, rc)
	if err != nil {
		return nil, err
	}
	var router *score.RouterState
	if err := etl.ReadJSON(ctx, rc.BaseState(), etl.RouterStateKey, &router); err != nil && !errors.Is(err, storage.ErrNotExist) {
		return nil, fmt.Errorf("routing state: %w", err)
	}

	out := newScoreWriters(ctx, rc, mschema)
	defer out.abort()
	enriched := columnar.NewRowCursor(ctx, rc.Work, en.Datasets["enriched"])
	defer enriched.Close()
	prog := rc.Progress("score", int64(entities), "entities")
	defer prog.Done()
	var evbuf []score.Event
	base := 0
	counts := map[string]int64{}
	var owners []string
	var rows []score.Row
	var flat []score.Value
	// Golden decodes a batch ahead of the scoring, which runs ahead of the
	// writers' encoding (see scoreWriters): the three overlap.
	err = columnar.EachBatch(ctx, rc.Work, golden, func(grec arrow.Record) error {
		rec, err := mergeNext(enriched, mschema, grec)
		if err != nil {
			return err
		}
		defer rec.Release()
		n := int(rec.NumRows())
		rows = slices.Grow(rows[:0], n)[:n]
		flat = slices.Grow(flat[:0], n*len(cols))[:n*len(cols)]
		ids := columnar.StringCol(rec, "entity_id")
		owners = owners[:0]
		for i := 0; i < n; i++ {
			rows[i] = flat[i*len(cols) : (i+1)*len(cols)]
			for c, j := range colIdx {
				rows[i][c] = scoreValue(rec.Column(j), i, cols[c].Kind)
			}
			owners = append(owners, prevOwners[ids.Value(i)])
		}
		evbuf = events.chunk(base, base+n, evbuf)
		results, state, err := model.ScoreAllAccounts(rows, evbuf, owners, accountOwners(rec), router)
		if err != nil {
			return err
		}
		router = state
		rollUp(roller, rec, results)
		for i := range results {
			counts["rank_"+results[i].LeadRank]++
			if results[i].IsMQL {
				counts["mql"]++
			}
		}
		base += n
		prog.Add(int64(n))
		return out.write(rec, results)
	})
	if err != nil {
		return nil, err
	}
	res, err := out.close()
	if err != nil {
		return nil, err
	}
	if err := etl.WriteJSON(ctx, rc.Work, rc.StagePrefix("score")+"router_state.json", router); err != nil {
		return nil, err
	}
	accounts, err := writeAccounts(ctx, rc, en.Datasets["account_list"], roller)
	if err != nil {
		return nil, err
	}
	res.Datasets["accounts"] = []columnar.FileInfo{accounts}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		rc.Log.Info("score summary", "what", k, "entities", counts[k])
	}
	res.RowsIn, res.RowsOut = int64(entities), int64(base)
	if storeEvents != nil {
		res.Datasets[etl.StorePrefix+storeEventsPart] = storeEvents
	}
	res.Notes = map[string]any{"counts": counts, "events_read": events.read, "events_matched": len(events.events),
		"events_unmatched": events.unmatched, "events_undated": events.undated, "events_after_as_of": events.afterAsOf,
		"events_from_history": events.history, "events_past_horizon": events.expired,
		"store_events_kept": kept.kept, "store_events_pruned": kept.pruned, "store_files_copied": kept.copied,
		"store_files_rewritten": kept.rewritten, "store_files_dropped": kept.dropped,
		"as_of": rc.Clock().Format(time.RFC3339Nano)}
	return res, nil
}

// scoreValue reads one cell as a score value.
func scoreValue(a arrow.Array, i int, kind score.ColumnKind) score.Value {
	if a.IsNull(i) {
		return score.Null
	}
	switch c := a.(type) {
	case *array.String:
		v := c.Value(i)
		if kind == score.Bool {
			switch strings.ToLower(strings.TrimSpace(v)) {
			case "true", "yes", "y", "1", "x":
				return score.BoolVal(true)
			case "false", "no", "n", "0", "":
				return score.BoolVal(false)
			}
			return score.Null
		}
		return score.Str(v)
	case *array.Float64:
		return score.Num(c.Value(i))
	case *array.Int64:
		return score.Num(float64(c.Value(i)))
	case *array.Int32:
		return score.Num(float64(c.Value(i)))
	case *array.Boolean:
		return score.BoolVal(c.Value(i))
	case *array.Timestamp:
		return score.TimeVal(c.Value(i).ToTime(c.DataType().(*arrow.TimestampType).Unit).UTC())
	}
	return score.Null
}

// liveRecords is dedupe's list of every live record with its entity and
// email key: record_map (on an incremental night clusters hold only the
// records matched tonight), or clusters from a dedupe before record_map.
func liveRecords(dd *etl.StageResult) []columnar.FileInfo {
	if files := dd.Datasets["record_map"]; len(files) > 0 {
		return files
	}
	return dd.Datasets["clusters"]
}

// readOwners loads entity -> owner from the last published run.
func readOwners(ctx context.Context, rc *etl.RunContext) (map[string]string, error) {
	owners := map[string]string{}
	pf, err := columnar.OpenParquet(ctx, rc.BaseState(), etl.OwnersStateKey)
	if errors.Is(err, storage.ErrNotExist) {
		return owners, nil
	}
	if err != nil {
		return nil, fmt.Errorf("owner state: %w", err)
	}
	defer pf.Close()
	var arena stringArena
	names := map[string]string{} // owners are few: one copy of each
	err = pf.Each(ctx, func(rec arrow.Record) error {
		ids, own := columnar.StringCol(rec, "entity_id"), columnar.StringCol(rec, "owner")
		for i := 0; i < int(rec.NumRows()); i++ {
			if o := columnar.StrAt(own, i); o != "" {
				name, ok := names[o]
				if !ok {
					name = strings.Clone(o)
					names[name] = name
				}
				owners[arena.clone(ids.Value(i))] = name
			}
		}
		return nil
	})
	return owners, err
}

// ExplainEntity prints how one entity's fit and engagement points added up
// in this run.
func ExplainEntity(ctx context.Context, rc *etl.RunContext, entityID string) (string, error) {
	cfg, err := etl.ScoreConfig(rc.Config)
	if err != nil {
		return "", err
	}
	const hint = ": run `leadsmith run` first"
	dd, err := etl.CommittedStage(ctx, rc, "dedupe", hint)
	if err != nil {
		return "", err
	}
	norm, err := etl.CommittedStage(ctx, rc, "normalize", hint)
	if err != nil {
		return "", err
	}
	ex, err := etl.CommittedStage(ctx, rc, "extract", hint)
	if err != nil {
		return "", err
	}
	en, err := etl.CommittedStage(ctx, rc, "enrich", hint)
	if err != nil {
		return "", err
	}
	golden := dd.Datasets["golden"]
	gschema, _, err := columnar.ReadParquetSchema(ctx, rc.Work, golden[0].Key)
	if err != nil {
		return "", err
	}
	mschema := mergedSchema(gschema)
	model, cols, colIdx, err := compileScore(cfg, mschema, rc.Clock())
	if err != nil {
		return "", err
	}
	ix, err := buildEntityIndex(ctx, rc, golden, liveRecords(dd), norm.Datasets["normalized"])
	if err != nil {
		return "", err
	}
	target, ok := ix.byEntity[entityID]
	if !ok {
		return "", fmt.Errorf("--explain: no entity %q in run %s", entityID, rc.RunID)
	}
	evFiles, err := explainEventInputs(ctx, rc, ex.Datasets["activities"])
	if err != nil {
		return "", err
	}
	events, err := loadEvents(ctx, rc, evFiles, ix, len(ix.byEntity), cfg.HistoryCutoff(rc.Clock()))
	if err != nil {
		return "", err
	}
	var row score.Row
	base := 0
	enriched := columnar.NewRowCursor(ctx, rc.Work, en.Datasets["enriched"])
	defer enriched.Close()
	err = columnar.EachBatch(ctx, rc.Work, golden, func(grec arrow.Record) error {
		rec, err := mergeNext(enriched, mschema, grec)
		if err != nil {
			return err
		}
		defer rec.Release()
		n := int(rec.NumRows())
		if int(target) >= base && int(target) < base+n {
			i := int(target) - base
			row = make(score.Row, len(cols))
			for c, j := range colIdx {
				row[c] = scoreValue(rec.Column(j), i, cols[c].Kind)
			}
		}
		base += n
		return nil
	})
	if err != nil {
		return "", err
	}
	evs := events.chunk(int(target), int(target)+1, nil)
	return model.Explain(row, evs).String(), nil
}
