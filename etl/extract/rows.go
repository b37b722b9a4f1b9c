package extract

import (
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/readers"
)

// rowLayout maps one object's fields (CSV headers, JSON keys, Parquet
// columns) to the columns of the dataset it is staged into.
type rowLayout struct {
	schema   *arrow.Schema
	canon    []string // the dataset's canonical columns
	fromIdx  []int    // per output string column (canonical + passthrough): input field index, -1 if none
	pass     []string // passthrough column names (output)
	missing  []string // canonical columns mapped in the config but absent from this object
	idCol    int      // index of record_id in canon, -1 if the dataset has none
	srcCol   int      // index of source in canon, -1 if none
	idMapped bool     // whether record_id comes from the object
}

// newRowLayout resolves an object's header against the source's mapping:
// an explicit mapping wins (exact header, then case-insensitive); an
// unmapped canonical column takes a header that folds to its name; every
// other header passes through under its own name.
func newRowLayout(header []string, mapping map[string]string, canon []string) *rowLayout {
	l := &rowLayout{canon: canon, idCol: -1, srcCol: -1}
	used := make([]bool, len(header))
	find := func(name string) int {
		for i, h := range header {
			if !used[i] && h == name {
				return i
			}
		}
		for i, h := range header {
			if !used[i] && strings.EqualFold(strings.TrimSpace(h), strings.TrimSpace(name)) {
				return i
			}
		}
		return -1
	}
	l.fromIdx = make([]int, len(canon))
	for i := range l.fromIdx {
		l.fromIdx[i] = -1
	}
	// Explicit mappings first, so auto-matching cannot steal their headers.
	for i, c := range canon {
		if h, ok := mapping[c]; ok {
			if j := find(h); j >= 0 {
				l.fromIdx[i], used[j] = j, true
			} else {
				l.missing = append(l.missing, c)
			}
		}
	}
	for i, c := range canon {
		switch c {
		case "record_id":
			l.idCol = i
		case "source":
			l.srcCol = i
			continue // set by leadsmith, never read from data
		}
		if _, ok := mapping[c]; ok || l.fromIdx[i] >= 0 {
			continue
		}
		for j, h := range header {
			if !used[j] && readers.HeaderKey(h) == c {
				l.fromIdx[i], used[j] = j, true
				break
			}
		}
	}
	if l.idCol >= 0 {
		l.idMapped = l.fromIdx[l.idCol] >= 0
	}
	// Names are compared case-insensitively: SQL engines such as DuckDB
	// treat "EMAIL" and "email" as the same column.
	taken := map[string]bool{columnar.ColSourceObject: true, columnar.ColSourceLine: true, columnar.ColExtractIssues: true}
	for _, c := range canon {
		taken[c] = true
	}
	for j, h := range header {
		if used[j] {
			continue
		}
		name := strings.TrimSpace(h)
		for taken[strings.ToLower(name)] {
			name += "_original"
		}
		taken[strings.ToLower(name)] = true
		l.pass = append(l.pass, name)
		l.fromIdx = append(l.fromIdx, j)
	}
	l.schema = datasetSchema(canon, l.pass)
	return l
}

// datasetSchema is canonical + passthrough string columns + lineage.
func datasetSchema(canon, pass []string) *arrow.Schema {
	fields := make([]arrow.Field, 0, len(canon)+len(pass)+3)
	for _, c := range canon {
		fields = append(fields, arrow.Field{Name: c, Type: arrow.BinaryTypes.String, Nullable: true})
	}
	for _, c := range pass {
		fields = append(fields, arrow.Field{Name: c, Type: arrow.BinaryTypes.String, Nullable: true})
	}
	return arrow.NewSchema(append(fields,
		arrow.Field{Name: columnar.ColSourceObject, Type: arrow.BinaryTypes.String, Nullable: true},
		arrow.Field{Name: columnar.ColSourceLine, Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		arrow.Field{Name: columnar.ColExtractIssues, Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
	), nil)
}

// rowBuilder accumulates rows of one layout into an Arrow record.
type rowBuilder struct {
	l      *rowLayout
	rb     *array.RecordBuilder
	strs   []*array.StringBuilder
	obj    *array.StringBuilder
	line   *array.Int64Builder
	issues *array.ListBuilder
	ival   *array.StringBuilder
	n      int
	batch  int // rows per record: fewer for wide layouts, see batchRows
}

// batchCells bounds the cells of one record batch. Builders reserve a
// batch's offsets and validity up front for every column, so a fixed
// BatchRows would cost memory per column: 10,000 columns took gigabytes
// for a file of 78 MB.
const batchCells = 1 << 20

// batchRows is the record size for a layout of cols columns: BatchRows,
// or fewer so that a batch holds at most batchCells cells (at least 16 rows).
func batchRows(cols int) int {
	return max(16, min(columnar.BatchRows, batchCells/max(cols, 1)))
}

func newRowBuilder(l *rowLayout) *rowBuilder {
	rb := array.NewRecordBuilder(memory.DefaultAllocator, l.schema)
	b := &rowBuilder{l: l, rb: rb, batch: batchRows(l.schema.NumFields())}
	rb.Reserve(b.batch)
	nstr := len(l.fromIdx)
	for i := 0; i < nstr; i++ {
		b.strs = append(b.strs, rb.Field(i).(*array.StringBuilder))
	}
	b.obj = rb.Field(nstr).(*array.StringBuilder)
	b.line = rb.Field(nstr + 1).(*array.Int64Builder)
	b.issues = rb.Field(nstr + 2).(*array.ListBuilder)
	b.ival = b.issues.ValueBuilder().(*array.StringBuilder)
	return b
}

// append adds one row. fields are the object's values by input index;
// empty values become null (unknown is null, never "").
func (b *rowBuilder) append(fields []string, recordID, source, object string, line int64, issues []string) {
	for i, sb := range b.strs {
		switch {
		case i == b.l.idCol:
			if recordID == "" {
				sb.AppendNull()
			} else {
				sb.Append(recordID)
			}
			continue
		case i == b.l.srcCol:
			sb.Append(source)
			continue
		}
		j := b.l.fromIdx[i]
		if j < 0 || j >= len(fields) || fields[j] == "" {
			sb.AppendNull()
			continue
		}
		sb.Append(fields[j])
	}
	b.obj.Append(object)
	b.line.Append(line)
	if len(issues) == 0 {
		b.issues.AppendNull()
	} else {
		b.issues.Append(true)
		for _, is := range issues {
			b.ival.Append(is)
		}
	}
	b.n++
}

// recordID returns the row's id from the data, or "" when absent.
func (b *rowBuilder) recordID(fields []string) string {
	if !b.l.idMapped {
		return ""
	}
	j := b.l.fromIdx[b.l.idCol]
	if j < len(fields) {
		return strings.TrimSpace(fields[j])
	}
	return ""
}

// flush returns the rows so far as a record (nil when empty) and resets.
func (b *rowBuilder) flush() arrow.Record {
	if b.n == 0 {
		return nil
	}
	b.n = 0
	rec := b.rb.NewRecord()
	b.rb.Reserve(b.batch)
	return rec
}

// full reports whether the rows so far make a batch.
func (b *rowBuilder) full() bool { return b.n >= b.batch }

func (b *rowBuilder) release() { b.rb.Release() }
