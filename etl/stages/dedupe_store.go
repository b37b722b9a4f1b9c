package stages

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"sort"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
)

// The entity store's record and entity parts (see etl/store.go), as the
// dedupe stage reads and writes them:
//
//	store/records   entity_id, record_id, source and every normalized
//	                column of the record's newest version (lineage, dq and
//	                tombstone columns excluded): every live record
//	store/entities  the golden dataset: every live entity's golden record,
//	                record keys, first_seen_at and last_seen_at
//	store/model     the dedupe model the records were matched with
const (
	storeRecords   = "records"
	storeEntities  = "entities"
	storeModelPart = "model"
)

// storeRecordsSchema is the schema of store/records for the table columns
// cols (goldenColumns order), typed like golden's.
func storeRecordsSchema(cols []string) *arrow.Schema {
	g := GoldenSchema(cols)
	fields := []arrow.Field{
		{Name: "entity_id", Type: arrow.BinaryTypes.String},
		{Name: "record_id", Type: arrow.BinaryTypes.String},
		{Name: "source", Type: arrow.BinaryTypes.String},
	}
	return arrow.NewSchema(append(fields, g.Fields()[1:1+len(cols)]...), nil)
}

// recordMapSchema is the published record_map: which entity each live
// record belongs to, and its email key (which score joins events by).
var recordMapSchema = arrow.NewSchema([]arrow.Field{
	{Name: "source", Type: arrow.BinaryTypes.String},
	{Name: "record_id", Type: arrow.BinaryTypes.String},
	{Name: "entity_id", Type: arrow.BinaryTypes.String},
	{Name: "email_key", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// entityChangesSchema is the published entity_changes.
var entityChangesSchema = arrow.NewSchema([]arrow.Field{
	{Name: "entity_id", Type: arrow.BinaryTypes.String},
	{Name: "change", Type: arrow.BinaryTypes.String},
	{Name: "other_id", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "run_id", Type: arrow.BinaryTypes.String},
}, nil)

// writeStoreRecords writes records of t with their entity ids.
func writeStoreRecords(ctx context.Context, rc *etl.RunContext, key string, t *dedupe.Table, ids []string, schema *arrow.Schema) (columnar.FileInfo, error) {
	return writeTable(ctx, rc, key, schema, t.Len(), func(b *array.RecordBuilder, from, to int) {
		for j, f := range schema.Fields() {
			fb := b.Field(j)
			switch f.Name {
			case "entity_id":
				for i := from; i < to; i++ {
					fb.(*array.StringBuilder).Append(ids[i])
				}
			case "record_id", "source":
				for i := from; i < to; i++ {
					src, id := dedupe.SplitRecordKey(t.IDs[i])
					if f.Name == "source" {
						fb.(*array.StringBuilder).Append(src)
					} else {
						fb.(*array.StringBuilder).Append(id)
					}
				}
			default:
				vals := t.Cols[f.Name]
				for i := from; i < to; i++ {
					if vals == nil {
						fb.AppendNull()
					} else {
						appendText(fb, vals[i])
					}
				}
			}
		}
	})
}

// writeRecordMap writes the record_map rows of t.
func writeRecordMap(ctx context.Context, rc *etl.RunContext, key string, t *dedupe.Table, ids []string) (columnar.FileInfo, error) {
	emails := t.Cols["email_key"]
	return writeTable(ctx, rc, key, recordMapSchema, t.Len(), func(b *array.RecordBuilder, from, to int) {
		for i := from; i < to; i++ {
			src, id := dedupe.SplitRecordKey(t.IDs[i])
			b.Field(0).(*array.StringBuilder).Append(src)
			b.Field(1).(*array.StringBuilder).Append(id)
			b.Field(2).(*array.StringBuilder).Append(ids[i])
			if emails == nil {
				b.Field(3).AppendNull()
			} else {
				appendOptString(b.Field(3).(*array.StringBuilder), emails[i])
			}
		}
	})
}

func writeEntityChanges(ctx context.Context, rc *etl.RunContext, key string, changes []dedupe.Change) (columnar.FileInfo, error) {
	return writeTable(ctx, rc, key, entityChangesSchema, len(changes), func(b *array.RecordBuilder, from, to int) {
		for _, c := range changes[from:to] {
			b.Field(0).(*array.StringBuilder).Append(c.EntityID)
			b.Field(1).(*array.StringBuilder).Append(c.Change)
			appendOptString(b.Field(2).(*array.StringBuilder), c.OtherID)
			b.Field(3).(*array.StringBuilder).Append(rc.RunID)
		}
	})
}

// project returns rec with schema's columns: a column rec lacks is null,
// one it has is taken as it is (the same name has the same type in every
// version of the store, since types come from the normalized schema).
func project(mem memory.Allocator, rec arrow.Record, schema *arrow.Schema) (arrow.Record, error) {
	cols := make([]arrow.Array, schema.NumFields())
	n := int(rec.NumRows())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for j, f := range schema.Fields() {
		if idx := rec.Schema().FieldIndices(f.Name); len(idx) > 0 {
			c := rec.Column(idx[0])
			if !arrow.TypeEqual(c.DataType(), f.Type) {
				return nil, fmt.Errorf("store column %s is %s, want %s", f.Name, c.DataType(), f.Type)
			}
			c.Retain()
			cols[j] = c
		} else {
			cols[j] = array.MakeArrayOfNull(mem, f.Type, n)
		}
	}
	return array.NewRecord(schema, cols, int64(n)), nil
}

// writeKept writes the rows of rec where keep is true, projected to
// schema, to each writer (its schema given beside it), as one record per
// call: runs of kept rows are sliced and concatenated, because a Parquet
// writer pays a buffer per Write (see columnar's statArena), so a write
// per run would hold thousands of them until the row group closes.
func writeKept(mem memory.Allocator, rec arrow.Record, keep []bool, outs ...keptOut) error {
	n := len(keep)
	var runs [][2]int64
	for s := 0; s < n; {
		if !keep[s] {
			s++
			continue
		}
		e := s + 1
		for e < n && keep[e] {
			e++
		}
		runs = append(runs, [2]int64{int64(s), int64(e)})
		s = e
	}
	if len(runs) == 0 {
		return nil
	}
	var kept arrow.Record
	if len(runs) == 1 {
		kept = rec.NewSlice(runs[0][0], runs[0][1])
	} else {
		cols := make([]arrow.Array, rec.NumCols())
		rows := int64(0)
		for _, r := range runs {
			rows += r[1] - r[0]
		}
		for j := range cols {
			parts := make([]arrow.Array, len(runs))
			for k, r := range runs {
				parts[k] = array.NewSlice(rec.Column(j), r[0], r[1])
			}
			c, err := array.Concatenate(parts, mem)
			for _, p := range parts {
				p.Release()
			}
			if err != nil {
				for _, c := range cols[:j] {
					c.Release()
				}
				return err
			}
			cols[j] = c
		}
		kept = array.NewRecord(rec.Schema(), cols, rows)
		for _, c := range cols {
			c.Release()
		}
	}
	defer kept.Release()
	for _, o := range outs {
		out, err := project(mem, kept, o.schema)
		if err != nil {
			return err
		}
		err = o.w.Write(out)
		out.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// keptOut is one destination of writeKept.
type keptOut struct {
	w      *columnar.ParquetWriter
	schema *arrow.Schema
}

// rowHasher hashes a golden record's content: its non-null values by
// column name and its record keys, so that an entity whose golden record
// or members changed is "updated", and a column that appeared empty
// changes nothing.
type rowHasher struct{ parts []string }

func (h *rowHasher) reset()                 { h.parts = h.parts[:0] }
func (h *rowHasher) add(name, value string) { h.parts = append(h.parts, name+"\x00"+value) }
func (h *rowHasher) addKeys(keys []string) {
	h.parts = append(h.parts, "\x01"+strings.Join(keys, "\x01"))
}
func (h *rowHasher) sum() uint64 {
	sort.Strings(h.parts)
	f := fnv.New64a()
	for _, p := range h.parts {
		f.Write([]byte(p))
		f.Write([]byte{0xff})
	}
	return f.Sum64()
}

// goldenHashSkip are golden columns that describe bookkeeping, not the
// person: they change without the entity changing.
var goldenHashSkip = map[string]bool{"entity_id": true, "first_seen_at": true, "last_seen_at": true, "record_count": true, "source_record_ids": true}

// goldenHashes hashes golden records g (rowHasher).
func goldenHashes(g *dedupe.Golden) []uint64 {
	out := make([]uint64, len(g.EntityIDs))
	names := make([]string, 0, len(g.Cols))
	for c := range g.Cols {
		if !goldenHashSkip[c] && !notGolden[c] { // what writeGolden writes
			names = append(names, c)
		}
	}
	slices.Sort(names)
	var h rowHasher
	for i := range g.EntityIDs {
		h.reset()
		for _, c := range names {
			if v := g.Cols[c][i]; v != "" {
				h.add(c, v)
			}
		}
		h.addKeys(g.SourceRecordIDs[i])
		out[i] = h.sum()
	}
	return out
}
