package columnar

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/leadsmith/leadsmith/etl/storage"
	"github.com/leadsmith/leadsmith/internal/version"
)

// RowGroupRows is the number of rows in one Parquet row group: DuckDB's own
// default, large enough for good compression and scans. Wide schemas get
// fewer, see RowGroupRowsFor.
const RowGroupRows = 122880

// RowGroupCells bounds the cells (rows times columns) of one row group.
// Up to 68 columns a row group has RowGroupRows rows; a wider schema has
// fewer rows, so that what a row group holds in memory grows with its
// cells, not with its columns times a fixed row count.
const RowGroupCells = 1 << 23

// minRowGroupRows keeps row groups of very wide schemas from shrinking to
// a handful of rows, whose footer would outweigh the data.
const minRowGroupRows = 64

// RowGroupRowsFor is the number of rows in one row group of a schema of
// cols top-level columns: RowGroupRows, or fewer when that many rows
// would make more than RowGroupCells cells (at least minRowGroupRows).
func RowGroupRowsFor(cols int) int64 {
	return int64(max(minRowGroupRows, min(RowGroupRows, RowGroupCells/max(cols, 1))))
}

// wideColumns is the number of top-level columns past which a schema is
// written a row group at a time (see ParquetWriter). Below it, a buffered
// row group (of RowGroupRowsFor rows) costs less memory than gathering one
// and is faster: contacts, 77 columns, encodes in 0.9 of the time.
const wideColumns = 128

// isWide reports whether a schema of cols top-level columns is written a
// row group at a time (see ParquetWriter).
func isWide(cols int) bool { return cols > wideColumns }

// dictionaryPageLimit is the size a column chunk's dictionary may reach
// before the writer falls back to plain pages (see NewParquetWriterMem).
const dictionaryPageLimit = 256 << 20

// BatchRows is the number of rows in one Arrow record batch that stages
// pass around. Writers buffer batches into full row groups, so batches can
// stay small: memory in flight is a few batches per worker.
const BatchRows = 32768

// ParquetOptions is the `parquet:` section of the config.
type ParquetOptions struct {
	// Compression codec: zstd (default), snappy, gzip or none.
	Compression string `yaml:"compression"`
	// Level of the codec; 0 means leadsmith's default (zstd level 1:
	// DuckDB's default too, and several times faster than level 3 for a
	// few percent of size).
	Level int `yaml:"level"`
}

// Codec is the compression the options name, or an error naming the field.
func (o ParquetOptions) Codec() (compress.Compression, error) {
	switch o.Compression {
	case "", "zstd":
		return compress.Codecs.Zstd, nil
	case "snappy":
		return compress.Codecs.Snappy, nil
	case "gzip":
		return compress.Codecs.Gzip, nil
	case "none", "uncompressed":
		return compress.Codecs.Uncompressed, nil
	}
	return 0, fmt.Errorf("parquet.compression: must be zstd, snappy, gzip or none, got %q", o.Compression)
}

// FileInfo is one written file, as the manifest lists it.
type FileInfo struct {
	Key   string `json:"key"`
	Rows  int64  `json:"rows"` // live rows: the file's rows less its dead ones
	Bytes int64  `json:"bytes"`
	// Dead is the key of the file's deletion vector (see deadrows.go), in
	// the same store; DeadRows counts its rows. Only the entity store's
	// files have one.
	Dead     string `json:"dead,omitempty"`
	DeadRows int64  `json:"dead_rows,omitempty"`
}

// ParquetWriter writes Arrow records to one Parquet object of a Store.
// Nothing is visible until Close succeeds.
//
// A schema of up to wideColumns columns is written through buffered row
// groups:
// every record is encoded into all its column chunks as it comes, its
// string values copied to the arena (see statArena). The column writers
// of a buffered row group cost kilobytes each, and closing the row group keeps every chunk's last
// page twice over until the last column is done, so a wider schema (see
// isWide) is written a row group at a time instead: its rows are
// gathered as they come and, once they make a row group, written column
// after column, only one column writer alive at a time. Memory then grows
// with the cells of a row group, not with the columns.
type ParquetWriter struct {
	key    string
	obj    storage.ObjectWriter
	cw     *countingWriter
	fw     *pqarrow.FileWriter
	schema *arrow.Schema
	rows   int64
	// groupRows is the number of rows of a row group.
	groupRows int64
	// arena keeps the open row group's string bytes, which the writer's
	// statistics alias (see statArena).
	arena statArena

	// Wide schemas only: group gathers the rows not written yet
	// (groupN of them), column by column; lastCol is the last column of
	// the row group written last: its chunk stays open, and its
	// statistics aliased, until the next row group starts or the file
	// closes (the chunks before it were closed, their statistics copied,
	// as the next column started).
	wide    bool
	mem     memory.Allocator
	group   []groupColumn
	groupN  int64
	lastCol arrow.Array
	err     error // a row group failed to write: the file is broken
}

// Schema is the schema the file is written with.
func (w *ParquetWriter) Schema() *arrow.Schema { return w.schema }

type countingWriter struct {
	w   io.Writer
	n   int64
	err error // the first write error
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	if err != nil && c.err == nil {
		c.err = err
	}
	return n, err
}

// newFileWriter is pqarrow.NewFileWriter, whose file writer panics when
// writing the magic number fails (an upload cancelled by a signal, a
// store that is gone): that becomes the write's error.
func newFileWriter(schema *arrow.Schema, cw *countingWriter, props *parquet.WriterProperties) (fw *pqarrow.FileWriter, err error) {
	defer func() {
		if r := recover(); r != nil {
			if cw.err == nil {
				panic(r)
			}
			fw, err = nil, fmt.Errorf("start the Parquet file: %w", cw.err)
		}
	}()
	return pqarrow.NewFileWriter(schema, cw, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
}

// NewParquetWriter starts a Parquet object at key.
func NewParquetWriter(ctx context.Context, s storage.Store, key string, schema *arrow.Schema, o ParquetOptions) (*ParquetWriter, error) {
	return NewParquetWriterMem(ctx, s, key, schema, o, memory.DefaultAllocator)
}

// NewParquetWriterMem is NewParquetWriter whose encoder buffers come from
// mem (a PoolAllocator in streaming stages).
func NewParquetWriterMem(ctx context.Context, s storage.Store, key string, schema *arrow.Schema, o ParquetOptions, mem memory.Allocator) (*ParquetWriter, error) {
	registerCodecs()
	codec, err := o.Codec()
	if err != nil {
		return nil, err
	}
	opts := []parquet.WriterProperty{
		parquet.WithCompression(codec),
		parquet.WithDictionaryDefault(false),
		// A dictionary column falls back to plain pages once its
		// dictionary outgrows this, and arrow then lists the column's two
		// page encodings in the footer in Go map order: the same data
		// would give different bytes from run to run. A limit above any
		// chunk's distinct values keeps the fallback (and the randomness)
		// away; the dictionary costs no more than the chunk's values.
		parquet.WithDictionaryPageSizeLimit(dictionaryPageLimit),
		parquet.WithMaxRowGroupLength(RowGroupRowsFor(schema.NumFields())),
		parquet.WithDataPageSize(1 << 20),
		parquet.WithStats(true),
		parquet.WithCreatedBy("leadsmith " + version.Version),
		parquet.WithAllocator(mem),
	}
	level := o.Level
	if level == 0 && codec == compress.Codecs.Zstd {
		level = 1
	}
	if level != 0 {
		opts = append(opts, parquet.WithCompressionLevel(level))
	}
	for _, f := range schema.Fields() {
		if IsLowCardinality(f.Name) {
			opts = append(opts, parquet.WithDictionaryPath(parquet.ColumnPathFromString(dictPath(f)), true))
		}
	}
	obj, err := s.Create(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", key, err)
	}
	cw := &countingWriter{w: obj}
	fw, err := newFileWriter(schema, cw, parquet.NewWriterProperties(opts...))
	if err != nil {
		_ = obj.Abort()
		return nil, fmt.Errorf("parquet writer %s: %w", key, err)
	}
	w := &ParquetWriter{key: key, obj: obj, cw: cw, fw: fw, schema: schema,
		groupRows: RowGroupRowsFor(schema.NumFields()), wide: isWide(schema.NumFields()), mem: mem}
	if w.wide {
		w.group = make([]groupColumn, schema.NumFields())
		for i, f := range schema.Fields() {
			w.group[i].str = f.Type.ID() == arrow.STRING
		}
	}
	return w, nil
}

// dictPath is the Parquet column path of a top-level field: lists store
// their values under "<name>.list.element".
func dictPath(f arrow.Field) string {
	if f.Type.ID() == arrow.LIST {
		return f.Name + ".list.element"
	}
	return f.Name
}

// Write appends a record; rows are buffered (encoded and compressed) into
// row groups of RowGroupRowsFor rows, or for a wide schema kept until they
// make one.
func (w *ParquetWriter) Write(rec arrow.Record) error {
	if rec.NumRows() == 0 {
		return nil
	}
	if w.wide {
		return w.writeWide(rec)
	}
	detached := w.arena.detach(rec, w.rows+rec.NumRows())
	defer detached.Release()
	if err := w.fw.WriteBuffered(detached); err != nil {
		return fmt.Errorf("write %s: %w", w.key, err)
	}
	w.rows += rec.NumRows()
	// A row group before the one holding the last row written is closed.
	w.arena.closed((w.rows - 1) / w.groupRows * w.groupRows)
	return nil
}

// Rows is the number of rows written so far.
func (w *ParquetWriter) Rows() int64 { return w.rows }

// Close finishes the file and commits the object.
func (w *ParquetWriter) Close() (FileInfo, error) {
	err := w.err
	if err == nil && w.groupN > 0 {
		err = w.writeGroup()
	}
	if err == nil {
		err = w.fw.Close()
	}
	w.release()
	if err != nil {
		_ = w.obj.Abort()
		return FileInfo{}, fmt.Errorf("close %s: %w", w.key, err)
	}
	if err := w.obj.Close(); err != nil {
		return FileInfo{}, fmt.Errorf("commit %s: %w", w.key, err)
	}
	return FileInfo{Key: w.key, Rows: w.rows, Bytes: w.cw.n}, nil
}

// Abort discards the file.
func (w *ParquetWriter) Abort() {
	w.release()
	_ = w.obj.Abort()
}

// readerAtSeeker adapts a ReaderAtCloser to the ReaderAtSeeker that the
// Parquet reader wants.
type readerAtSeeker struct {
	storage.ReaderAtCloser
	off int64
}

func (r *readerAtSeeker) Read(p []byte) (int, error) {
	n, err := r.ReadAt(p, r.off)
	r.off += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

func (r *readerAtSeeker) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += r.off
	case io.SeekEnd:
		offset += r.Size()
	default:
		return 0, fmt.Errorf("seek: bad whence %d", whence)
	}
	if offset < 0 {
		return 0, fmt.Errorf("seek: negative offset")
	}
	r.off = offset
	return offset, nil
}

// ParquetFile is an open Parquet object.
type ParquetFile struct {
	key string
	pf  *file.Reader
	fr  *pqarrow.FileReader
}

// OpenParquet opens a Parquet object for reading in batches.
func OpenParquet(ctx context.Context, s storage.Store, key string) (*ParquetFile, error) {
	return OpenParquetMem(ctx, s, key, memory.DefaultAllocator)
}

// OpenParquetMem is OpenParquet whose record batches come from mem (a
// PoolAllocator in streaming stages). The page reader keeps Go's allocator:
// arrow's page decoder still reads a dictionary page from a buffer it has
// since resized, which only an allocator that never frees tolerates (with
// the pool the read fails with "dict spaced eof").
func OpenParquetMem(ctx context.Context, s storage.Store, key string, mem memory.Allocator) (*ParquetFile, error) {
	registerCodecs()
	ra, err := s.OpenReaderAt(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", key, err)
	}
	pf, err := file.NewParquetReader(&readerAtSeeker{ReaderAtCloser: ra})
	if err != nil {
		ra.Close()
		return nil, fmt.Errorf("read parquet %s: %w", key, err)
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{Parallel: false, BatchSize: BatchRows}, mem)
	if err != nil {
		pf.Close() // closes ra too
		return nil, fmt.Errorf("read parquet %s: %w", key, err)
	}
	return &ParquetFile{key: key, pf: pf, fr: fr}, nil
}

// Schema is the file's Arrow schema.
func (p *ParquetFile) Schema() (*arrow.Schema, error) { return p.fr.Schema() }

// NumRows is the file's row count from its footer.
func (p *ParquetFile) NumRows() int64 { return p.pf.NumRows() }

// Each calls fn for every record batch of the file, in order. The record is
// released after fn returns; fn must Retain it to keep it.
func (p *ParquetFile) Each(ctx context.Context, fn func(arrow.Record) error) error {
	return p.each(ctx, nil, fn)
}

// EachColumns is Each reading only the named top-level primitive columns
// (a projection: the other column chunks are never fetched or decoded).
// A name the file lacks is skipped; the record holds the rest.
func (p *ParquetFile) EachColumns(ctx context.Context, names []string, fn func(arrow.Record) error) error {
	var leaves []int
	sc := p.pf.MetaData().Schema
	for _, n := range names {
		if i := sc.ColumnIndexByName(n); i >= 0 {
			leaves = append(leaves, i)
		}
	}
	if len(leaves) == 0 {
		return nil
	}
	return p.each(ctx, leaves, fn)
}

// each reads the given leaf columns (nil: all).
func (p *ParquetFile) each(ctx context.Context, leaves []int, fn func(arrow.Record) error) error {
	rr, err := p.fr.GetRecordReader(ctx, leaves, nil)
	if err != nil {
		return fmt.Errorf("read %s: %w", p.key, err)
	}
	defer rr.Release()
	for rr.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(rr.Record()); err != nil {
			return err
		}
	}
	if err := rr.Err(); err != nil && err != io.EOF {
		return fmt.Errorf("read %s: %w", p.key, err)
	}
	return nil
}

// Close releases the file and the object it reads.
func (p *ParquetFile) Close() error { return p.pf.Close() }

// ReadParquetSchema returns an object's Arrow schema from its footer.
func ReadParquetSchema(ctx context.Context, s storage.Store, key string) (*arrow.Schema, int64, error) {
	pf, err := OpenParquet(ctx, s, key)
	if err != nil {
		return nil, 0, err
	}
	defer pf.Close()
	sc, err := pf.Schema()
	return sc, pf.NumRows(), err
}
