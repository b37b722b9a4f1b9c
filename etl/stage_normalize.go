package etl

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/leadsmith/leadsmith/normalize"
)

// Normalize turns the raw canonical columns into the normalized columns of
// the data contract (dataset `normalized`). A value it cannot interpret
// stays in its raw column, its normalized column is null, and dq_issues
// names the problem; extract's row notes are carried into dq_issues too.
type Normalize struct{}

// Name implements Stage.
func (Normalize) Name() string { return "normalize" }

// Needs implements Stage.
func (Normalize) Needs() []string { return []string{"extract"} }

// MemoryBudget keeps normalize well under 1 GiB: it streams batches and
// its caches are bounded.
func (Normalize) MemoryBudget() int64 { return 800 << 20 }

// normalizedStrings are the string columns normalize adds, in order.
var normalizedStrings = []string{
	"first_name_key", "last_name_key",
	"email_norm", "email_domain", "email_type", "email_key", "phone_e164",
	"title_norm", "seniority", "job_function", "industry_norm", "naics_sector",
	"revenue_band", "employee_band", "country_code", "state_code", "region",
	"company_key", "domain",
}

var timestampUTC = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}

// NormalizedSchema is the schema of the `normalized` dataset for the given
// passthrough columns.
func NormalizedSchema(pass []string) *arrow.Schema {
	str := func(n string) arrow.Field {
		return arrow.Field{Name: n, Type: arrow.BinaryTypes.String, Nullable: true}
	}
	var fields []arrow.Field
	for _, c := range CanonicalColumns {
		if c == "created_at" || c == "updated_at" {
			fields = append(fields, arrow.Field{Name: c, Type: timestampUTC, Nullable: true})
			continue
		}
		fields = append(fields, str(c))
	}
	for _, c := range normalizedStrings {
		fields = append(fields, str(c))
	}
	fields = append(fields,
		arrow.Field{Name: "revenue_usd", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		arrow.Field{Name: "employee_count", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		arrow.Field{Name: "dq_issues", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
	)
	for _, c := range pass {
		fields = append(fields, str(c))
	}
	fields = append(fields, str(ColSourceObject),
		arrow.Field{Name: ColSourceLine, Type: arrow.PrimitiveTypes.Int64, Nullable: true})
	return arrow.NewSchema(fields, nil)
}

// passthroughOf lists the columns of raw schemas that are neither
// canonical nor lineage, in first-seen order.
func passthroughOf(schemas []*arrow.Schema) []string {
	skip := map[string]bool{ColSourceObject: true, ColSourceLine: true, ColExtractIssues: true}
	for _, c := range CanonicalColumns {
		skip[c] = true
	}
	var pass []string
	for _, s := range schemas {
		for _, f := range s.Fields() {
			if !skip[f.Name] {
				skip[f.Name] = true
				pass = append(pass, f.Name)
			}
		}
	}
	return pass
}

// Run implements Stage. A reader goroutine deals the raw batches round-robin
// to one worker per CPU; each worker normalizes its batches and writes them
// to its own part file, so Parquet encoding runs in parallel too, and the
// fixed dealing makes a re-run write the same files.
func (Normalize) Run(ctx context.Context, rc *RunContext) (*StageResult, error) {
	ex, err := rc.Committed(ctx, "extract")
	if err != nil {
		return nil, err
	}
	files := ex.Datasets["raw"]
	schemas := make([]*arrow.Schema, len(files))
	var total int64
	for i, f := range files {
		if schemas[i], _, err = ReadParquetSchema(ctx, rc.Work, f.Key); err != nil {
			return nil, err
		}
		total += f.Rows
	}
	schema := NormalizedSchema(passthroughOf(schemas))
	prog := rc.Progress("normalize", total, "rows")
	defer prog.Done()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := runtime.GOMAXPROCS(0)
	// Small queues: every batch in flight is several MB.
	queues := make([]chan arrow.Record, workers)
	for i := range queues {
		queues[i] = make(chan arrow.Record, 1)
	}
	var readErr error
	go func() { // reader
		defer func() {
			for _, q := range queues {
				close(q)
			}
		}()
		seq := 0
		for _, f := range files {
			pf, err := OpenParquet(ctx, rc.Work, f.Key)
			if err != nil {
				readErr = err
				cancel()
				return
			}
			err = pf.Each(ctx, func(rec arrow.Record) error {
				rec.Retain()
				select {
				case queues[seq%workers] <- rec:
					seq++
					return nil
				case <-ctx.Done():
					rec.Release()
					return ctx.Err()
				}
			})
			pf.Close()
			if err != nil {
				readErr = err
				cancel()
				return
			}
		}
	}()
	type result struct {
		file   FileInfo
		issues map[string]int64
		err    error
	}
	results := make([]result, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := &results[w]
			res.issues = map[string]int64{}
			nz := newRowNormalizer(schema, rc)
			defer nz.release()
			key := fmt.Sprintf("%spart-%05d.parquet", rc.DatasetPrefix("normalize", "normalized"), w)
			pw, err := NewParquetWriter(ctx, rc.Work, key, schema, rc.Config.Parquet)
			if err != nil {
				res.err = err
				cancel()
			}
			for rec := range queues[w] {
				if res.err != nil {
					rec.Release()
					continue
				}
				out, issues := nz.normalize(rec)
				rows := rec.NumRows()
				rec.Release()
				res.err = pw.Write(out)
				out.Release()
				prog.Add(rows)
				for k, v := range issues {
					res.issues[k] += v
				}
				if res.err != nil {
					cancel()
				}
			}
			if pw == nil {
				return
			}
			if res.err != nil || ctx.Err() != nil {
				pw.Abort()
				return
			}
			res.file, res.err = pw.Close()
		}()
	}
	wg.Wait()
	if readErr != nil {
		return nil, readErr
	}
	issues := map[string]int64{}
	var out []FileInfo
	var rows int64
	for _, r := range results {
		if r.err != nil {
			return nil, r.err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out = append(out, r.file)
		rows += r.file.Rows
		for k, v := range r.issues {
			issues[k] += v
		}
	}
	if rows != total {
		return nil, fmt.Errorf("normalize wrote %d rows of %d", rows, total)
	}
	codes := make([]string, 0, len(issues))
	for k := range issues {
		codes = append(codes, k)
	}
	sort.Strings(codes)
	for _, k := range codes {
		rc.Log.Info("dq issue", "stage", "normalize", "code", k, "rows", issues[k])
	}
	return &StageResult{
		RowsIn: total, RowsOut: rows,
		Datasets: map[string][]FileInfo{"normalized": out},
		Notes:    map[string]any{"dq_issues": issues},
	}, nil
}

// rowNormalizer is one worker's normalizer and builders.
type rowNormalizer struct {
	schema *arrow.Schema
	n      *normalize.Normalizer
	rb     *array.RecordBuilder
}

func newRowNormalizer(schema *arrow.Schema, rc *RunContext) *rowNormalizer {
	return &rowNormalizer{
		schema: schema,
		n:      normalize.New(normalize.Options{Now: rc.Now}),
		rb:     array.NewRecordBuilder(memory.DefaultAllocator, schema),
	}
}

func (z *rowNormalizer) release() { z.rb.Release() }

// stringCol returns a raw column as a string array, nil when absent.
func stringCol(rec arrow.Record, name string) *array.String {
	idx := rec.Schema().FieldIndices(name)
	if len(idx) == 0 {
		return nil
	}
	s, _ := rec.Column(idx[0]).(*array.String)
	return s
}

func strAt(a *array.String, i int) string {
	if a == nil || a.IsNull(i) {
		return ""
	}
	return a.Value(i)
}

// normalize returns the normalized record for one raw batch and the count
// of each dq code in it.
func (z *rowNormalizer) normalize(rec arrow.Record) (arrow.Record, map[string]int64) {
	n := int(rec.NumRows())
	canon := make([]*array.String, len(CanonicalColumns))
	for i, c := range CanonicalColumns {
		canon[i] = stringCol(rec, c)
	}
	col := func(name string) *array.String { return canon[indexOf(CanonicalColumns, name)] }
	first, last, full := col("first_name"), col("last_name"), col("full_name")
	email, phone, title, company := col("email"), col("phone"), col("title"), col("company")
	website, industry, revenue, employees := col("website"), col("industry"), col("annual_revenue"), col("employees")
	state, country, created, updated := col("state"), col("country"), col("created_at"), col("updated_at")

	nfields := z.schema.NumFields()
	passStart := len(CanonicalColumns) + len(normalizedStrings) + 3
	pass := make([]*array.String, nfields-passStart-2)
	for i := range pass {
		pass[i] = stringCol(rec, z.schema.Field(passStart+i).Name)
	}
	objCol := stringCol(rec, ColSourceObject)
	var lineCol *array.Int64
	if idx := rec.Schema().FieldIndices(ColSourceLine); len(idx) > 0 {
		lineCol, _ = rec.Column(idx[0]).(*array.Int64)
	}
	var exIssues *array.List
	if idx := rec.Schema().FieldIndices(ColExtractIssues); len(idx) > 0 {
		exIssues, _ = rec.Column(idx[0]).(*array.List)
	}

	b := z.rb
	b.Reserve(n)
	strB := func(i int) *array.StringBuilder { return b.Field(i).(*array.StringBuilder) }
	appendStr := func(sb *array.StringBuilder, v string) {
		if v == "" {
			sb.AppendNull()
		} else {
			sb.Append(v)
		}
	}
	appendTime := func(tb *array.TimestampBuilder, v int64, ok bool) {
		if ok {
			tb.Append(arrow.Timestamp(v))
		} else {
			tb.AppendNull()
		}
	}
	counts := map[string]int64{}
	var in normalize.Input
	var out normalize.Output
	for i := 0; i < n; i++ {
		in = normalize.Input{
			FirstName: strAt(first, i), LastName: strAt(last, i), FullName: strAt(full, i),
			Email: strAt(email, i), Phone: strAt(phone, i), Title: strAt(title, i), Company: strAt(company, i),
			Website: strAt(website, i), Industry: strAt(industry, i), Revenue: strAt(revenue, i),
			Employees: strAt(employees, i), State: strAt(state, i), Country: strAt(country, i),
			CreatedAt: strAt(created, i), UpdatedAt: strAt(updated, i),
		}
		z.n.Apply(&in, &out)
		f := 0
		for ci, c := range CanonicalColumns {
			switch c {
			case "first_name":
				appendStr(strB(f), out.FirstName)
			case "last_name":
				appendStr(strB(f), out.LastName)
			case "created_at":
				appendTime(b.Field(f).(*array.TimestampBuilder), out.CreatedAt.UnixMicro(), !out.CreatedAt.IsZero())
			case "updated_at":
				appendTime(b.Field(f).(*array.TimestampBuilder), out.UpdatedAt.UnixMicro(), !out.UpdatedAt.IsZero())
			default:
				appendStr(strB(f), strAt(canon[ci], i))
			}
			f++
		}
		for _, v := range [...]string{
			out.FirstKey, out.LastKey,
			out.EmailNorm, out.EmailDomain, out.EmailType, out.EmailKey, out.PhoneE164,
			out.TitleNorm, out.Seniority, out.JobFunction, out.IndustryNorm, out.NAICSSector,
			out.RevenueBand, out.EmployeeBand, out.CountryCode, out.StateCode, out.Region,
			out.CompanyKey, out.Domain,
		} {
			appendStr(strB(f), v)
			f++
		}
		if out.HasRevenue {
			b.Field(f).(*array.Float64Builder).Append(out.RevenueUSD)
		} else {
			b.Field(f).(*array.Float64Builder).AppendNull()
		}
		f++
		if out.HasEmployees {
			b.Field(f).(*array.Int64Builder).Append(out.EmployeeCount)
		} else {
			b.Field(f).(*array.Int64Builder).AppendNull()
		}
		f++
		lb := b.Field(f).(*array.ListBuilder)
		vb := lb.ValueBuilder().(*array.StringBuilder)
		var ex []string
		if exIssues != nil && exIssues.IsValid(i) {
			start, end := exIssues.ValueOffsets(i)
			vals := exIssues.ListValues().(*array.String)
			for k := start; k < end; k++ {
				ex = append(ex, vals.Value(int(k)))
			}
		}
		if len(ex)+len(out.Issues) == 0 {
			lb.AppendNull()
		} else {
			lb.Append(true)
			for _, s := range ex {
				vb.Append(s)
				counts[s]++
			}
			for _, s := range out.Issues {
				vb.Append(s)
				counts[s]++
			}
		}
		f++
		for _, p := range pass {
			appendStr(strB(f), strAt(p, i))
			f++
		}
		appendStr(strB(f), strAt(objCol, i))
		if lineCol != nil && lineCol.IsValid(i) {
			b.Field(f + 1).(*array.Int64Builder).Append(lineCol.Value(i))
		} else {
			b.Field(f + 1).(*array.Int64Builder).AppendNull()
		}
	}
	return b.NewRecord(), counts
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}
