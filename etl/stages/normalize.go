package stages

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
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

// passthroughOf lists the columns of raw schemas that are neither
// canonical nor lineage, in first-seen order.
func passthroughOf(schemas []*arrow.Schema) []string {
	skip := map[string]bool{columnar.ColSourceObject: true, columnar.ColSourceLine: true, columnar.ColExtractIssues: true}
	for _, c := range columnar.CanonicalColumns {
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
func (Normalize) Run(ctx context.Context, rc *etl.RunContext) (*etl.StageResult, error) {
	ex, err := rc.Committed(ctx, "extract")
	if err != nil {
		return nil, err
	}
	files := ex.Datasets["raw"]
	schema, total, err := normalizedSchemaOf(ctx, rc, files)
	if err != nil {
		return nil, err
	}
	prog := rc.Progress("normalize", total, "rows")
	defer prog.Done()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := runtime.GOMAXPROCS(0)
	// Raw batches, built columns and encoder buffers all come from one
	// pool: nothing of a batch outlives it except what the builders and the
	// caches copy (OpenParquetMem says which reader buffers stay outside).
	mem := columnar.NewPoolAllocator(256<<20, rc.PoisonPools)
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
		if err := dealRaw(ctx, rc, files, mem, queues); err != nil {
			readErr = err
			cancel()
		}
	}()
	results := make([]normalizeResult, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[w] = normalizePart(ctx, cancel, rc, schema, mem, w, queues[w], prog)
		}()
	}
	wg.Wait()
	if readErr != nil {
		return nil, readErr
	}
	return normalizeSummary(ctx, rc, results, total)
}

// normalizedSchemaOf is the normalized schema for the raw files (their
// passthrough columns included) and their total row count.
func normalizedSchemaOf(ctx context.Context, rc *etl.RunContext, files []columnar.FileInfo) (*arrow.Schema, int64, error) {
	schemas := make([]*arrow.Schema, len(files))
	var total int64
	for i, f := range files {
		var err error
		if schemas[i], _, err = columnar.ReadParquetSchema(ctx, rc.Work, f.Key); err != nil {
			return nil, 0, err
		}
		total += f.Rows
	}
	return columnar.NormalizedSchema(passthroughOf(schemas)), total, nil
}

// dealRaw reads the raw files in order and deals their batches round-robin
// to the workers' queues, so a re-run gives each worker the same batches.
func dealRaw(ctx context.Context, rc *etl.RunContext, files []columnar.FileInfo, mem memory.Allocator, queues []chan arrow.Record) error {
	seq := 0
	for _, f := range files {
		pf, err := columnar.OpenParquetMem(ctx, rc.Work, f.Key, mem)
		if err != nil {
			return err
		}
		err = pf.Each(ctx, func(rec arrow.Record) error {
			rec.Retain()
			select {
			case queues[seq%len(queues)] <- rec:
				seq++
				return nil
			case <-ctx.Done():
				rec.Release()
				return ctx.Err()
			}
		})
		pf.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// normalizeResult is what one worker wrote: its part file and the count of
// each dq issue code.
type normalizeResult struct {
	file   columnar.FileInfo
	issues map[string]int64
	err    error
}

// normalizePart is worker w: it normalizes the batches of its queue into
// its own part file. On failure it cancels the run and keeps draining the
// queue so the reader is never stuck.
func normalizePart(ctx context.Context, cancel context.CancelFunc, rc *etl.RunContext, schema *arrow.Schema, mem memory.Allocator,
	w int, queue <-chan arrow.Record, prog etl.Progress) (res normalizeResult) {
	res.issues = map[string]int64{}
	nz := newRowNormalizer(schema, rc, mem)
	defer nz.release()
	key := fmt.Sprintf("%spart-%05d.parquet", rc.DatasetPrefix("normalize", "normalized"), w)
	pw, err := columnar.NewParquetWriterMem(ctx, rc.Work, key, schema, rc.Config.Parquet, mem)
	if err != nil {
		res.err = err
		cancel()
	}
	for rec := range queue {
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
		return res
	}
	if res.err != nil || ctx.Err() != nil {
		pw.Abort()
		return res
	}
	res.file, res.err = pw.Close()
	return res
}

// normalizeSummary checks every worker finished and every row arrived,
// logs the dq issue counts and builds the stage result.
func normalizeSummary(ctx context.Context, rc *etl.RunContext, results []normalizeResult, total int64) (*etl.StageResult, error) {
	issues := map[string]int64{}
	var out []columnar.FileInfo
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
	return &etl.StageResult{
		RowsIn: total, RowsOut: rows,
		Datasets: map[string][]columnar.FileInfo{"normalized": out},
		Notes:    map[string]any{"dq_issues": issues},
	}, nil
}

// rowNormalizer is one worker's normalizer and builders. Only the columns
// normalize computes are built; the raw columns it keeps as they are
// (canonical text, passthrough, lineage) are the raw batch's own arrays,
// shared with the output record instead of copied value by value.
type rowNormalizer struct {
	mem      memory.Allocator
	schema   *arrow.Schema
	n        *normalize.Normalizer
	rb       *array.RecordBuilder // computedSchema
	computed map[string]int       // output field name -> index in rb
}

// computedSchema holds the output columns normalize builds: the names it
// recases, the parsed timestamps and everything it adds.
func computedSchema() *arrow.Schema {
	full := columnar.NormalizedSchema(nil)
	var fields []arrow.Field
	for _, f := range full.Fields() {
		switch f.Name {
		case "first_name", "last_name", "created_at", "updated_at":
			fields = append(fields, f)
		case columnar.ColSourceObject, columnar.ColSourceLine:
		default:
			if indexOf(columnar.CanonicalColumns, f.Name) < 0 {
				fields = append(fields, f)
			}
		}
	}
	return arrow.NewSchema(fields, nil)
}

func newRowNormalizer(schema *arrow.Schema, rc *etl.RunContext, mem memory.Allocator) *rowNormalizer {
	cs := computedSchema()
	computed := make(map[string]int, cs.NumFields())
	for i, f := range cs.Fields() {
		computed[f.Name] = i
	}
	return &rowNormalizer{
		mem:      mem,
		schema:   schema,
		n:        normalize.New(normalize.Options{Now: rc.Clock()}),
		rb:       array.NewRecordBuilder(mem, cs),
		computed: computed,
	}
}

func (z *rowNormalizer) release() { z.rb.Release() }

// stringCol returns a raw column as a string array, nil when absent.
// rawColumn is the raw batch's column of the output field f when it has
// f's type, else an all-null column (a source without that column).
func rawColumn(mem memory.Allocator, rec arrow.Record, f arrow.Field) arrow.Array {
	if idx := rec.Schema().FieldIndices(f.Name); len(idx) > 0 {
		if c := rec.Column(idx[0]); arrow.TypeEqual(c.DataType(), f.Type) {
			c.Retain()
			return c
		}
	}
	return array.MakeArrayOfNull(mem, f.Type, int(rec.NumRows()))
}

// normalize returns the normalized record for one raw batch and the count
// of each dq code in it.
func (z *rowNormalizer) normalize(rec arrow.Record) (arrow.Record, map[string]int64) {
	n := int(rec.NumRows())
	col := func(name string) *array.String { return columnar.StringCol(rec, name) }
	first, last, full := col("first_name"), col("last_name"), col("full_name")
	email, phone, title, company := col("email"), col("phone"), col("title"), col("company")
	website, industry, revenue, employees := col("website"), col("industry"), col("annual_revenue"), col("employees")
	state, country, created, updated := col("state"), col("country"), col("created_at"), col("updated_at")
	var exIssues *array.List
	if idx := rec.Schema().FieldIndices(columnar.ColExtractIssues); len(idx) > 0 {
		exIssues, _ = rec.Column(idx[0]).(*array.List)
	}

	b := z.rb
	b.Reserve(n)
	field := func(name string) array.Builder { return b.Field(z.computed[name]) }
	strB := func(name string) *array.StringBuilder { return field(name).(*array.StringBuilder) }
	tsB := func(name string) *array.TimestampBuilder { return field(name).(*array.TimestampBuilder) }
	firstB, lastB := strB("first_name"), strB("last_name")
	createdB, updatedB := tsB("created_at"), tsB("updated_at")
	added := make([]*array.StringBuilder, len(columnar.NormalizedStrings))
	for i, c := range columnar.NormalizedStrings {
		added[i] = strB(c)
	}
	revB := field("revenue_usd").(*array.Float64Builder)
	empB := field("employee_count").(*array.Int64Builder)
	lb := field("dq_issues").(*array.ListBuilder)
	vb := lb.ValueBuilder().(*array.StringBuilder)

	appendStr := func(sb *array.StringBuilder, v string) {
		if v == "" {
			sb.AppendNull()
		} else {
			sb.Append(v)
		}
	}
	appendTime := func(tb *array.TimestampBuilder, t time.Time) {
		if t.IsZero() {
			tb.AppendNull()
		} else {
			tb.Append(arrow.Timestamp(t.UnixMicro()))
		}
	}
	counts := map[string]int64{}
	var in normalize.Input
	var out normalize.Output
	for i := 0; i < n; i++ {
		in = normalize.Input{
			FirstName: columnar.StrAt(first, i), LastName: columnar.StrAt(last, i), FullName: columnar.StrAt(full, i),
			Email: columnar.StrAt(email, i), Phone: columnar.StrAt(phone, i), Title: columnar.StrAt(title, i), Company: columnar.StrAt(company, i),
			Website: columnar.StrAt(website, i), Industry: columnar.StrAt(industry, i), Revenue: columnar.StrAt(revenue, i),
			Employees: columnar.StrAt(employees, i), State: columnar.StrAt(state, i), Country: columnar.StrAt(country, i),
			CreatedAt: columnar.StrAt(created, i), UpdatedAt: columnar.StrAt(updated, i),
		}
		z.n.Apply(&in, &out)
		appendStr(firstB, out.FirstName)
		appendStr(lastB, out.LastName)
		appendTime(createdB, out.CreatedAt)
		appendTime(updatedB, out.UpdatedAt)
		for k, v := range [...]string{
			out.FirstKey, out.LastKey,
			out.EmailNorm, out.EmailDomain, out.EmailType, out.EmailKey, out.PhoneE164,
			out.TitleNorm, out.Seniority, out.JobFunction, out.IndustryNorm, out.NAICSSector,
			out.RevenueBand, out.EmployeeBand, out.CountryCode, out.StateCode, out.Region,
			out.CompanyKey, out.Domain,
		} {
			appendStr(added[k], v)
		}
		if out.HasRevenue {
			revB.Append(out.RevenueUSD)
		} else {
			revB.AppendNull()
		}
		if out.HasEmployees {
			empB.Append(out.EmployeeCount)
		} else {
			empB.AppendNull()
		}
		var nex int64
		if exIssues != nil && exIssues.IsValid(i) {
			start, end := exIssues.ValueOffsets(i)
			nex = end - start
		}
		if nex+int64(len(out.Issues)) == 0 {
			lb.AppendNull()
			continue
		}
		lb.Append(true)
		if nex > 0 {
			start, end := exIssues.ValueOffsets(i)
			vals := exIssues.ListValues().(*array.String)
			for k := start; k < end; k++ {
				s := vals.Value(int(k))
				vb.Append(s)
				if _, seen := counts[s]; !seen {
					s = strings.Clone(s) // s aliases the batch's buffer
				}
				counts[s]++
			}
		}
		for _, s := range out.Issues {
			vb.Append(s)
			counts[s]++
		}
	}
	built := b.NewRecord()
	defer built.Release()
	cols := make([]arrow.Array, z.schema.NumFields())
	for i, f := range z.schema.Fields() {
		if k, ok := z.computed[f.Name]; ok {
			cols[i] = built.Column(k)
			cols[i].Retain()
		} else {
			cols[i] = rawColumn(z.mem, rec, f)
		}
	}
	res := array.NewRecord(z.schema, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	return res, counts
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}
