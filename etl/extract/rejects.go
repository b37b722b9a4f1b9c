package extract

import (
	"context"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
)

// maxRejectRaw bounds the raw text kept for one rejected row, so a broken
// file of huge fields cannot turn rejects into a copy of itself.
const maxRejectRaw = 64 << 10

// rejectSink collects the rejected rows of one source into one Parquet
// object. Rejects are rare, so a mutex is cheap enough.
type rejectSink struct {
	mu   sync.Mutex
	ctx  context.Context
	rc   *etl.RunContext
	key  string
	w    *columnar.ParquetWriter
	b    *array.RecordBuilder
	n    int
	err  error
	rows int64
}

func newRejectSink(ctx context.Context, rc *etl.RunContext, key string) *rejectSink {
	return &rejectSink{ctx: ctx, rc: rc, key: key, b: array.NewRecordBuilder(memory.DefaultAllocator, columnar.RejectsSchema())}
}

// cleanRaw makes raw text storable: valid UTF-8, bounded.
func cleanRaw(raw string) string {
	if !utf8.ValidString(raw) {
		raw = strings.ToValidUTF8(raw, "\uFFFD")
	}
	if len(raw) > maxRejectRaw {
		cut := maxRejectRaw
		for cut > 0 && !utf8.RuneStart(raw[cut]) {
			cut--
		}
		raw = raw[:cut] + "…[truncated]"
	}
	return raw
}

func (r *rejectSink) add(source, location, reason, raw string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.b.Field(0).(*array.StringBuilder).Append(source)
	r.b.Field(1).(*array.StringBuilder).Append(location)
	r.b.Field(2).(*array.StringBuilder).Append(reason)
	r.b.Field(3).(*array.StringBuilder).Append(cleanRaw(raw))
	r.n++
	r.rows++
	if r.n >= 8192 {
		r.flushLocked()
	}
}

func (r *rejectSink) flushLocked() {
	if r.n == 0 || r.err != nil {
		return
	}
	rec := r.b.NewRecord()
	defer rec.Release()
	r.n = 0
	if r.w == nil {
		r.w, r.err = columnar.NewParquetWriter(r.ctx, r.rc.Work, r.key, columnar.RejectsSchema(), r.rc.Config.Parquet)
		if r.err != nil {
			return
		}
	}
	r.err = r.w.Write(rec)
}

// close writes what is left; no rejects means no file.
func (r *rejectSink) close() ([]columnar.FileInfo, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.flushLocked()
	r.b.Release()
	if r.err != nil {
		if r.w != nil {
			r.w.Abort()
		}
		return nil, r.err
	}
	if r.w == nil {
		return nil, nil
	}
	fi, err := r.w.Close()
	if err != nil {
		return nil, err
	}
	return []columnar.FileInfo{fi}, nil
}

func (r *rejectSink) abort() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.w != nil {
		r.w.Abort()
	}
	r.b.Release()
}
