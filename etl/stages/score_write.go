package stages

import (
	"cmp"
	"context"
	"fmt"
	"sort"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/score"
)

// scoreFields are the columns score adds to a golden record in contacts.
// segment is not among them: it is the Hive partition of the file.
var scoreFields = []arrow.Field{
	{Name: "fit_score", Type: arrow.PrimitiveTypes.Int64},
	{Name: "fit_grade", Type: arrow.PrimitiveTypes.Int64},
	{Name: "engagement_score", Type: arrow.PrimitiveTypes.Float64},
	{Name: "engagement_grade", Type: arrow.BinaryTypes.String},
	{Name: "lead_rank", Type: arrow.BinaryTypes.String},
	{Name: "is_mql", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "funnel_stage", Type: arrow.BinaryTypes.String},
	{Name: "owner", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "queue", Type: arrow.BinaryTypes.String},
	{Name: "sla_due_at", Type: columnar.TimestampUTC, Nullable: true},
	{Name: "route_reason", Type: arrow.BinaryTypes.String},
	{Name: "run_id", Type: arrow.BinaryTypes.String},
	{Name: "scored_at", Type: columnar.TimestampUTC},
}

// routingSchema is the `routing` dataset: one row per entity, what sales
// and marketing act on.
var routingSchema = arrow.NewSchema([]arrow.Field{
	{Name: "entity_id", Type: arrow.BinaryTypes.String},
	{Name: "lead_rank", Type: arrow.BinaryTypes.String},
	{Name: "is_mql", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "segment", Type: arrow.BinaryTypes.String},
	{Name: "queue", Type: arrow.BinaryTypes.String},
	{Name: "team", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "owner", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "route_reason", Type: arrow.BinaryTypes.String},
	{Name: "sla_due_at", Type: columnar.TimestampUTC, Nullable: true},
	{Name: "run_id", Type: arrow.BinaryTypes.String},
}, nil)

// scoreWriters writes contacts into one part file per segment and the
// routing dataset beside them. Encoding those files is most of the
// stage's work, so every file has its own goroutine (a fileQueue): the
// files encode in parallel with each other and with the scoring of the
// next batch, each still getting its rows in batch order, so the bytes
// are those of a sequential write. A queue holds at most queueDepth
// batches: when scoring runs ahead of the slowest file, it waits.
type scoreWriters struct {
	ctx      context.Context
	rc       *etl.RunContext
	contacts *arrow.Schema
	segments map[string]*fileQueue
	routing  *fileQueue
	done     bool // closed: abort has nothing left to do
}

func newScoreWriters(ctx context.Context, rc *etl.RunContext, golden *arrow.Schema) *scoreWriters {
	fields := append(append([]arrow.Field(nil), golden.Fields()...), scoreFields...)
	return &scoreWriters{ctx: ctx, rc: rc, contacts: arrow.NewSchema(fields, nil), segments: map[string]*fileQueue{}}
}

// write appends one golden batch and its results.
func (w *scoreWriters) write(golden arrow.Record, results []score.Result) error {
	if err := w.failed(); err != nil {
		return err
	}
	n := len(results)
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(scoreFields, nil))
	defer b.Release()
	scored := w.rc.Clock()
	for _, r := range results {
		b.Field(0).(*array.Int64Builder).Append(int64(r.FitScore))
		b.Field(1).(*array.Int64Builder).Append(int64(r.FitGrade))
		b.Field(2).(*array.Float64Builder).Append(r.EngagementScore)
		b.Field(3).(*array.StringBuilder).Append(r.EngagementGrade)
		b.Field(4).(*array.StringBuilder).Append(r.LeadRank)
		b.Field(5).(*array.BooleanBuilder).Append(r.IsMQL)
		b.Field(6).(*array.StringBuilder).Append(r.FunnelStage)
		columnar.AppendOptString(b.Field(7).(*array.StringBuilder), r.Owner)
		b.Field(8).(*array.StringBuilder).Append(r.Queue)
		appendOptTime(b.Field(9).(*array.TimestampBuilder), r.SLADueAt)
		b.Field(10).(*array.StringBuilder).Append(r.RouteReason)
		b.Field(11).(*array.StringBuilder).Append(w.rc.RunID)
		b.Field(12).(*array.TimestampBuilder).Append(arrow.Timestamp(scored.UnixMicro()))
	}
	added := b.NewRecord()
	defer added.Release()
	cols := append(append([]arrow.Array(nil), golden.Columns()...), added.Columns()...)
	full := array.NewRecord(w.contacts, cols, int64(n))
	defer full.Release()

	bySegment := map[string][]int{}
	for i, r := range results {
		bySegment[r.Segment] = append(bySegment[r.Segment], i)
	}
	segs := make([]string, 0, len(bySegment))
	for s := range bySegment {
		segs = append(segs, s)
	}
	sort.Strings(segs)
	for _, seg := range segs {
		q := w.segments[seg]
		if q == nil {
			key := fmt.Sprintf("%ssegment=%s/part-00000.parquet", w.rc.DatasetPrefix("score", "contacts"), seg)
			pw, err := columnar.NewParquetWriter(w.ctx, w.rc.Work, key, w.contacts, w.rc.Config.Parquet)
			if err != nil {
				return err
			}
			q = startFileQueue(pw, "segment "+seg)
			w.segments[seg] = q
		}
		var rows []int // all of them
		if len(segs) > 1 {
			rows = bySegment[seg]
		}
		q.send(full, rows)
	}
	return w.writeRouting(golden, results)
}

func (w *scoreWriters) writeRouting(golden arrow.Record, results []score.Result) error {
	if w.routing == nil {
		pw, err := columnar.NewParquetWriter(w.ctx, w.rc.Work, w.rc.DatasetPrefix("score", "routing")+"part-00000.parquet", routingSchema, w.rc.Config.Parquet)
		if err != nil {
			return err
		}
		w.routing = startFileQueue(pw, "routing")
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, routingSchema)
	defer b.Release()
	ids := columnar.StringCol(golden, "entity_id")
	for i, r := range results {
		b.Field(0).(*array.StringBuilder).Append(ids.Value(i))
		b.Field(1).(*array.StringBuilder).Append(r.LeadRank)
		b.Field(2).(*array.BooleanBuilder).Append(r.IsMQL)
		b.Field(3).(*array.StringBuilder).Append(r.Segment)
		b.Field(4).(*array.StringBuilder).Append(r.Queue)
		columnar.AppendOptString(b.Field(5).(*array.StringBuilder), r.Team)
		columnar.AppendOptString(b.Field(6).(*array.StringBuilder), r.Owner)
		b.Field(7).(*array.StringBuilder).Append(r.RouteReason)
		appendOptTime(b.Field(8).(*array.TimestampBuilder), r.SLADueAt)
		b.Field(9).(*array.StringBuilder).Append(w.rc.RunID)
	}
	rec := b.NewRecord()
	defer rec.Release()
	w.routing.send(rec, nil)
	return nil
}

// queues lists every started queue, segments in name order, then routing.
func (w *scoreWriters) queues() []*fileQueue {
	segs := make([]string, 0, len(w.segments))
	for s := range w.segments {
		segs = append(segs, s)
	}
	sort.Strings(segs)
	qs := make([]*fileQueue, 0, len(segs)+1)
	for _, s := range segs {
		qs = append(qs, w.segments[s])
	}
	if w.routing != nil {
		qs = append(qs, w.routing)
	}
	return qs
}

// failed is the first error of a queue, if any has failed so far.
func (w *scoreWriters) failed() error {
	for _, q := range w.queues() {
		if err := q.failed(); err != nil {
			return err
		}
	}
	return nil
}

// close finishes every file (the queues close theirs in parallel).
func (w *scoreWriters) close() (*etl.StageResult, error) {
	w.done = true
	qs := w.queues()
	for _, q := range qs {
		q.finish(false)
	}
	res := &etl.StageResult{Datasets: map[string][]columnar.FileInfo{}}
	var first error
	for _, q := range qs {
		fi, err := q.wait()
		switch {
		case err != nil:
			first = cmp.Or(first, err)
		case q == w.routing:
			res.Datasets["routing"] = []columnar.FileInfo{fi}
		default:
			res.Datasets["contacts"] = append(res.Datasets["contacts"], fi)
		}
	}
	if first != nil {
		return nil, first
	}
	return res, nil
}

// abort discards whatever was not closed.
func (w *scoreWriters) abort() {
	if w.done {
		return
	}
	w.done = true
	qs := w.queues()
	for _, q := range qs {
		q.finish(true)
	}
	for _, q := range qs {
		_, _ = q.wait()
	}
}

func appendOptTime(b *array.TimestampBuilder, t interface {
	IsZero() bool
	UnixMicro() int64
}) {
	if t.IsZero() {
		b.AppendNull()
	} else {
		b.Append(arrow.Timestamp(t.UnixMicro()))
	}
}
