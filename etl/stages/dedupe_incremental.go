package stages

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
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

// storeRecordFiles lists the store's record files as FileInfo.
func storeFileInfos(keys []string) []columnar.FileInfo {
	out := make([]columnar.FileInfo, len(keys))
	for i, k := range keys {
		out[i] = columnar.FileInfo{Key: k}
	}
	return out
}

// findTouched is pass 1 over the store's records.
func findTouched(ctx context.Context, rc *etl.RunContext, files []string, night *nightRecords, rules []dedupe.BlockingRule, maxBlock int) (*dedupe.Reach, int64, error) {
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
	var rows int64
	cols := append([]string{"entity_id", "record_id", "source"}, bcols...)
	err = columnar.EachBatch(ctx, rc.BaseState(), storeFileInfos(files), func(rec arrow.Record) error {
		n := int(rec.NumRows())
		mini := &dedupe.Table{IDs: make([]string, n), Cols: map[string][]string{}}
		for _, c := range bcols {
			vals := make([]string, n)
			if idx := rec.Schema().FieldIndices(c); len(idx) > 0 {
				columnar.ColumnStrings(rec.Column(idx[0]), vals)
			}
			mini.Cols[c] = vals
		}
		bk, err := dedupe.BlockKeys(mini, rules)
		if err != nil {
			return err
		}
		ents, ids, srcs := columnar.StringCol(rec, "entity_id"), columnar.StringCol(rec, "record_id"), columnar.StringCol(rec, "source")
		if ents == nil || ids == nil || srcs == nil {
			return fmt.Errorf("entity store records: missing entity_id, record_id or source")
		}
		for i := 0; i < n; i++ {
			ent := columnar.StrAt(ents, i)
			key := dedupe.RecordKey(columnar.StrAt(srcs, i), columnar.StrAt(ids, i))
			if tonight[key] { // an update or delete of a known record
				tc.Touch(ent)
			}
			tc.See(bk, i, ent)
		}
		rows += int64(n)
		return nil
	}, cols...)
	if err != nil {
		return nil, 0, err
	}
	tc.Finish()
	return tc, rows, nil
}

// touchedRecords is pass 2: the touched entities' records as a table (with
// their entity ids), every other record copied to the new store's first
// part and record_map, and the population's term frequencies.
type touchedRecords struct {
	t        *dedupe.Table
	entity   []string // entity id per row of t
	copied   columnar.FileInfo
	copiedRM columnar.FileInfo
	pop      *dedupe.Population
}

func readTouched(ctx context.Context, rc *etl.RunContext, files []string, tc *dedupe.Reach, s dedupe.Settings, schema *arrow.Schema, night *nightRecords) (*touchedRecords, error) {
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
	mem := columnar.NewPoolAllocator(64<<20, rc.PoisonPools)
	recKey := rc.DatasetPrefix("dedupe", etl.StorePrefix+storeRecords) + "part-00000.parquet"
	mapKey := rc.DatasetPrefix("dedupe", "record_map") + "part-00000.parquet"
	w, err := columnar.NewParquetWriterMem(ctx, rc.Work, recKey, schema, rc.Config.Parquet, mem)
	if err != nil {
		return nil, err
	}
	wm, err := columnar.NewParquetWriterMem(ctx, rc.Work, mapKey, columnar.RecordMapSchema, rc.Config.Parquet, mem)
	if err != nil {
		w.Abort()
		return nil, err
	}
	abort := func(err error) (*touchedRecords, error) { w.Abort(); wm.Abort(); return nil, err }
	err = columnar.EachBatch(ctx, rc.BaseState(), storeFileInfos(files), func(rec arrow.Record) error {
		n := int(rec.NumRows())
		ents := columnar.StringCol(rec, "entity_id")
		keep := make([]bool, n)
		var touched []int
		for i := 0; i < n; i++ {
			if tc.Touched(columnar.StrAt(ents, i)) {
				touched = append(touched, i)
			} else {
				keep[i] = true
			}
		}
		for _, c := range popCols {
			if idx := rec.Schema().FieldIndices(c); len(idx) > 0 {
				vals := make([]string, n)
				columnar.ColumnStrings(rec.Column(idx[0]), vals)
				pop.Add(s, c, vals)
			}
		}
		if len(touched) > 0 {
			tr.addRows(rec, touched)
		}
		if len(touched) == n {
			return nil
		}
		return columnar.WriteKept(mem, rec, keep, columnar.KeptOut{W: w, Schema: schema}, columnar.KeptOut{W: wm, Schema: columnar.RecordMapSchema})
	})
	if err != nil {
		return abort(err)
	}
	if tr.copied, err = w.Close(); err != nil {
		wm.Abort()
		return nil, err
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

// entityFacts is what the store's entities say of the touched ones.
type entityFacts struct {
	first  map[string]time.Time
	hashes map[string]uint64
	copied columnar.FileInfo
}

// copyEntities is the pass over the store's entities: untouched golden
// records are copied to the new golden's first part; touched ones give
// their first-seen time and content hash.
func copyEntities(ctx context.Context, rc *etl.RunContext, files []string, tc *dedupe.Reach, schema *arrow.Schema) (*entityFacts, error) {
	ef := &entityFacts{first: map[string]time.Time{}, hashes: map[string]uint64{}}
	mem := columnar.NewPoolAllocator(64<<20, rc.PoisonPools)
	key := rc.DatasetPrefix("dedupe", "golden") + "part-00000.parquet"
	w, err := columnar.NewParquetWriterMem(ctx, rc.Work, key, schema, rc.Config.Parquet, mem)
	if err != nil {
		return nil, err
	}
	var h rowHasher
	err = columnar.EachBatch(ctx, rc.BaseState(), storeFileInfos(files), func(rec arrow.Record) error {
		n := int(rec.NumRows())
		ents := columnar.StringCol(rec, "entity_id")
		keep := make([]bool, n)
		var touchedRows []int
		for i := 0; i < n; i++ {
			if tc.Touched(columnar.StrAt(ents, i)) {
				touchedRows = append(touchedRows, i)
			} else {
				keep[i] = true
			}
		}
		if len(touchedRows) > 0 {
			ef.facts(rec, touchedRows, &h)
		}
		if len(touchedRows) == n {
			return nil
		}
		return columnar.WriteKept(mem, rec, keep, columnar.KeptOut{W: w, Schema: schema})
	})
	if err != nil {
		w.Abort()
		return nil, err
	}
	ef.copied, err = w.Close()
	return ef, err
}

func (ef *entityFacts) facts(rec arrow.Record, rows []int, h *rowHasher) {
	n := int(rec.NumRows())
	ents := columnar.StringCol(rec, "entity_id")
	var first *array.Timestamp
	var keys *array.List
	texts := map[string][]string{}
	for j, f := range rec.Schema().Fields() {
		switch {
		case f.Name == "first_seen_at":
			first, _ = rec.Column(j).(*array.Timestamp)
		case f.Name == "source_record_ids":
			keys, _ = rec.Column(j).(*array.List)
		case !goldenHashSkip[f.Name] && columnar.HasText(rec.Column(j)):
			vals := make([]string, n)
			columnar.ColumnStrings(rec.Column(j), vals)
			texts[f.Name] = vals
		}
	}
	for _, i := range rows {
		id := strings.Clone(columnar.StrAt(ents, i))
		if first != nil && first.IsValid(i) {
			ef.first[id] = first.Value(i).ToTime(arrow.Microsecond).UTC()
		}
		h.reset()
		for name, vals := range texts {
			if vals[i] != "" {
				h.add(name, vals[i])
			}
		}
		if keys != nil && keys.IsValid(i) {
			lo, hi := keys.ValueOffsets(i)
			vs := keys.ListValues().(*array.String)
			ks := make([]string, 0, hi-lo)
			for k := lo; k < hi; k++ {
				ks = append(ks, vs.Value(int(k)))
			}
			h.addKeys(ks)
		}
		ef.hashes[id] = h.sum()
	}
}
