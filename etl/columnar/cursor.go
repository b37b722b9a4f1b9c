package columnar

import (
	"context"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/leadsmith/leadsmith/etl/storage"
)

// RowCursor hands out the rows of a dataset in order, n at a time, read
// a batch ahead on its own goroutine.
type RowCursor struct {
	recs   chan arrow.Record
	errc   chan error
	cancel context.CancelFunc
	cur    arrow.Record
	off    int64
}

// NewRowCursor reads files (dead rows left out, see EachBatch).
func NewRowCursor(ctx context.Context, s storage.Store, files []FileInfo) *RowCursor {
	ctx, cancel := context.WithCancel(ctx)
	c := &RowCursor{recs: make(chan arrow.Record, 1), errc: make(chan error, 1), cancel: cancel}
	go func() {
		defer close(c.recs)
		c.errc <- EachBatch(ctx, s, files, func(rec arrow.Record) error {
			rec.Retain()
			select {
			case c.recs <- rec:
				return nil
			case <-ctx.Done():
				rec.Release()
				return ctx.Err()
			}
		})
	}()
	return c
}

// Next returns the next n rows as one record, which the caller releases.
func (c *RowCursor) Next(n int64) (arrow.Record, error) {
	var parts []arrow.Record
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	for got := int64(0); got < n; {
		if c.cur == nil || c.off == c.cur.NumRows() {
			if c.cur != nil {
				c.cur.Release()
				c.cur = nil
			}
			rec, ok := <-c.recs
			if !ok {
				if err := <-c.errc; err != nil {
					return nil, err
				}
				return nil, fmt.Errorf("dataset ends %d rows early", n-got)
			}
			c.cur, c.off = rec, 0
		}
		take := min(n-got, c.cur.NumRows()-c.off)
		parts = append(parts, c.cur.NewSlice(c.off, c.off+take))
		c.off += take
		got += take
	}
	if len(parts) == 1 {
		parts[0].Retain()
		return parts[0], nil
	}
	return concatRecords(memory.DefaultAllocator, parts)
}

// Close stops the reader and releases what it holds.
func (c *RowCursor) Close() {
	c.cancel()
	if c.cur != nil {
		c.cur.Release()
	}
	for rec := range c.recs {
		rec.Release()
	}
}

// concatRecords concatenates records of one schema into a new one.
func concatRecords(mem memory.Allocator, recs []arrow.Record) (arrow.Record, error) {
	schema := recs[0].Schema()
	cols := make([]arrow.Array, schema.NumFields())
	var rows int64
	for _, r := range recs {
		rows += r.NumRows()
	}
	for j := range cols {
		parts := make([]arrow.Array, len(recs))
		for k, r := range recs {
			parts[k] = r.Column(j)
		}
		a, err := array.Concatenate(parts, mem)
		if err != nil {
			for _, c := range cols[:j] {
				c.Release()
			}
			return nil, err
		}
		cols[j] = a
	}
	rec := array.NewRecord(schema, cols, rows)
	for _, c := range cols {
		c.Release()
	}
	return rec, nil
}
