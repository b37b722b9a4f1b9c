package stages

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/storage"
)

// openFile resolves a single-file location of the config (local path or
// s3://bucket/key) to a store and key.
func openFile(ctx context.Context, c *etl.Config, loc string) (storage.Store, string, error) {
	loc = c.Resolve(loc)
	dir, base := path.Split(loc)
	if !strings.HasPrefix(loc, "s3://") && dir == "" {
		dir = "."
	}
	s, err := storage.Open(ctx, strings.TrimSuffix(dir, "/"), c.S3)
	return s, base, err
}

// writeTable writes columns built by fill into one Parquet object.
func writeTable(ctx context.Context, rc *etl.RunContext, key string, schema *arrow.Schema, n int, fill func(b *array.RecordBuilder, from, to int)) (columnar.FileInfo, error) {
	// Batches recycle their buffers through a pool instead of leaving
	// them to the collector, which otherwise scans a heap holding the
	// whole table for each batch's garbage.
	mem := columnar.NewPoolAllocator(64<<20, rc.PoisonPools)
	w, err := columnar.NewParquetWriterMem(ctx, rc.Work, key, schema, rc.Config.Parquet, mem)
	if err != nil {
		return columnar.FileInfo{}, err
	}
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	for from := 0; from < n || (n == 0 && from == 0); from += columnar.BatchRows {
		to := min(from+columnar.BatchRows, n)
		fill(b, from, to)
		rec := b.NewRecord()
		err := w.Write(rec)
		rec.Release()
		if err != nil {
			w.Abort()
			return columnar.FileInfo{}, err
		}
		if n == 0 {
			break
		}
	}
	return w.Close()
}

func writePairs(ctx context.Context, rc *etl.RunContext, key string, t *dedupe.Table, p *dedupe.Pairs, threshold float64) (columnar.FileInfo, error) {
	fields := []arrow.Field{
		{Name: "record_id_l", Type: arrow.BinaryTypes.String},
		{Name: "record_id_r", Type: arrow.BinaryTypes.String},
		{Name: "blocking_rule", Type: arrow.BinaryTypes.String},
	}
	for _, c := range p.Comparisons {
		fields = append(fields, arrow.Field{Name: c + "_level", Type: arrow.PrimitiveTypes.Int8})
	}
	fields = append(fields,
		arrow.Field{Name: "match_weight", Type: arrow.PrimitiveTypes.Float64},
		arrow.Field{Name: "match_probability", Type: arrow.PrimitiveTypes.Float64},
		arrow.Field{Name: "is_match", Type: arrow.FixedWidthTypes.Boolean})
	schema := arrow.NewSchema(fields, nil)
	nc := len(p.Comparisons)
	return writeTable(ctx, rc, key, schema, p.Len(), func(b *array.RecordBuilder, from, to int) {
		for k := from; k < to; k++ {
			b.Field(0).(*array.StringBuilder).Append(t.IDs[p.L[k]])
			b.Field(1).(*array.StringBuilder).Append(t.IDs[p.R[k]])
			b.Field(2).(*array.StringBuilder).Append(p.Rules[p.Rule[k]])
			for c, lv := range p.PairLevels(k) {
				b.Field(3 + c).(*array.Int8Builder).Append(int8(lv))
			}
			b.Field(3 + nc).(*array.Float64Builder).Append(float64(p.Weight[k]))
			b.Field(4 + nc).(*array.Float64Builder).Append(float64(p.Prob[k]))
			b.Field(5 + nc).(*array.BooleanBuilder).Append(p.IsMatch(k, threshold))
		}
	})
}

func writeClusters(ctx context.Context, rc *etl.RunContext, key string, t *dedupe.Table, c *dedupe.Clustering, ids []string) (columnar.FileInfo, error) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "record_id", Type: arrow.BinaryTypes.String},
		{Name: "source", Type: arrow.BinaryTypes.String},
		{Name: "entity_id", Type: arrow.BinaryTypes.String},
		{Name: "cluster_size", Type: arrow.PrimitiveTypes.Int32},
		{Name: "match_probability", Type: arrow.PrimitiveTypes.Float64},
	}, nil)
	return writeTable(ctx, rc, key, schema, len(t.IDs), func(b *array.RecordBuilder, from, to int) {
		for i := from; i < to; i++ {
			src, id := dedupe.SplitRecordKey(t.IDs[i])
			b.Field(0).(*array.StringBuilder).Append(id)
			b.Field(1).(*array.StringBuilder).Append(src)
			b.Field(2).(*array.StringBuilder).Append(ids[i])
			b.Field(3).(*array.Int32Builder).Append(c.Size[c.Cluster[i]])
			b.Field(4).(*array.Float64Builder).Append(float64(c.Prob[i]))
		}
	})
}

// goldenColumns orders the golden record's columns like the normalized
// dataset, then any other column the table has.
func goldenColumns(cols map[string][]string) []string {
	var order []string
	seen := map[string]bool{}
	for _, f := range columnar.NormalizedSchema(nil).Fields() {
		if _, ok := cols[f.Name]; ok && !notGolden[f.Name] {
			order = append(order, f.Name)
			seen[f.Name] = true
		}
	}
	var rest []string
	for name := range cols {
		if !seen[name] && !notGolden[name] {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	return append(order, rest...)
}

// writeGolden writes golden records lo..hi-1.
func writeGolden(ctx context.Context, rc *etl.RunContext, key string, t *dedupe.Table, g *dedupe.Golden, lo, hi int) (columnar.FileInfo, error) {
	cols := goldenColumns(g.Cols)
	schema := columnar.GoldenSchema(cols)
	return writeTable(ctx, rc, key, schema, hi-lo, func(b *array.RecordBuilder, from, to int) {
		from, to = lo+from, lo+to
		// Column by column: one map lookup and one builder per column.
		for j, c := range cols {
			fb, vals := b.Field(1+j), g.Cols[c][from:to]
			if sb, ok := fb.(*array.StringBuilder); ok {
				size := 0
				for _, v := range vals {
					size += len(v)
				}
				sb.ReserveData(size)
			}
			for _, v := range vals {
				columnar.AppendText(fb, v)
			}
		}
		for i := from; i < to; i++ {
			b.Field(0).(*array.StringBuilder).Append(g.EntityIDs[i])
			lb := b.Field(1 + len(cols)).(*array.ListBuilder)
			lb.Append(true)
			vb := lb.ValueBuilder().(*array.StringBuilder)
			for _, k := range g.SourceRecordIDs[i] {
				vb.Append(k)
			}
			b.Field(2 + len(cols)).(*array.Int64Builder).Append(int64(len(g.SourceRecordIDs[i])))
			b.Field(3 + len(cols)).(*array.TimestampBuilder).Append(arrow.Timestamp(g.FirstSeenAt[i].UnixMicro()))
			lb4 := b.Field(4 + len(cols)).(*array.TimestampBuilder)
			if i < len(g.LastSeenAt) && !g.LastSeenAt[i].IsZero() {
				last := g.LastSeenAt[i]
				if last.Before(g.FirstSeenAt[i]) {
					last = g.FirstSeenAt[i]
				}
				lb4.Append(arrow.Timestamp(last.UnixMicro()))
			} else {
				lb4.Append(arrow.Timestamp(g.FirstSeenAt[i].UnixMicro()))
			}
		}
	})
}

// readEntityState loads the record -> entity id map and each entity's
// first_seen_at that the last published run left in the state location.
func readEntityState(ctx context.Context, rc *etl.RunContext) (map[string]string, map[string]time.Time, error) {
	prev := map[string]string{}
	first := map[string]time.Time{}
	pf, err := columnar.OpenParquet(ctx, rc.BaseState(), etl.EntityStateKey)
	if errors.Is(err, storage.ErrNotExist) {
		return prev, first, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("entity state: %w", err)
	}
	defer pf.Close()
	err = pf.Each(ctx, func(rec arrow.Record) error {
		keys, ids := columnar.StringCol(rec, "record_key"), columnar.StringCol(rec, "entity_id")
		var fs *array.Timestamp
		if idx := rec.Schema().FieldIndices("first_seen_at"); len(idx) > 0 {
			fs, _ = rec.Column(idx[0]).(*array.Timestamp)
		}
		if keys == nil || ids == nil {
			return fmt.Errorf("entity state %s: missing record_key or entity_id", etl.EntityStateKey)
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			id := strings.Clone(ids.Value(i))
			prev[strings.Clone(keys.Value(i))] = id
			if fs != nil && fs.IsValid(i) {
				if _, ok := first[id]; !ok {
					first[id] = fs.Value(i).ToTime(arrow.Microsecond).UTC()
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	rc.Log.Info("entity state loaded", "records", len(prev), "entities", len(first))
	return prev, first, nil
}
