package stages

import (
	"context"
	"strings"
	"unsafe"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/storage"
)

// entityIndex maps what activity events carry (an email, a record id) to
// the row of the entity in golden order.
type entityIndex struct {
	byEntity map[string]int32 // entity_id -> row
	byEmail  map[string]int32 // email match key -> row
	byRecord map[string]int32 // record_id (any source) -> row
}

// buildEntityIndex joins every record's email key and record id to its
// entity, so events of merged duplicates land on one entity. The email
// keys come from clusters when it has an email_key column (it then covers
// every live record, those of earlier nights too), else from tonight's
// normalized records joined to clusters by record key.
func buildEntityIndex(ctx context.Context, rc *etl.RunContext, golden []columnar.FileInfo, clusters []columnar.FileInfo, normalized []columnar.FileInfo) (*entityIndex, error) {
	clusterKeys, err := allHaveColumn(ctx, rc.Work, clusters, "email_key")
	if err != nil {
		return nil, err
	}
	var records, clustered, ents int64
	for _, f := range normalized {
		records += f.Rows
	}
	for _, f := range clusters {
		clustered += f.Rows
	}
	records = max(records, clustered)
	for _, f := range golden {
		ents += f.Rows
	}
	// Presized: these maps hold a million keys, and growing them rehashes.
	var arena stringArena
	ix := &entityIndex{byEntity: make(map[string]int32, ents), byEmail: make(map[string]int32, records), byRecord: make(map[string]int32, records)}
	err = columnar.EachBatch(ctx, rc.Work, golden, func(rec arrow.Record) error {
		ids := columnar.StringCol(rec, "entity_id")
		for i := 0; i < int(rec.NumRows()); i++ {
			ix.byEntity[arena.clone(columnar.StrAt(ids, i))] = int32(len(ix.byEntity))
		}
		return nil
	}, "entity_id")
	if err != nil {
		return nil, err
	}
	var recordEntity map[string]int32 // dedupe.RecordKey -> row, for the join through normalized
	if !clusterKeys {
		recordEntity = make(map[string]int32, records)
	}
	err = columnar.EachBatch(ctx, rc.Work, clusters, func(rec arrow.Record) error {
		ents, ids, srcs := columnar.StringCol(rec, "entity_id"), columnar.StringCol(rec, "record_id"), columnar.StringCol(rec, "source")
		keys := columnar.StringCol(rec, "email_key")
		// An entity's records are mostly next to each other: one lookup
		// serves them all.
		lastEnt, lastRow, lastOK := "", int32(0), false
		for i := 0; i < int(rec.NumRows()); i++ {
			if ent := columnar.StrAt(ents, i); i == 0 || ent != lastEnt {
				lastEnt = ent
				lastRow, lastOK = ix.byEntity[ent]
			}
			row, ok := lastRow, lastOK
			if !ok {
				continue
			}
			id := columnar.StrAt(ids, i)
			if clusterKeys {
				if key := columnar.StrAt(keys, i); key != "" {
					if _, dup := ix.byEmail[key]; !dup {
						ix.byEmail[arena.clone(key)] = row
					}
				}
			} else {
				recordEntity[dedupe.RecordKey(columnar.StrAt(srcs, i), id)] = row
			}
			if _, dup := ix.byRecord[id]; !dup {
				ix.byRecord[arena.clone(id)] = row
			}
		}
		return nil
	}, "entity_id", "record_id", "source", "email_key")
	if err != nil || clusterKeys {
		return ix, err
	}
	err = columnar.EachBatch(ctx, rc.Work, normalized, func(rec arrow.Record) error {
		keys, srcs, ids := columnar.StringCol(rec, "email_key"), columnar.StringCol(rec, "source"), columnar.StringCol(rec, "record_id")
		for i := 0; i < int(rec.NumRows()); i++ {
			key := columnar.StrAt(keys, i)
			if key == "" {
				continue
			}
			if row, ok := recordEntity[dedupe.RecordKey(columnar.StrAt(srcs, i), columnar.StrAt(ids, i))]; ok {
				if _, dup := ix.byEmail[key]; !dup {
					ix.byEmail[arena.clone(key)] = row
				}
			}
		}
		return nil
	}, "email_key", "source", "record_id")
	return ix, err
}

// allHaveColumn reports whether every file has a column of that name
// (false for no files).
func allHaveColumn(ctx context.Context, s storage.Store, files []columnar.FileInfo, name string) (bool, error) {
	for _, f := range files {
		schema, _, err := columnar.ReadParquetSchema(ctx, s, f.Key)
		if err != nil {
			return false, err
		}
		if len(schema.FieldIndices(name)) == 0 {
			return false, nil
		}
	}
	return len(files) > 0, nil
}

// stringArena copies strings into shared blocks. The entity index keeps
// millions of keys; cloned one by one they are millions of small objects
// for the GC to allocate and mark, in an arena a few hundred blocks that
// hold no pointers. A block lives while any string in it does.
type stringArena struct{ block []byte }

// arenaBlock is the size of one block; a string over a quarter of it gets
// its own allocation, so a block wastes at most that quarter.
const arenaBlock = 64 << 10

// clone returns a copy of s that shares no memory with s.
func (a *stringArena) clone(s string) string {
	switch {
	case s == "":
		return ""
	case len(s) > arenaBlock/4:
		return strings.Clone(s)
	case len(a.block)+len(s) > cap(a.block):
		a.block = make([]byte, 0, arenaBlock)
	}
	start := len(a.block)
	a.block = append(a.block, s...)
	// The bytes are never written again: later strings go after them.
	return unsafe.String(&a.block[start], len(s))
}
