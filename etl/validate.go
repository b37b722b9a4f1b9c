package etl

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/readers"
	"github.com/leadsmith/leadsmith/etl/storage"
)

// headerSampleObjects is how many objects per source validation opens to
// check the column mapping: enough to catch a renamed export, cheap on a
// prefix of thousands of objects. Extract checks every object again.
const headerSampleObjects = 5

// ValidateData checks what needs the data: that every location is
// reachable, that every source has objects, and that the headers the
// columns mapping names exist in them. It returns every problem, each
// naming its field path.
func ValidateData(ctx context.Context, c *Config) []error {
	var errs []error
	for _, loc := range []struct{ field, uri string }{{"work", c.Work}, {"output", c.Output}, {"state", c.State}} {
		if strings.HasPrefix(loc.uri, "s3://") {
			if _, err := storage.Open(ctx, loc.uri, c.S3); err != nil {
				errs = append(errs, fmt.Errorf("%s: %v", loc.field, err))
			}
		}
	}
	check := func(field string, src *SourceConfig) {
		store, objs, err := sourceObjects(ctx, c, src)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s.uri: %v", field, err))
			return
		}
		if len(objs) == 0 {
			glob := ""
			if src.Glob != "" {
				glob = fmt.Sprintf(" matching glob %q", src.Glob)
			}
			errs = append(errs, fmt.Errorf("%s.uri: no objects%s under %s", field, glob, src.URI))
			return
		}
		reported := map[string]bool{}
		for _, o := range objs[:min(len(objs), headerSampleObjects)] {
			se := &storeErrs{Store: store}
			header, err := objectHeader(ctx, se, o, src)
			if err != nil {
				if se.err == nil && c.Extract.OnBadObject != "fail" {
					continue // a bad object: extract records it and goes on
				}
				errs = append(errs, fmt.Errorf("%s: cannot read header of %s: %v", field, o.Key, err))
				continue
			}
			if header == nil {
				continue // JSON lines: keys may appear on any line
			}
			have := map[string]bool{}
			for _, h := range header {
				have[strings.ToLower(strings.TrimSpace(h))] = true
			}
			keys := make([]string, 0, len(src.Columns))
			for k := range src.Columns {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				h := src.Columns[k]
				if !have[strings.ToLower(strings.TrimSpace(h))] && !reported[k] {
					reported[k] = true
					errs = append(errs, fmt.Errorf("%s.columns.%s: column %q not found in header of %s (%s)", field, k, h, path.Base(o.Key), describeHeader(header)))
				}
			}
		}
	}
	for i := range c.Sources {
		check(fmt.Sprintf("sources[%d]", i), &c.Sources[i])
	}
	if c.Activities != nil {
		check("activities", c.Activities)
	}
	return errs
}

// describeHeader lists a header's names for a message, unless a name looks
// like a value (an email, a phone number, a URL): then the first line is
// probably data, and no message may carry data.
func describeHeader(header []string) string {
	for _, h := range header {
		if looksLikeValue(h) {
			return fmt.Sprintf("its first line of %d fields looks like data, not a header: is the file headerless?", len(header))
		}
	}
	return "header: " + quoteList(header, 12)
}

// looksLikeValue reports whether a header cell reads like a data value:
// it holds an @, a URL scheme, or five digits or more.
func looksLikeValue(s string) bool {
	if strings.ContainsAny(s, "@") || strings.Contains(s, "://") {
		return true
	}
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits >= 5
}

func quoteList(items []string, max int) string {
	var b strings.Builder
	for i, s := range items {
		if i == max {
			fmt.Fprintf(&b, ", … %d more", len(items)-max)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", s)
	}
	return b.String()
}

// objectHeader returns the column names of one object, or nil for JSON
// lines, whose keys can differ from line to line.
func objectHeader(ctx context.Context, store storage.Store, o storage.ObjectInfo, src *SourceConfig) ([]string, error) {
	named := readers.Format(src.Format, o.Key, nil)
	format := named
	if format == "" || format == "parquet" && src.Format != "parquet" {
		format = ""
		if head, err := peekObject(ctx, store, o.Key, 4); err == nil && string(head) == "PAR1" {
			format = "parquet"
		}
	}
	if format == "parquet" {
		sc, _, err := columnar.ReadParquetSchema(ctx, store, o.Key)
		if err != nil {
			return nil, err
		}
		names := make([]string, sc.NumFields())
		for i, f := range sc.Fields() {
			names[i] = f.Name
		}
		return names, nil
	}
	r, err := store.Open(ctx, o.Key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	in, err := readers.Decompress(r)
	if err != nil {
		return nil, err
	}
	text, _, err := readers.DecodeText(in, src.CSV.Encoding)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReader(text)
	head, _ := br.Peek(512)
	format = contentFormat(src.Format, named, bytes.TrimLeft(head, " \t\r\n"))
	if format == "jsonl" {
		return nil, nil
	}
	delim, _ := csvDelimiter(src.CSV.Delimiter)
	header, _, err := readers.SniffHeader(io.Reader(br), readers.CSVOptions{Delimiter: delim})
	return header, err
}

func peekObject(ctx context.Context, store storage.Store, key string, n int) ([]byte, error) {
	r, err := store.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	buf := make([]byte, n)
	m, err := io.ReadFull(r, buf)
	return buf[:m], err
}
