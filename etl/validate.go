package etl

import (
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
		store, objs, err := SourceObjects(ctx, c, src)
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
			se := &storage.ErrorRecorder{Store: store}
			header, err := objectHeader(ctx, se, o, src)
			if err != nil {
				if se.Err == nil && c.Extract.OnBadObject != "fail" {
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
					errs = append(errs, fmt.Errorf("%s.columns.%s: column %q not found in header of %s (%s)", field, k, h, path.Base(o.Key), describeHeader(header, src)))
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
	for i := range c.Enrich.Accounts {
		check(fmt.Sprintf("enrich.accounts[%d]", i), &c.Enrich.Accounts[i])
	}
	return errs
}

// describeHeader lists a header's names for a message, unless the first
// line may be data, because no message may carry data: when a cell looks
// like a value (an email, a phone number, a URL), or when no cell is a
// header the source maps or holds a word that headers use (a headerless
// file whose first row is a name and a company).
func describeHeader(header []string, src *SourceConfig) string {
	for _, h := range header {
		if looksLikeValue(h) {
			return fmt.Sprintf("its first line of %d fields looks like data, not a header: is the file headerless?", len(header))
		}
	}
	if !looksLikeHeader(header, src) {
		return fmt.Sprintf("its first line of %d fields has no name a header would have: is the file headerless?", len(header))
	}
	return "header: " + quoteList(header, 12)
}

// headerWords are words of which a contact file's header has at least one.
var headerWords = map[string]bool{
	"id": true, "key": true, "name": true, "first": true, "last": true, "full": true, "given": true, "family": true, "surname": true,
	"mail": true, "email": true, "e": true, "phone": true, "mobile": true, "tel": true, "telephone": true, "fax": true,
	"title": true, "job": true, "role": true, "position": true, "company": true, "account": true, "organization": true,
	"organisation": true, "employer": true, "website": true, "web": true, "url": true, "domain": true, "site": true,
	"industry": true, "sector": true, "revenue": true, "annual": true, "employees": true, "size": true, "headcount": true,
	"street": true, "address": true, "city": true, "state": true, "region": true, "province": true, "zip": true,
	"postal": true, "postcode": true, "code": true, "country": true, "created": true, "updated": true, "modified": true,
	"date": true, "time": true, "at": true, "timestamp": true, "source": true, "status": true, "owner": true,
	"type": true, "event": true, "lead": true, "contact": true, "campaign": true, "score": true, "number": true, "no": true,
}

// looksLikeHeader reports whether some cell is a header the source maps,
// folds to a canonical column, or holds a word that headers use.
func looksLikeHeader(header []string, src *SourceConfig) bool {
	mapped := map[string]bool{}
	for _, h := range src.Columns {
		mapped[readers.HeaderKey(h)] = true
	}
	for _, c := range columnar.CanonicalColumns {
		mapped[c] = true
	}
	for _, h := range header {
		k := readers.HeaderKey(h)
		if mapped[k] {
			return true
		}
		for _, w := range strings.Split(k, "_") {
			if headerWords[w] {
				return true
			}
		}
	}
	return false
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
		if head, err := PeekObject(ctx, store, o.Key, 4); err == nil && string(head) == "PAR1" {
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
	br, format, err := readers.OpenText(in, src.CSV.Encoding, src.Format, named)
	if err != nil {
		return nil, err
	}
	if format == "jsonl" {
		return nil, nil
	}
	delim, _ := CSVDelimiter(src.CSV.Delimiter)
	header, _, err := readers.SniffHeader(io.Reader(br), readers.CSVOptions{Delimiter: delim})
	return header, err
}

// PeekObject reads up to the first n bytes of an object.
func PeekObject(ctx context.Context, store storage.Store, key string, n int) ([]byte, error) {
	r, err := store.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	buf := make([]byte, n)
	m, err := io.ReadFull(r, buf)
	return buf[:m], err
}
