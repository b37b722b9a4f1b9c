package stages

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
)

// entityFacts is what the store's entities say of the touched ones: their
// first-seen times; for a night that matches every record again (a full
// refresh) also a hash of every golden record, for a night that matches
// only what it touched the records it changed. Either tells which
// entities tonight updated (see updatedEntities).
type entityFacts struct {
	first     map[string]time.Time
	hashes    map[string]uint64
	changed   map[string]bool // record keys tonight added, updated or deleted; nil: compare hashes
	carried   []columnar.FileInfo
	compact   *columnar.FileInfo
	compacted int
}

// copyEntities is the pass over the store's entities: the files are
// carried into tonight's golden dataset with the touched entities' rows
// dead (etl.Carrier), and the touched ones give their first-seen
// time. Only entity_id and first_seen_at are read, but for a file being
// compacted, whose live rows are rewritten.
func copyEntities(ctx context.Context, rc *etl.RunContext, files []columnar.FileInfo, tc *dedupe.Reach, schema *arrow.Schema) (*entityFacts, error) {
	ef := &entityFacts{first: map[string]time.Time{}}
	car, err := etl.NewCarrier(ctx, rc.BaseState(), files, schema)
	if err != nil {
		return nil, err
	}
	mem := columnar.NewPoolAllocator(64<<20, rc.PoisonPools)
	prefix := rc.DatasetPrefix("dedupe", "golden")
	var wc *columnar.ParquetWriter
	abort := func(err error) (*entityFacts, error) {
		if wc != nil {
			wc.Abort()
		}
		return nil, err
	}
	for fi, f := range files {
		var cols []string
		if !car.Compacts(fi) {
			cols = []string{"entity_id", "first_seen_at"}
		}
		err := columnar.EachBatchAt(ctx, rc.BaseState(), []columnar.FileInfo{f}, func(b columnar.Batch) error {
			rec := b.Rec
			n := int(rec.NumRows())
			ents := columnar.StringCol(rec, "entity_id")
			keep := make([]bool, n)
			var touchedRows []int
			kept := 0
			for i := 0; i < n; i++ {
				switch {
				case !b.Live(i):
				case tc.Touched(columnar.StrAt(ents, i)):
					touchedRows = append(touchedRows, i)
					car.Kill(fi, b.First+int64(i))
				default:
					keep[i] = true
					kept++
				}
			}
			ef.firstSeen(rec, touchedRows)
			if kept == 0 || !car.Compacts(fi) {
				return nil
			}
			if wc == nil {
				var err error
				if wc, err = columnar.NewParquetWriterMem(ctx, rc.Work, prefix+"compacted.parquet", schema, rc.Config.Parquet, mem); err != nil {
					return err
				}
			}
			return columnar.WriteKept(mem, rec, keep, columnar.KeptOut{W: wc, Schema: schema})
		}, cols...)
		if err != nil {
			return abort(err)
		}
	}
	if ef.carried, err = car.Carry(ctx, rc, prefix); err != nil {
		return abort(err)
	}
	ef.compacted = car.Compacted()
	if wc != nil {
		fi, err := wc.Close()
		if err != nil {
			return nil, err
		}
		ef.compact = &fi
	}
	return ef, nil
}

// firstSeen notes the first-seen times of rows of a golden batch.
func (ef *entityFacts) firstSeen(rec arrow.Record, rows []int) {
	ents := columnar.StringCol(rec, "entity_id")
	var first *array.Timestamp
	if idx := rec.Schema().FieldIndices("first_seen_at"); len(idx) > 0 {
		first, _ = rec.Column(idx[0]).(*array.Timestamp)
	}
	if first == nil {
		return
	}
	for _, i := range rows {
		if first.IsValid(i) {
			ef.first[strings.Clone(columnar.StrAt(ents, i))] = first.Value(i).ToTime(arrow.Microsecond).UTC()
		}
	}
}

// updatedEntities lists the entities of tonight's table whose golden
// record may differ from the one the store held, among those the store
// knew: on a full refresh those whose golden hash changed; on an
// incremental night those that gained, lost or changed a record (what a
// golden record is made of: the same records give the same golden).
func updatedEntities(ef *entityFacts, keys, ids []string, prev map[string]string, golden *dedupe.Golden) []string {
	marked := map[string]bool{}
	if ef.changed == nil {
		for i, h := range goldenHashes(golden) {
			if old, ok := ef.hashes[golden.EntityIDs[i]]; ok && old != h {
				marked[golden.EntityIDs[i]] = true
			}
		}
	} else {
		live := make(map[string]bool, len(keys))
		for i, k := range keys {
			live[k] = true
			old, had := prev[k]
			if !had || old != ids[i] || ef.changed[k] {
				marked[ids[i]] = true
			}
			if had && old != ids[i] {
				marked[old] = true
			}
		}
		for k := range ef.changed {
			if old, had := prev[k]; had && !live[k] {
				marked[old] = true
			}
		}
		alive := make(map[string]bool, len(golden.EntityIDs))
		for _, id := range golden.EntityIDs {
			alive[id] = true
		}
		for id := range marked {
			if _, known := ef.first[id]; !known || !alive[id] {
				delete(marked, id)
			}
		}
	}
	out := make([]string, 0, len(marked))
	for id := range marked {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
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
