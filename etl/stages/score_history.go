package stages

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/storage"
	"github.com/leadsmith/leadsmith/normalize"
)

// Scoring sees history. An incremental night extracts only the activity
// objects that are new or changed, so tonight's `activities` hold only
// tonight's events; the events of earlier nights are kept in the entity
// store's "events" part, one file per night, and counted with tonight's.
// Exact repeats of one event (an object re-read because it changed) count
// once: eventSet.group drops them. A full refresh re-reads every object,
// so it ignores the store's events.
//
// An event older than the history horizon (score.HistoryHorizonDays:
// ten half-lives, or a longer window the config reads events over)
// weighs under 0.1% of its points; it counts on no night, full refresh or
// not, and the store forgets it. So that a night's cost follows the
// night's data and not the history, the store's files are not rewritten
// wholesale: a file whose events are all inside the horizon is copied as
// it is, a file with none left is dropped, a file partly expired is
// rewritten with what is left, and tonight's events become one new file.
// Which case a file is in comes from the range of occurred_at that
// loadEvents' parse found (eventSpan): occurred_at is text in whatever
// format the source wrote, so a Parquet column statistic (a byte-wise
// min/max) would not order it by time.

// storeEventsPart is the store part of activity events; the score stage
// writes it as dataset etl.StorePrefix+storeEventsPart.
const storeEventsPart = "events"

// storeEventsSchema is a file of the store's events: the staged
// activities' text columns, values as the source wrote them.
var storeEventsSchema = func() *arrow.Schema {
	fields := make([]arrow.Field, len(columnar.ActivityColumns))
	for i, c := range columnar.ActivityColumns {
		fields[i] = arrow.Field{Name: c, Type: arrow.BinaryTypes.String, Nullable: true}
	}
	return arrow.NewSchema(fields, nil)
}()

// eventInputs lists the event files a score run counts: the base store's
// events, unless this is a full refresh, then tonight's staged activities.
func eventInputs(ctx context.Context, rc *etl.RunContext, activities []columnar.FileInfo) ([]eventFile, error) {
	var files []eventFile
	if !rc.FullRefresh {
		keys, err := etl.StoreFiles(ctx, rc, storeEventsPart)
		if err != nil {
			return nil, err
		}
		base := rc.BaseState()
		for _, k := range keys {
			files = append(files, eventFile{store: base, key: k, history: true})
		}
	}
	for _, f := range activities {
		files = append(files, eventFile{store: rc.Work, key: f.Key})
	}
	return files, nil
}

// explainEventInputs lists the event files --explain counts: the events
// the committed score stage kept for the next night, which are exactly the
// events it counted (and those dated after its as-of, which loadEvents
// drops again); before any store, the run's inputs.
func explainEventInputs(ctx context.Context, rc *etl.RunContext, activities []columnar.FileInfo) ([]eventFile, error) {
	sc, err := rc.Committed(ctx, "score")
	if err != nil {
		return nil, err
	}
	if sc != nil {
		if kept, ok := sc.Datasets[etl.StorePrefix+storeEventsPart]; ok {
			files := make([]eventFile, len(kept))
			for i, f := range kept {
				files[i] = eventFile{store: rc.Work, key: f.Key}
			}
			return files, nil
		}
	}
	return eventInputs(ctx, rc, activities)
}

// storeStats counts what writeEventStore did, for the log and the notes.
type storeStats struct {
	copied, rewritten, dropped int   // files of the base store
	pruned                     int64 // events not kept: before the cutoff or undated
	kept                       int64 // events in the files written
}

// writeEventStore writes the store's events for the next night (dataset
// store.events): from the files loadEvents read (spans in the same
// order), every event dated at or after cutoff, those after the as-of
// included (they count on a later night). Undated events never count and
// are dropped.
func writeEventStore(ctx context.Context, rc *etl.RunContext, files []eventFile, spans []eventSpan, cutoff time.Time) ([]columnar.FileInfo, storeStats, error) {
	var st storeStats
	var out []columnar.FileInfo
	prefix := rc.DatasetPrefix("score", etl.StorePrefix+storeEventsPart)
	nextKey := func() string { return fmt.Sprintf("%spart-%05d.parquet", prefix, len(out)) }
	cut := cutoff.UnixMicro()
	var tonight []eventFile
	for i, f := range files {
		if !f.history {
			tonight = append(tonight, f)
			continue
		}
		sp := spans[i]
		dated := sp.rows - sp.undated
		switch {
		case dated == 0 || sp.maxAt < cut:
			st.dropped++
			st.pruned += sp.rows
		case sp.undated == 0 && sp.minAt >= cut:
			key := nextKey()
			if err := storage.Copy(ctx, f.store, f.key, rc.Work, key); err != nil {
				return nil, st, fmt.Errorf("copy store events: %w", err)
			}
			st.copied++
			st.kept += sp.rows
			out = append(out, columnar.FileInfo{Key: key, Rows: sp.rows})
		default:
			fi, err := writeKeptEvents(ctx, rc, []eventFile{f}, nextKey(), cutoff)
			if err != nil {
				return nil, st, err
			}
			st.rewritten++
			st.kept += fi.Rows
			st.pruned += sp.rows - fi.Rows
			out = append(out, fi)
		}
	}
	if len(tonight) > 0 {
		fi, err := writeKeptEvents(ctx, rc, tonight, nextKey(), cutoff)
		if err != nil {
			return nil, st, err
		}
		var read int64
		for i, f := range files {
			if !f.history {
				read += spans[i].rows
			}
		}
		st.kept += fi.Rows
		st.pruned += read - fi.Rows
		if fi.Rows > 0 {
			out = append(out, fi)
		}
	}
	// The copies' sizes, for the stage's manifest.
	if st.copied > 0 {
		objs, err := rc.Work.List(ctx, prefix)
		if err != nil {
			return nil, st, err
		}
		size := map[string]int64{}
		for _, o := range objs {
			size[o.Key] = o.Size
		}
		for i := range out {
			if out[i].Bytes == 0 {
				out[i].Bytes = size[out[i].Key]
			}
		}
	}
	return out, st, nil
}

// writeKeptEvents writes one file of the events of files dated at or after
// cutoff; with none, it writes nothing and returns a FileInfo of 0 rows.
func writeKeptEvents(ctx context.Context, rc *etl.RunContext, files []eventFile, key string, cutoff time.Time) (columnar.FileInfo, error) {
	pw, err := columnar.NewParquetWriter(ctx, rc.Work, key, storeEventsSchema, rc.Config.Parquet)
	if err != nil {
		return columnar.FileInfo{}, err
	}
	var times normalize.TimeParser
	asOf := rc.Clock()
	b := array.NewRecordBuilder(memory.DefaultAllocator, storeEventsSchema)
	defer b.Release()
	for _, f := range files {
		err := columnar.EachBatch(ctx, f.store, []columnar.FileInfo{{Key: f.key}}, func(rec arrow.Record) error {
			cols := make([]*array.String, len(columnar.ActivityColumns))
			for c, name := range columnar.ActivityColumns {
				cols[c] = columnar.StringCol(rec, name)
			}
			occurred := columnar.StringCol(rec, "occurred_at")
			n := 0
			for i := 0; i < int(rec.NumRows()); i++ {
				at, ok, _ := times.Parse(columnar.StrAt(occurred, i), asOf)
				if !ok || at.Before(cutoff) {
					continue
				}
				for c, col := range cols {
					sb := b.Field(c).(*array.StringBuilder)
					if col == nil || col.IsNull(i) {
						sb.AppendNull()
					} else {
						sb.Append(col.Value(i))
					}
				}
				n++
			}
			if n == 0 {
				return nil
			}
			kept := b.NewRecord()
			defer kept.Release()
			return pw.Write(kept)
		}, columnar.ActivityColumns...)
		if err != nil {
			pw.Abort()
			return columnar.FileInfo{}, err
		}
	}
	if pw.Rows() == 0 {
		pw.Abort()
		return columnar.FileInfo{Key: key}, nil
	}
	return pw.Close()
}
