package stages

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/storage"
	"golang.org/x/sync/errgroup"
)

// loadTable reads staged files into a dedupe table: one string slice per
// column, "" for null, record keys "source/record_id". Each batch's string
// bytes are copied once and shared by its values, so a million records cost
// one allocation per column per batch, not one per value. Timestamps become
// RFC 3339 text (which sorts in time order), numbers their shortest text.
//
// Every file's row count is read from its footer first, so each file fills
// its own range of rows of full-length columns (a column a file lacks stays
// null there), one file per core at a time. A row count that differs from
// the one its stage recorded is an error.
func loadTable(ctx context.Context, s storage.Store, files []columnar.FileInfo, keep func(string) bool) (*dedupe.Table, error) {
	pfs := make([]*columnar.ParquetFile, len(files))
	defer func() {
		for _, pf := range pfs {
			if pf != nil {
				pf.Close()
			}
		}
	}()
	offsets := make([]int, len(files)+1)
	for k, f := range files {
		pf, err := columnar.OpenParquet(ctx, s, f.Key)
		if err != nil {
			return nil, err
		}
		pfs[k] = pf
		n := pf.NumRows()
		if f.Rows > 0 && f.Rows != n {
			return nil, fmt.Errorf("%s: %d rows, its stage recorded %d", f.Key, n, f.Rows)
		}
		offsets[k+1] = offsets[k] + int(n)
	}
	total := offsets[len(files)]
	t := &dedupe.Table{IDs: make([]string, total), Cols: map[string][]string{}}
	var mu sync.Mutex
	column := func(name string) []string {
		mu.Lock()
		defer mu.Unlock()
		col := t.Cols[name]
		if col == nil {
			col = make([]string, total)
			t.Cols[name] = col
		}
		return col
	}
	if total == 0 {
		// No rows: the columns still exist, so that later stages see them.
		for _, pf := range pfs {
			if sc, err := pf.Schema(); err == nil {
				for _, f := range sc.Fields() {
					if keep(f.Name) && (f.Type.ID() != arrow.LIST || f.Type.(*arrow.ListType).Elem().ID() == arrow.STRING) {
						column(f.Name)
					}
				}
			}
		}
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for k := range files {
		g.Go(func() error {
			return loadRows(ctx, pfs[k], files[k].Key, keep, column, t.IDs[offsets[k]:offsets[k+1]], offsets[k])
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return t, nil
}

// loadRows reads one file into rows at..at+len(ids)-1 of the table's
// columns.
func loadRows(ctx context.Context, pf *columnar.ParquetFile, key string, keep func(string) bool, column func(string) []string, ids []string, at int) error {
	row := 0
	err := pf.Each(ctx, func(rec arrow.Record) error {
		n := int(rec.NumRows())
		if row+n > len(ids) {
			return fmt.Errorf("%s: more rows than its footer's %d", key, len(ids))
		}
		src, id := columnar.StringCol(rec, "source"), columnar.StringCol(rec, "record_id")
		if id == nil {
			return fmt.Errorf("%s: no record_id column", key)
		}
		for i := 0; i < n; i++ {
			ids[row+i] = dedupe.RecordKey(columnar.StrAt(src, i), columnar.StrAt(id, i))
		}
		for j, fld := range rec.Schema().Fields() {
			if !keep(fld.Name) {
				continue
			}
			if col := rec.Column(j); columnar.HasText(col) {
				columnar.ColumnStrings(col, column(fld.Name)[at+row:at+row+n])
			}
		}
		row += n
		return nil
	})
	if err == nil && row != len(ids) {
		err = fmt.Errorf("%s: %d rows, its footer says %d", key, row, len(ids))
	}
	return err
}
