package columnar

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/leadsmith/leadsmith/etl/storage"
	"golang.org/x/sync/errgroup"
)

// RowGroup is one row group of a staged file: the unit a pass splits a
// dataset into when its files are too few, or too unequal, to keep every
// core busy.
type RowGroup struct {
	File  FileInfo
	Index int
	Rows  int64
}

// RowGroupsOf lists the row groups of files, in file order, from their
// footers. A file with dead rows (the entity store) is refused: its row
// numbers belong to the whole file.
func RowGroupsOf(ctx context.Context, s storage.Store, files []FileInfo) ([]RowGroup, error) {
	var out []RowGroup
	for _, f := range files {
		if f.Dead != "" {
			return nil, fmt.Errorf("%s: has dead rows, read it whole", f.Key)
		}
		pf, err := OpenParquet(ctx, s, f.Key)
		if err != nil {
			return nil, err
		}
		md := pf.pf.MetaData()
		for g := 0; g < pf.pf.NumRowGroups(); g++ {
			out = append(out, RowGroup{File: f, Index: g, Rows: md.RowGroup(g).NumRows()})
		}
		pf.Close()
	}
	return out, nil
}

// EachBatchOfGroups calls fn for every record batch of the row groups, in
// order; the next batch is decoded on another goroutine while fn works.
// With keep given, only the top-level columns it keeps are read (the
// others are never decoded). The record is released after fn returns.
func EachBatchOfGroups(ctx context.Context, s storage.Store, groups []RowGroup, keep func(column string) bool, fn func(arrow.Record) error) error {
	g, gctx := errgroup.WithContext(ctx)
	ahead := make(chan arrow.Record, 1)
	g.Go(func() error {
		defer close(ahead)
		var pf *ParquetFile
		defer func() {
			if pf != nil {
				pf.Close()
			}
		}()
		for _, rg := range groups {
			if pf == nil || pf.key != rg.File.Key {
				if pf != nil {
					pf.Close()
				}
				var err error
				if pf, err = OpenParquet(gctx, s, rg.File.Key); err != nil {
					return err
				}
			}
			if err := pf.eachGroup(gctx, rg.Index, keep, ahead); err != nil {
				return err
			}
		}
		return nil
	})
	g.Go(func() error {
		for rec := range ahead {
			err := fn(rec)
			rec.Release()
			if err != nil {
				return err // cancels the reader
			}
		}
		return nil
	})
	return g.Wait()
}

// eachGroup sends the batches of row group g (the columns keep keeps;
// nil: all) to out, each retained.
func (p *ParquetFile) eachGroup(ctx context.Context, g int, keep func(string) bool, out chan<- arrow.Record) error {
	var leaves []int
	if keep != nil {
		for _, f := range p.fr.Manifest.Fields {
			if keep(f.Field.Name) {
				leaves = appendLeaves(leaves, f)
			}
		}
		if len(leaves) == 0 {
			return nil
		}
	}
	rr, err := p.fr.GetRecordReader(ctx, leaves, []int{g})
	if err != nil {
		return fmt.Errorf("read %s: %w", p.key, err)
	}
	defer rr.Release()
	for rr.Next() {
		rec := rr.Record()
		rec.Retain()
		select {
		case out <- rec:
		case <-ctx.Done():
			rec.Release()
			return ctx.Err()
		}
	}
	if err := rr.Err(); err != nil && err != io.EOF {
		return fmt.Errorf("read %s: %w", p.key, err)
	}
	return nil
}

// appendLeaves appends the Parquet leaf columns of a field (a list has its
// items' leaf) to leaves. (A list's own ColIndex is 0, not -1, so
// SchemaField.IsLeaf cannot tell it from column 0.)
func appendLeaves(leaves []int, f pqarrow.SchemaField) []int {
	if len(f.Children) == 0 {
		return append(leaves, f.ColIndex)
	}
	for _, c := range f.Children {
		leaves = appendLeaves(leaves, c)
	}
	return leaves
}
