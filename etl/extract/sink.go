package extract

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/leadsmith/leadsmith/etl/columnar"
)

// objectSink receives one object's record batches and writes them to part
// files on its own goroutine, so parsing and Parquet encoding overlap.
type objectSink struct {
	sr    *sourceRun
	idx   int
	ctx   context.Context
	recs  chan arrow.Record
	done  chan struct{}
	err   error
	files []columnar.FileInfo
}

func (sr *sourceRun) newSink(ctx context.Context, idx int) *objectSink {
	k := &objectSink{sr: sr, idx: idx, ctx: ctx, recs: make(chan arrow.Record, 2), done: make(chan struct{})}
	go k.write()
	return k
}

func (k *objectSink) partKey(seq int) string {
	return fmt.Sprintf("%spart-%03d-%05d-%03d.parquet", k.sr.rc.DatasetPrefix("extract", k.sr.dataset), k.sr.srcIdx, k.idx, seq)
}

func (k *objectSink) write() {
	defer close(k.done)
	var w *columnar.ParquetWriter
	seq := 0
	for rec := range k.recs {
		if k.err == nil && (w == nil || !rec.Schema().Equal(w.Schema())) {
			if w != nil {
				if fi, err := w.Close(); err != nil {
					k.err = err
				} else {
					k.files = append(k.files, fi)
				}
				w = nil
			}
			if k.err == nil {
				w, k.err = columnar.NewParquetWriter(k.ctx, k.sr.rc.Work, k.partKey(seq), rec.Schema(), k.sr.rc.Config.Parquet)
				seq++
			}
		}
		if k.err == nil {
			k.err = w.Write(rec)
		}
		rec.Release()
	}
	if w != nil {
		if k.err != nil {
			w.Abort()
			return
		}
		fi, err := w.Close()
		if err != nil {
			k.err = err
			return
		}
		k.files = append(k.files, fi)
	}
}

// send hands a batch to the writer; it fails when the writer failed.
func (k *objectSink) send(rec arrow.Record) error {
	if rec == nil {
		return nil
	}
	select {
	case k.recs <- rec:
		return nil
	case <-k.done:
		rec.Release()
		return k.err
	case <-k.ctx.Done():
		rec.Release()
		return k.ctx.Err()
	}
}

// finish closes the sink after the reader returned readErr. What was
// written before a read error is kept: those rows are staged.
func (k *objectSink) finish(readErr error) error {
	close(k.recs)
	<-k.done
	if k.err != nil {
		return &writeError{k.err}
	}
	k.sr.files = append(k.sr.files, k.files...)
	return readErr
}
