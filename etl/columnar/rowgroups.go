package columnar

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
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
// The record is released after fn returns.
//
// A string column whose every page is dictionary-encoded with a small
// dictionary (at most smallDict bytes compressed, in every row group of
// its file; 0: none) arrives as a dictionary array: a pass that counts
// values then neither copies each row's string nor looks it up.
func EachBatchOfGroups(ctx context.Context, s storage.Store, groups []RowGroup, smallDict int64, fn func(arrow.Record) error) error {
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
				if pf, err = openSmallDicts(gctx, s, rg.File.Key, smallDict); err != nil {
					return err
				}
			}
			if err := pf.eachGroup(gctx, rg.Index, ahead); err != nil {
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

// eachGroup sends the batches of row group g to out, each retained.
func (p *ParquetFile) eachGroup(ctx context.Context, g int, out chan<- arrow.Record) error {
	rr, err := p.fr.GetRecordReader(ctx, nil, []int{g})
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

// dictionaryPage is the Parquet format's PageType DICTIONARY_PAGE (arrow
// keeps the enum in an internal package).
const dictionaryPage = 2

// openSmallDicts opens a file reading its small-dictionary string columns
// as dictionaries (see EachBatchOfGroups).
func openSmallDicts(ctx context.Context, s storage.Store, key string, smallDict int64) (*ParquetFile, error) {
	pf, err := OpenParquet(ctx, s, key)
	if err != nil || smallDict <= 0 {
		return pf, err
	}
	props := pqarrow.ArrowReadProperties{Parallel: false, BatchSize: BatchRows}
	sc := pf.pf.MetaData().Schema
	dicts := false
	for i := 0; i < sc.NumColumns(); i++ {
		c := sc.Column(i)
		if c.PhysicalType() == parquet.Types.ByteArray && c.MaxRepetitionLevel() == 0 && smallDictPages(pf, i, smallDict) {
			props.SetReadDict(i, true)
			dicts = true
		}
	}
	if !dicts {
		return pf, nil
	}
	fr, err := pqarrow.NewFileReader(pf.pf, props, memory.DefaultAllocator)
	if err != nil {
		pf.Close()
		return nil, fmt.Errorf("read parquet %s: %w", key, err)
	}
	pf.fr = fr
	return pf, nil
}

// smallDictPages reports whether every data page of column i, in every
// row group, is dictionary-encoded, with a dictionary page of at most
// limit bytes. (Arrow reads a column that fell back to plain pages as
// dictionaries only in chunks that no single batch can hold.)
func smallDictPages(pf *ParquetFile, i int, limit int64) bool {
	for g := 0; g < pf.pf.NumRowGroups(); g++ {
		cc, err := pf.pf.MetaData().RowGroup(g).ColumnChunk(i)
		if err != nil || !cc.HasDictionaryPage() || cc.DataPageOffset()-cc.DictionaryPageOffset() > limit {
			return false
		}
		stats := cc.EncodingStats()
		if len(stats) == 0 {
			return false
		}
		for _, st := range stats {
			if st.PageType == dictionaryPage {
				continue
			}
			if st.Encoding != parquet.Encodings.RLEDict && st.Encoding != parquet.Encodings.PlainDict {
				return false
			}
		}
	}
	return true
}
