package extract

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/storage"
)

// ObjectsPart is the store part that lists every object of every source
// (contacts and activities) as of the run that wrote it: source, key,
// size, etag, mtime and read_run_id, the run that last read the object.
// Extract writes it every night as the dataset etl.StorePrefix+ObjectsPart;
// the next night reads it to skip the objects that did not change.
const ObjectsPart = "objects"

// objectEntry is one row of the objects list.
type objectEntry struct {
	Source    string
	Key       string
	Size      int64
	ETag      string
	MTime     time.Time // UTC, microseconds
	ReadRunID string
}

// Incremental reports whether extract reads only the objects that are new
// or changed since the state this run builds on: no full refresh was
// asked for and that state lists the objects read before. It does not ask
// for the whole entity store (etl.Incremental), only for the objects list,
// which is extract's own.
func Incremental(ctx context.Context, rc *etl.RunContext) (bool, error) {
	if rc.FullRefresh {
		return false, nil
	}
	keys, err := etl.StoreFiles(ctx, rc, ObjectsPart)
	return len(keys) > 0, err
}

// unchanged reports whether o is the object prev lists: same size, and
// same etag when both have one, else the same mtime (to the microsecond,
// as the list keeps it).
func unchanged(prev objectEntry, o storage.ObjectInfo) bool {
	if prev.Size != o.Size {
		return false
	}
	if prev.ETag != "" && o.ETag != "" {
		return prev.ETag == o.ETag
	}
	return prev.MTime.UnixMicro() == o.ModTime.UnixMicro()
}

// newEntry lists o of source as read by run.
func newEntry(source string, o storage.ObjectInfo, run string) objectEntry {
	return objectEntry{Source: source, Key: o.Key, Size: o.Size, ETag: o.ETag,
		MTime: time.UnixMicro(o.ModTime.UnixMicro()).UTC(), ReadRunID: run}
}

// objectsSchema is the schema of the objects list.
func objectsSchema() *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{
		{Name: "source", Type: arrow.BinaryTypes.String},
		{Name: "key", Type: arrow.BinaryTypes.String},
		{Name: "size", Type: arrow.PrimitiveTypes.Int64},
		{Name: "etag", Type: arrow.BinaryTypes.String},
		{Name: "mtime", Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
		{Name: "read_run_id", Type: arrow.BinaryTypes.String},
	}, nil)
}

// baseObjects reads the objects list of the state this run builds on:
// source -> key -> entry. It is empty before the first night with one.
func baseObjects(ctx context.Context, rc *etl.RunContext) (map[string]map[string]objectEntry, error) {
	keys, err := etl.StoreFiles(ctx, rc, ObjectsPart)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]objectEntry{}
	for _, key := range keys {
		if err := readObjects(ctx, rc.BaseState(), key, func(e objectEntry) {
			if out[e.Source] == nil {
				out[e.Source] = map[string]objectEntry{}
			}
			out[e.Source][e.Key] = e
		}); err != nil {
			return nil, fmt.Errorf("read store %s: %s: %w", ObjectsPart, key, err)
		}
	}
	return out, nil
}

// readObjects calls fn for every row of one objects file.
func readObjects(ctx context.Context, st storage.Store, key string, fn func(objectEntry)) error {
	pf, err := columnar.OpenParquet(ctx, st, key)
	if err != nil {
		return err
	}
	defer pf.Close()
	return pf.Each(ctx, func(rec arrow.Record) error {
		col := func(name string) (arrow.Array, error) {
			idx := rec.Schema().FieldIndices(name)
			if len(idx) == 0 {
				return nil, fmt.Errorf("no column %s", name)
			}
			return rec.Column(idx[0]), nil
		}
		var cols [6]arrow.Array
		for i, name := range []string{"source", "key", "size", "etag", "mtime", "read_run_id"} {
			c, err := col(name)
			if err != nil {
				return err
			}
			cols[i] = c
		}
		src, ok1 := cols[0].(*array.String)
		k, ok2 := cols[1].(*array.String)
		size, ok3 := cols[2].(*array.Int64)
		etag, ok4 := cols[3].(*array.String)
		mtime, ok5 := cols[4].(*array.Timestamp)
		run, ok6 := cols[5].(*array.String)
		if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
			return fmt.Errorf("unexpected column types %s", rec.Schema())
		}
		unit := mtime.DataType().(*arrow.TimestampType).Unit
		for i := 0; i < int(rec.NumRows()); i++ {
			fn(objectEntry{
				Source: src.Value(i), Key: k.Value(i), Size: size.Value(i), ETag: etag.Value(i),
				MTime: mtime.Value(i).ToTime(unit).UTC(), ReadRunID: run.Value(i),
			})
		}
		return nil
	})
}

// writeObjects writes the objects list, sorted by source then key, as the
// one file of the dataset etl.StorePrefix+ObjectsPart.
func writeObjects(ctx context.Context, rc *etl.RunContext, entries []objectEntry) (columnar.FileInfo, error) {
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].Source != entries[j].Source {
			return entries[i].Source < entries[j].Source
		}
		return entries[i].Key < entries[j].Key
	})
	schema := objectsSchema()
	key := rc.DatasetPrefix("extract", etl.StorePrefix+ObjectsPart) + "part-00000.parquet"
	w, err := columnar.NewParquetWriter(ctx, rc.Work, key, schema, rc.Config.Parquet)
	if err != nil {
		return columnar.FileInfo{}, err
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for start := 0; start < len(entries); start += columnar.BatchRows {
		for _, e := range entries[start:min(len(entries), start+columnar.BatchRows)] {
			b.Field(0).(*array.StringBuilder).Append(e.Source)
			b.Field(1).(*array.StringBuilder).Append(e.Key)
			b.Field(2).(*array.Int64Builder).Append(e.Size)
			b.Field(3).(*array.StringBuilder).Append(e.ETag)
			b.Field(4).(*array.TimestampBuilder).Append(arrow.Timestamp(e.MTime.UnixMicro()))
			b.Field(5).(*array.StringBuilder).Append(e.ReadRunID)
		}
		rec := b.NewRecord()
		err := w.Write(rec)
		rec.Release()
		if err != nil {
			w.Abort()
			return columnar.FileInfo{}, err
		}
	}
	return w.Close()
}

// objectPlan splits a source's objects into those to read tonight and
// those unchanged since the base, and lists them all for the next night.
type objectPlan struct {
	read      []storage.ObjectInfo
	unchanged int
	entries   []objectEntry
}

// planObjects decides which of a source's objects are read: all of them
// when prev is nil (not incremental, or a source the base did not list).
func planObjects(source, run string, objs []storage.ObjectInfo, prev map[string]objectEntry) objectPlan {
	var p objectPlan
	for _, o := range objs {
		if e, ok := prev[o.Key]; ok && unchanged(e, o) {
			p.unchanged++
			kept := newEntry(source, o, e.ReadRunID)
			p.entries = append(p.entries, kept)
			continue
		}
		p.read = append(p.read, o)
		p.entries = append(p.entries, newEntry(source, o, run))
	}
	return p
}
