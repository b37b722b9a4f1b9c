package extract

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/readers"
	"github.com/leadsmith/leadsmith/etl/storage"
	"golang.org/x/text/encoding/charmap"
)

func (sr *sourceRun) extractCSV(ctx context.Context, o storage.ObjectInfo, text io.Reader, sink *objectSink) error {
	delim, _ := etl.CSVDelimiter(sr.src.CSV.Delimiter)
	cr, err := readers.NewCSVReader(text, readers.CSVOptions{Delimiter: delim, MaxFieldBytes: sr.rc.Config.Extract.MaxFieldBytes})
	if err != nil {
		bad := classifyReadError(err)
		if bad.code == "unreadable_object" {
			bad.code = "unreadable_header"
		}
		return bad
	}
	if len(cr.Header()) == 0 {
		sr.rc.Log.Warn("object is empty", "source", sr.src.Name, "object", o.Key)
		return nil
	}
	b := newRowBuilder(newRowLayout(cr.Header(), sr.src.Columns, sr.canon))
	defer b.release()
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// The rows before the break are staged.
			if serr := sink.send(b.flush()); serr != nil {
				return serr
			}
			return err
		}
		if row.Reject != "" {
			sr.reject(o.Key, row.Line, row.Reject, row.Raw)
			continue
		}
		sr.accept(b, row.Fields, o.Key, row.Line, row.Issues)
		if b.full() {
			if err := sink.send(b.flush()); err != nil {
				return err
			}
		}
	}
	return sink.send(b.flush())
}

type jsonRow struct {
	vals   map[string]string
	line   int64
	issues []string
}

func (sr *sourceRun) extractJSONL(ctx context.Context, o storage.ObjectInfo, text io.Reader, sink *objectSink) error {
	br := bufio.NewReaderSize(text, 1<<20)
	var (
		header  []string
		known   = map[string]int{}
		b       *rowBuilder
		pending []jsonRow
		lineNo  int64
		eof     bool
	)
	defer func() {
		if b != nil {
			b.release()
		}
	}()
	flushPending := func() error {
		var fresh []string
		for _, r := range pending {
			for k := range r.vals {
				if _, ok := known[k]; !ok {
					known[k] = -1
					fresh = append(fresh, k)
				}
			}
		}
		if len(fresh) > 0 || b == nil {
			// New keys change the schema: close the batch so far and
			// continue in a new part file with the wider layout.
			sort.Strings(fresh)
			for _, k := range fresh {
				known[k] = len(header)
				header = append(header, k)
			}
			if b != nil {
				if err := sink.send(b.flush()); err != nil {
					return err
				}
				b.release()
			}
			b = newRowBuilder(newRowLayout(header, sr.src.Columns, sr.canon))
			b.l.missing = nil // a key absent from JSON is a null value, not a missing column
		}
		fields := make([]string, len(header))
		for _, r := range pending {
			clear(fields)
			for k, v := range r.vals {
				fields[known[k]] = v
			}
			sr.accept(b, fields, o.Key, r.line, r.issues)
		}
		pending = pending[:0]
		if b.full() {
			return sink.send(b.flush())
		}
		return nil
	}
	for !eof {
		line, tooLong, err := readers.ReadLine(br, readers.MaxJSONLine)
		if err == io.EOF {
			eof = true
			if len(line) == 0 && !tooLong {
				break
			}
		} else if err != nil {
			// The rows before the break are staged.
			if len(pending) > 0 {
				if ferr := flushPending(); ferr != nil {
					return ferr
				}
			}
			if b != nil {
				if serr := sink.send(b.flush()); serr != nil {
					return serr
				}
			}
			return err
		}
		lineNo++
		if tooLong {
			sr.reject(o.Key, lineNo, fmt.Sprintf("row_too_large: line exceeds %d bytes", readers.MaxJSONLine), string(line))
			continue
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var issues []string
		if !utf8.Valid(line) {
			if fixed, err := charmap.Windows1252.NewDecoder().Bytes(line); err == nil {
				line, issues = fixed, append(issues, "encoding_repaired")
			}
		}
		vals, reason := readers.ParseJSONObject(line, sr.rc.Config.Extract.MaxFieldBytes)
		if reason != "" {
			sr.reject(o.Key, lineNo, reason, string(line))
			continue
		}
		pending = append(pending, jsonRow{vals: vals, line: lineNo, issues: issues})
		// Parsed maps are bulky: hand them to the builder in small groups.
		if len(pending) >= 4096 {
			if err := flushPending(); err != nil {
				return err
			}
		}
	}
	if len(pending) > 0 {
		if err := flushPending(); err != nil {
			return err
		}
	}
	if b != nil {
		return sink.send(b.flush())
	}
	return nil
}

func (sr *sourceRun) extractParquet(ctx context.Context, store storage.Store, o storage.ObjectInfo, sink *objectSink) error {
	pf, err := columnar.OpenParquet(ctx, store, o.Key)
	if err != nil {
		return &badObjectError{code: "unreadable_parquet", err: err}
	}
	defer pf.Close()
	defer sr.prog.Add(o.Size)
	schema, err := pf.Schema()
	if err != nil {
		return err
	}
	header := make([]string, schema.NumFields())
	for i, f := range schema.Fields() {
		header[i] = f.Name
	}
	b := newRowBuilder(newRowLayout(header, sr.src.Columns, sr.canon))
	defer b.release()
	fields := make([]string, len(header))
	maxField := sr.rc.Config.Extract.MaxFieldBytes
	var rowNo int64
	return pf.Each(ctx, func(rec arrow.Record) error {
		cols := rec.Columns()
		for i := 0; i < int(rec.NumRows()); i++ {
			rowNo++
			tooLarge := -1
			for j, col := range cols {
				fields[j] = arrowValueString(col, i)
				if len(fields[j]) > maxField {
					tooLarge = j
				}
			}
			if tooLarge >= 0 {
				sr.reject(o.Key, rowNo, fmt.Sprintf("field_too_large: column %q is %d bytes, limit %d", header[tooLarge], len(fields[tooLarge]), maxField), joinFields(fields))
				continue
			}
			sr.accept(b, fields, o.Key, rowNo, nil)
			if b.full() {
				if err := sink.send(b.flush()); err != nil {
					return err
				}
			}
		}
		return sink.send(b.flush())
	})
}

// arrowValueString renders one value as text; null is "".
func arrowValueString(col arrow.Array, i int) string {
	if col.IsNull(i) {
		return ""
	}
	switch a := col.(type) {
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'f', -1, 64)
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i))
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return a.Value(i).ToTime(unit).UTC().Format(time.RFC3339Nano)
	case *array.Date32:
		return a.Value(i).FormattedString()
	case *array.Dictionary:
		return arrowValueString(a.Dictionary(), a.GetValueIndex(i))
	}
	return col.ValueStr(i)
}
