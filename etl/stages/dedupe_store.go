package stages

import (
	"context"
	"hash/fnv"
	"slices"
	"sort"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
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
						columnar.AppendText(fb, vals[i])
					}
				}
			}
		}
	})
}

// writeRecordMap writes the record_map rows of t.
func writeRecordMap(ctx context.Context, rc *etl.RunContext, key string, t *dedupe.Table, ids []string) (columnar.FileInfo, error) {
	emails := t.Cols["email_key"]
	return writeTable(ctx, rc, key, columnar.RecordMapSchema, t.Len(), func(b *array.RecordBuilder, from, to int) {
		for i := from; i < to; i++ {
			src, id := dedupe.SplitRecordKey(t.IDs[i])
			b.Field(0).(*array.StringBuilder).Append(src)
			b.Field(1).(*array.StringBuilder).Append(id)
			b.Field(2).(*array.StringBuilder).Append(ids[i])
			if emails == nil {
				b.Field(3).AppendNull()
			} else {
				columnar.AppendOptString(b.Field(3).(*array.StringBuilder), emails[i])
			}
		}
	})
}

func writeEntityChanges(ctx context.Context, rc *etl.RunContext, key string, changes []dedupe.Change) (columnar.FileInfo, error) {
	return writeTable(ctx, rc, key, columnar.EntityChangesSchema, len(changes), func(b *array.RecordBuilder, from, to int) {
		for _, c := range changes[from:to] {
			b.Field(0).(*array.StringBuilder).Append(c.EntityID)
			b.Field(1).(*array.StringBuilder).Append(c.Change)
			columnar.AppendOptString(b.Field(2).(*array.StringBuilder), c.OtherID)
			b.Field(3).(*array.StringBuilder).Append(rc.RunID)
		}
	})
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
var goldenHashSkip = map[string]bool{"entity_id": true, "first_seen_at": true, "last_seen_at": true, "record_count": true, "source_record_ids": true, "dq_issues": true}

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
