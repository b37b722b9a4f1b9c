package stages

import (
	"context"
	"fmt"
	"runtime"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"golang.org/x/sync/errgroup"
)

// An incremental night matches tonight's records against the store
// without loading it: one pass over the blocking columns of the store's
// records finds the known records that share a block with tonight's (the
// same rules, with the full run's cap on block size) and the records
// tonight updates or deletes; their entities are "touched". A second pass
// reads the touched entities' records in full, copies every other record
// to the new store unchanged and counts term frequencies; one pass over
// the store's entities copies the untouched golden records and reads the
// touched ones' first-seen times. Tonight's records and the touched
// entities' records are then scored, clustered and merged as one table,
// and entity ids are assigned against what the store knew (see
// dedupe.AssignIdentities). Memory follows tonight's records, the touched
// entities and the blocks' keys, not the store.

// touchBudget bounds the store entities listed in tonight's blocks: 64
// per record of tonight (at least 100,000). Past it, tonight's blocks
// reach so much of the store that listing them costs more than matching
// every record, which the night then does (memory as a full run's).
var touchBudget = func(tonight int) int { return max(100_000, 64*tonight) }

// findTouched is pass 1 over the store's records. Block keys (phonetic
// codes, normalized names: the costly part) are computed for batches on
// every core while the batches are seen in file order.
func findTouched(ctx context.Context, rc *etl.RunContext, files []columnar.FileInfo, night *nightRecords, rules []dedupe.BlockingRule, maxBlock int) (*dedupe.Reach, int64, error) {
	tc, err := dedupe.NewReach(night.t, rules, maxBlock, touchBudget(night.t.Len()))
	if err != nil {
		return nil, 0, err
	}
	tonight := make(map[string]bool, night.t.Len()+len(night.deleted))
	for _, k := range night.t.IDs {
		tonight[k] = true
	}
	for k := range night.deleted {
		tonight[k] = true
	}
	bcols := dedupe.BlockingColumns(rules)
	cols := append([]string{"entity_id", "record_id", "source"}, bcols...)
	type job struct {
		b    columnar.Batch
		keys [][]uint64
		err  error
		done chan struct{}
	}
	g, gctx := errgroup.WithContext(ctx)
	jobs, order := make(chan *job, 2), make(chan *job, 4)
	g.Go(func() error {
		defer close(jobs)
		defer close(order)
		return columnar.EachBatchAt(gctx, rc.BaseState(), files, func(b columnar.Batch) error {
			b.Rec.Retain()
			j := &job{b: b, done: make(chan struct{})}
			select {
			case order <- j:
			case <-gctx.Done():
				b.Rec.Release()
				return gctx.Err()
			}
			select {
			case jobs <- j:
			case <-gctx.Done(): // the consumer is gone or going: end the job here
				j.err = gctx.Err()
				close(j.done)
			}
			return nil
		}, cols...)
	})
	for w := 0; w < max(1, runtime.GOMAXPROCS(0)); w++ {
		g.Go(func() error {
			for j := range jobs {
				j.keys, j.err = batchBlockKeys(j.b.Rec, bcols, rules)
				close(j.done)
			}
			return nil
		})
	}
	var rows int64
	g.Go(func() error {
		for j := range order {
			<-j.done
			err := j.err
			if err == nil {
				err = seeBatch(tc, j.b, j.keys, tonight, &rows)
			}
			j.b.Rec.Release()
			if err != nil {
				for j := range order { // let the reader finish
					<-j.done
					j.b.Rec.Release()
				}
				return err
			}
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, 0, err
	}
	tc.Finish()
	return tc, rows, nil
}

// batchBlockKeys computes the block keys of a batch of store records.
func batchBlockKeys(rec arrow.Record, bcols []string, rules []dedupe.BlockingRule) ([][]uint64, error) {
	n := int(rec.NumRows())
	mini := &dedupe.Table{IDs: make([]string, n), Cols: map[string][]string{}}
	for _, c := range bcols {
		vals := make([]string, n)
		if idx := rec.Schema().FieldIndices(c); len(idx) > 0 {
			columnar.ColumnStrings(rec.Column(idx[0]), vals)
		}
		mini.Cols[c] = vals
	}
	return dedupe.BlockKeys(mini, rules)
}

// seeBatch shows a batch's live records to the reach: those tonight
// updates or deletes touch their entity.
func seeBatch(tc *dedupe.Reach, b columnar.Batch, keys [][]uint64, tonight map[string]bool, rows *int64) error {
	rec := b.Rec
	ents, ids, srcs := columnar.StringCol(rec, "entity_id"), columnar.StringCol(rec, "record_id"), columnar.StringCol(rec, "source")
	if ents == nil || ids == nil || srcs == nil {
		return fmt.Errorf("entity store records: missing entity_id, record_id or source")
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		if !b.Live(i) {
			continue
		}
		ent := columnar.StrAt(ents, i)
		if tonight[dedupe.RecordKey(columnar.StrAt(srcs, i), columnar.StrAt(ids, i))] { // an update or delete of a known record
			tc.Touch(ent)
		}
		tc.See(keys, i, ent)
		*rows++
	}
	return nil
}

// touchedRecords is pass 2: the touched entities' records as a table (with
// their entity ids), the store's record files carried into tonight's
// version (etl.Carrier) with the touched records' rows dead, every
// other live record in record_map, and the population's term frequencies.
type touchedRecords struct {
	t         *dedupe.Table
	entity    []string // entity id per row of t
	carried   []columnar.FileInfo
	compact   *columnar.FileInfo // the compacted files' live rows, if any
	compacted int                // files compacted
	copiedRM  columnar.FileInfo
	pop       *dedupe.Population
}

func readTouched(ctx context.Context, rc *etl.RunContext, files []columnar.FileInfo, tc *dedupe.Reach, s dedupe.Settings, schema *arrow.Schema, night *nightRecords) (*touchedRecords, error) {
	pop, err := dedupe.NewPopulation(s)
	if err != nil {
		return nil, err
	}
	tr := &touchedRecords{t: &dedupe.Table{Cols: map[string][]string{}}, pop: pop}
	popCols := pop.Columns(s)
	for _, c := range popCols {
		if vals, ok := night.t.Cols[c]; ok {
			pop.Add(s, c, vals)
		}
	}
	car, err := etl.NewCarrier(ctx, rc.BaseState(), files, nil)
	if err != nil {
		return nil, err
	}
	mem := columnar.NewPoolAllocator(64<<20, rc.PoisonPools)
	prefix := rc.DatasetPrefix("dedupe", etl.StorePrefix+storeRecords)
	mapKey := rc.DatasetPrefix("dedupe", "record_map") + "part-00000.parquet"
	wm, err := columnar.NewParquetWriterMem(ctx, rc.Work, mapKey, columnar.RecordMapSchema, rc.Config.Parquet, mem)
	if err != nil {
		return nil, err
	}
	var wc *columnar.ParquetWriter // the compacted part, opened when needed
	abort := func(err error) (*touchedRecords, error) {
		wm.Abort()
		if wc != nil {
			wc.Abort()
		}
		return nil, err
	}
	err = columnar.EachBatchAt(ctx, rc.BaseState(), files, func(b columnar.Batch) error {
		rec := b.Rec
		n := int(rec.NumRows())
		ents := columnar.StringCol(rec, "entity_id")
		keep := make([]bool, n)
		var touched, live []int
		for i := 0; i < n; i++ {
			if !b.Live(i) {
				continue
			}
			live = append(live, i)
			if tc.Touched(columnar.StrAt(ents, i)) {
				touched = append(touched, i)
				car.Kill(b.File, b.First+int64(i))
			} else {
				keep[i] = true
			}
		}
		vals := make([]string, n)
		for _, c := range popCols {
			if idx := rec.Schema().FieldIndices(c); len(idx) > 0 {
				clear(vals)
				columnar.ColumnStrings(rec.Column(idx[0]), vals)
				lv := vals
				if len(live) < n {
					lv = make([]string, len(live))
					for k, i := range live {
						lv[k] = vals[i]
					}
				}
				pop.Add(s, c, lv)
			}
		}
		if len(touched) > 0 {
			tr.addRows(rec, touched)
		}
		if len(touched) == len(live) {
			return nil
		}
		outs := []columnar.KeptOut{{W: wm, Schema: columnar.RecordMapSchema}}
		if car.Compacts(b.File) {
			if wc == nil {
				var err error
				if wc, err = columnar.NewParquetWriterMem(ctx, rc.Work, prefix+"compacted.parquet", schema, rc.Config.Parquet, mem); err != nil {
					return err
				}
			}
			outs = append(outs, columnar.KeptOut{W: wc, Schema: schema})
		}
		return columnar.WriteKept(mem, rec, keep, outs...)
	})
	if err != nil {
		return abort(err)
	}
	if tr.carried, err = car.Carry(ctx, rc, prefix); err != nil {
		return abort(err)
	}
	tr.compacted = car.Compacted()
	if wc != nil {
		fi, err := wc.Close()
		if err != nil {
			wm.Abort()
			return nil, err
		}
		tr.compact = &fi
	}
	if tr.copiedRM, err = wm.Close(); err != nil {
		return nil, err
	}
	return tr, nil
}

// addRows appends rows of a store records batch to the touched table.
func (tr *touchedRecords) addRows(rec arrow.Record, rows []int) {
	n := int(rec.NumRows())
	at := tr.t.Len()
	ents, ids, srcs := columnar.StringCol(rec, "entity_id"), columnar.StringCol(rec, "record_id"), columnar.StringCol(rec, "source")
	for _, i := range rows {
		tr.t.IDs = append(tr.t.IDs, dedupe.RecordKey(columnar.StrAt(srcs, i), columnar.StrAt(ids, i)))
		tr.entity = append(tr.entity, strings.Clone(columnar.StrAt(ents, i)))
	}
	buf := make([]string, n)
	for j, f := range rec.Schema().Fields() {
		if f.Name == "entity_id" || f.Name == "record_id" || !columnar.HasText(rec.Column(j)) {
			continue
		}
		clear(buf)
		columnar.ColumnStrings(rec.Column(j), buf)
		col := tr.t.Cols[f.Name]
		if col == nil {
			col = make([]string, at)
		}
		for _, i := range rows {
			col = append(col, strings.Clone(buf[i]))
		}
		tr.t.Cols[f.Name] = col
	}
	for name, col := range tr.t.Cols { // a column this batch lacks stays null
		for len(col) < tr.t.Len() {
			col = append(col, "")
		}
		tr.t.Cols[name] = col
	}
}
