package columnar

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/leadsmith/leadsmith/etl/storage"
	"golang.org/x/sync/errgroup"
)

// Dead rows: a Parquet file of the entity store is never rewritten to
// drop a row. A night that supersedes rows of a file it keeps lists them
// in the file's deletion vector instead (FileInfo.Dead, a roaring bitmap
// of row numbers, as Delta Lake and Iceberg do), and every reader skips
// them: EachBatch drops them from the batches it hands on, EachBatchAt
// says which rows are live. The file itself is carried from version to
// version by a copy (a hard link on local disk, CopyObject on S3), so a
// night's cost follows what it changed, not what the store holds.

// DeadRows reads the deletion vector of f: nil when it has none.
func DeadRows(ctx context.Context, s storage.Store, f FileInfo) (*roaring.Bitmap, error) {
	if f.Dead == "" {
		return nil, nil
	}
	r, err := s.Open(ctx, f.Dead)
	if err != nil {
		return nil, fmt.Errorf("deletion vector of %s: %w", f.Key, err)
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("deletion vector of %s: %w", f.Key, err)
	}
	bm := roaring.New()
	if _, err := bm.ReadFrom(bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("deletion vector %s: %w", f.Dead, err)
	}
	return bm, nil
}

// WriteDeadRows writes a deletion vector to key.
func WriteDeadRows(ctx context.Context, s storage.Store, key string, bm *roaring.Bitmap) error {
	bm.RunOptimize()
	var buf bytes.Buffer
	if _, err := bm.WriteTo(&buf); err != nil {
		return err
	}
	w, err := s.Create(ctx, key)
	if err != nil {
		return fmt.Errorf("create %s: %w", key, err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		_ = w.Abort()
		return fmt.Errorf("write %s: %w", key, err)
	}
	return w.Close()
}

// Batch is one record batch of one file of a list, with the place of its
// first row in the file and the file's dead rows.
type Batch struct {
	File  int   // index of the file in the list
	First int64 // row number of the batch's first row in its file
	Rec   arrow.Record
	dead  *roaring.Bitmap
}

// Live reports whether row i of the batch is live (not in the file's
// deletion vector).
func (b Batch) Live(i int) bool {
	return b.dead == nil || !b.dead.Contains(uint32(b.First)+uint32(i))
}

// DeadIn counts the batch's dead rows.
func (b Batch) DeadIn() int {
	if b.dead == nil || b.Rec.NumRows() == 0 {
		return 0
	}
	lo := uint32(b.First)
	return int(b.dead.Rank(lo+uint32(b.Rec.NumRows())-1) - rankBefore(b.dead, lo))
}

// rankBefore counts the bitmap's values below lo.
func rankBefore(bm *roaring.Bitmap, lo uint32) uint64 {
	if lo == 0 {
		return 0
	}
	return bm.Rank(lo - 1)
}

// EachBatchAt calls fn for every record batch of the files, in order, dead
// rows included (Batch.Live tells them); with columns given, only those
// columns are read. The next batch is decoded on another goroutine while
// fn works on this one, so a pass that reads wide files and does real
// work per row keeps two cores busy.
func EachBatchAt(ctx context.Context, s storage.Store, files []FileInfo, fn func(Batch) error, columns ...string) error {
	return eachBatch(ctx, s, files, nil, fn, columns)
}

// eachBatch is EachBatchAt with prep, when given, applied to each batch on
// the decoding goroutine (it returns the batch fn sees, retained).
func eachBatch(ctx context.Context, s storage.Store, files []FileInfo, prep func(Batch) (Batch, error), fn func(Batch) error, columns []string) error {
	g, gctx := errgroup.WithContext(ctx)
	ahead := make(chan Batch, 1)
	g.Go(func() error {
		defer close(ahead)
		for fi, f := range files {
			if err := readAhead(gctx, s, fi, f, ahead, prep, columns); err != nil {
				return err
			}
		}
		return nil
	})
	g.Go(func() error {
		for b := range ahead {
			err := fn(b)
			b.Rec.Release()
			if err != nil {
				return err // cancels the reader; what it holds is left to the GC
			}
		}
		return nil
	})
	return g.Wait()
}

// readAhead decodes the batches of file fi into ahead, each retained.
func readAhead(ctx context.Context, s storage.Store, fi int, f FileInfo, ahead chan<- Batch, prep func(Batch) (Batch, error), columns []string) error {
	dead, err := DeadRows(ctx, s, f)
	if err != nil {
		return err
	}
	if dead != nil && dead.IsEmpty() {
		dead = nil
	}
	pf, err := OpenParquet(ctx, s, f.Key)
	if err != nil {
		return err
	}
	defer pf.Close()
	var first int64
	each := func(rec arrow.Record) error {
		rec.Retain()
		b := Batch{File: fi, First: first, Rec: rec, dead: dead}
		first += rec.NumRows()
		if prep != nil {
			var err error
			if b, err = prep(b); err != nil {
				return err
			}
		}
		select {
		case ahead <- b:
			return nil
		case <-ctx.Done():
			rec.Release()
			return ctx.Err()
		}
	}
	if len(columns) > 0 {
		return pf.EachColumns(ctx, columns, each)
	}
	return pf.Each(ctx, each)
}

// live is b without its dead rows, for EachBatch: b itself when it has
// none, else a batch of a new record (b's is released).
func live(b Batch) (Batch, error) {
	if b.DeadIn() == 0 {
		return b, nil
	}
	n := int(b.Rec.NumRows())
	idx := make([]int, 0, n)
	for i := 0; i < n; i++ {
		if b.Live(i) {
			idx = append(idx, i)
		}
	}
	out, err := TakeRows(b.Rec, idx)
	b.Rec.Release()
	if err != nil {
		return Batch{}, err
	}
	return Batch{File: b.File, Rec: out}, nil
}
