package extract

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/readers"
	"github.com/leadsmith/leadsmith/etl/storage"
	"golang.org/x/sync/errgroup"
)

// AccountsDataset is the staged dataset of the reference account sources
// (config `enrich.accounts`), read in full every night.
const AccountsDataset = "accounts_raw"

// Stage is extract: it streams every object of every source into
// the staged `raw` dataset (and the activities source into `activities`),
// mapping source columns to canonical names. A row it cannot read goes to
// `rejects` with its location, a reason and its raw text. On an
// incremental night (see Incremental) it reads only the objects that are
// new or changed since the base state's objects list; every night it
// writes that list anew (see ObjectsPart).
type Stage struct{}

// Name implements Stage.
func (Stage) Name() string { return "extract" }

// Needs implements Stage.
func (Stage) Needs() []string { return nil }

// MemoryBudget keeps extract well under 1 GiB: it streams every object.
func (Stage) MemoryBudget() int64 { return 800 << 20 }

// sourceRun extracts the objects of one source, in key order: arrival
// order (object key, then line) is what tells two versions of a record
// apart when they have no updated_at, so it must not depend on the run.
type sourceRun struct {
	rc      *etl.RunContext
	src     *etl.SourceConfig
	srcIdx  int
	dataset string
	canon   []string
	store   storage.Store
	objs    []storage.ObjectInfo
	rej     *rejectSink
	prog    etl.Progress
	stats   etl.SourceStats
	files   []columnar.FileInfo
	missing map[string]bool

	bad        []BadObject      // objects that broke, see recordBadObject
	mismatched []FormatMismatch // objects read as other than their name says
}

// Run implements Stage.
func (Stage) Run(ctx context.Context, rc *etl.RunContext) (*etl.StageResult, error) {
	c := rc.Config
	incremental, err := Incremental(ctx, rc)
	if err != nil {
		return nil, err
	}
	prev := map[string]map[string]objectEntry{}
	if incremental {
		if prev, err = baseObjects(ctx, rc); err != nil {
			return nil, err
		}
	}
	rc.Log.Info("extract", "incremental", incremental, "base", rc.BaseID(), "full_refresh", rc.FullRefresh)
	var runs []*sourceRun
	var objects []objectEntry // every object of every source now, for the next night
	var total int64
	add := func(src *etl.SourceConfig, idx int, dataset string, canon []string) error {
		store, all, err := etl.SourceObjects(ctx, c, src)
		if err != nil {
			return fmt.Errorf("source %s: %w", src.Name, err)
		}
		if len(all) == 0 {
			rc.Log.Warn("source has no objects", "source", src.Name, "uri", src.URI, "glob", src.Glob)
		}
		plan := planObjects(src.Name, rc.RunID, all, prev[src.Name])
		objects = append(objects, plan.entries...)
		objs := plan.read
		if dataset == AccountsDataset {
			// Reference accounts are the whole picture every night.
			objs, plan.unchanged = all, 0
		}
		sr := &sourceRun{rc: rc, src: src, srcIdx: idx, dataset: dataset, canon: canon, store: store, objs: objs,
			missing: map[string]bool{}}
		sr.stats = etl.SourceStats{Name: src.Name, Dataset: dataset, Objects: len(objs), ObjectsUnchanged: plan.unchanged}
		for _, o := range objs {
			sr.stats.Bytes += o.Size
			total += o.Size
		}
		runs = append(runs, sr)
		return nil
	}
	for i := range c.Sources {
		if err := add(&c.Sources[i], i, "raw", columnar.CanonicalColumns); err != nil {
			return nil, err
		}
	}
	if c.Activities != nil {
		if err := add(c.Activities, len(c.Sources), "activities", columnar.ActivityColumns); err != nil {
			return nil, err
		}
	}
	for i := range c.Enrich.Accounts {
		if err := add(&c.Enrich.Accounts[i], len(c.Sources)+1+i, AccountsDataset, columnar.AccountColumns); err != nil {
			return nil, err
		}
	}

	// Each source has its own rejects file, written in its reading order,
	// so that a re-run writes the same files whatever the interleaving of
	// the sources.
	for i, sr := range runs {
		sr.rej = newRejectSink(ctx, rc, rc.DatasetPrefix("extract", "rejects")+fmt.Sprintf("part-%05d.parquet", i))
	}
	prog := rc.Progress("extract", total, "bytes")
	workers := c.Extract.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for _, sr := range runs {
		sr.prog = prog
		g.Go(func() error { return sr.run(gctx) })
	}
	err = g.Wait()
	prog.Done()
	if err != nil {
		for _, sr := range runs {
			sr.rej.abort()
		}
		return nil, err
	}
	var rejFiles []columnar.FileInfo
	for i, sr := range runs {
		files, err := sr.rej.close()
		if err != nil {
			for _, later := range runs[i+1:] {
				later.rej.abort()
			}
			return nil, err
		}
		rejFiles = append(rejFiles, files...)
	}
	res := &etl.StageResult{Datasets: map[string][]columnar.FileInfo{"rejects": rejFiles}}
	var bad []BadObject
	var mismatched []FormatMismatch
	for _, sr := range runs {
		st := sr.stats
		st.Reconciled = st.RowsRead == st.RowsStaged+st.RowsRejected
		if !st.Reconciled {
			return nil, fmt.Errorf("source %s does not reconcile: read %d, staged %d, rejected %d", st.Name, st.RowsRead, st.RowsStaged, st.RowsRejected)
		}
		res.Sources = append(res.Sources, st)
		res.Datasets[sr.dataset] = append(res.Datasets[sr.dataset], sr.files...)
		res.RowsIn += st.RowsRead
		res.RowsRejected += st.RowsRejected
		if sr.dataset == "raw" {
			res.RowsOut += st.RowsStaged
		}
		bad = append(bad, sr.bad...)
		mismatched = append(mismatched, sr.mismatched...)
		for col := range sr.missing {
			rc.Log.Warn("mapped column missing in some objects", "source", st.Name, "column", col)
		}
		rc.Log.Info("source extracted", "source", st.Name, "objects", st.Objects, "objects_unchanged", st.ObjectsUnchanged, "bytes", st.Bytes,
			"rows_read", st.RowsRead, "rows_staged", st.RowsStaged, "rows_rejected", st.RowsRejected, "bad_objects", len(sr.bad))
	}
	if len(res.Datasets["raw"]) == 0 && len(c.Sources) > 0 {
		// No row at all: an empty part with the canonical columns lets the
		// later stages run on nothing instead of on no schema.
		fi, err := writeEmptyRaw(ctx, rc)
		if err != nil {
			return nil, err
		}
		res.Datasets["raw"] = []columnar.FileInfo{fi}
	}
	fi, err := writeObjects(ctx, rc, objects)
	if err != nil {
		return nil, fmt.Errorf("write objects list: %w", err)
	}
	res.Datasets[etl.StorePrefix+ObjectsPart] = []columnar.FileInfo{fi}
	res.Notes = map[string]any{"incremental": incremental}
	if len(bad) > 0 {
		res.Notes["bad_objects"] = bad
	}
	if len(mismatched) > 0 {
		res.Notes["format_mismatches"] = mismatched
	}
	return res, nil
}

func (sr *sourceRun) run(ctx context.Context) error {
	for i, o := range sr.objs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := sr.extractOrSkip(ctx, i, o); err != nil {
			return fmt.Errorf("source %s: %s: %w", sr.src.Name, o.Key, err)
		}
	}
	return nil
}

func (sr *sourceRun) extractObject(ctx context.Context, store *storage.ErrorRecorder, idx int, o storage.ObjectInfo) error {
	named := readers.Format(sr.src.Format, o.Key, nil)
	if named == "parquet" {
		err := sr.extractParquetObject(ctx, store, idx, o)
		if err == nil || sr.src.Format == "parquet" || store.Err != nil || ctx.Err() != nil {
			return err
		}
		// Not Parquet after all? Then read it as what its content is.
		if head, _ := etl.PeekObject(ctx, store, o.Key, 4); string(head) == "PAR1" || store.Err != nil {
			return err
		}
	}
	rc, err := store.Open(ctx, o.Key)
	if err != nil {
		return err
	}
	defer rc.Close()
	if o.Size == 0 && isGzipName(o.Key) {
		return &badObjectError{code: "truncated_object", err: errors.New("a gzip object of 0 bytes")}
	}
	in, err := readers.Decompress(&countingReader{r: rc, prog: sr.prog})
	if err != nil {
		return err
	}
	if named != "csv" && named != "jsonl" {
		br := bufio.NewReaderSize(in, 64<<10)
		if head, _ := br.Peek(4); string(head) == "PAR1" {
			rc.Close()
			return sr.extractParquetObject(ctx, store, idx, o)
		}
		in = br
	}
	br, format, err := readers.OpenText(in, sr.src.CSV.Encoding, sr.src.Format, named)
	if err != nil {
		return err
	}
	if named != "" && format != named {
		sr.noteMismatch(o, named, format)
	}
	sink := sr.newSink(ctx, idx)
	if format == "jsonl" {
		err = sr.extractJSONL(ctx, o, br, sink)
	} else {
		err = sr.extractCSV(ctx, o, br, sink)
	}
	return sink.finish(err)
}

func (sr *sourceRun) extractParquetObject(ctx context.Context, store *storage.ErrorRecorder, idx int, o storage.ObjectInfo) error {
	sink := sr.newSink(ctx, idx)
	return sink.finish(sr.extractParquet(ctx, store, o, sink))
}

func isGzipName(key string) bool {
	k := strings.ToLower(key)
	return strings.HasSuffix(k, ".gz") || strings.HasSuffix(k, ".gzip")
}

// accept stages one row. A record_id seen before in the same source is
// a newer version of that record (an update), staged like any row: dedupe
// keeps the newest version of each (source, record_id).
func (sr *sourceRun) accept(b *rowBuilder, fields []string, key string, line int64, issues []string) {
	sr.stats.RowsRead++
	id := b.recordID(fields)
	// In contact sources record_id identifies the record, generated from
	// the row's location when absent; in activities it refers to a contact
	// and repeats, so it is never generated.
	if b.l.idCol >= 0 && sr.dataset == "raw" && id == "" {
		id = key + ":" + strconv.FormatInt(line, 10)
	}
	repaired := false
	for j, f := range fields {
		var r bool
		if fields[j], r = readers.CleanField(f); r {
			repaired = true
		}
	}
	if repaired && !containsString(issues, "encoding_repaired") {
		issues = append(issues, "encoding_repaired")
	}
	for _, m := range b.l.missing {
		issues = append(issues, "column_missing:"+m)
		sr.missing[m] = true
	}
	b.append(fields, id, sr.src.Name, key, line, issues)
	sr.stats.RowsStaged++
}

// reject sends a row that could not be read to rejects; it counts as read.
func (sr *sourceRun) reject(key string, line int64, reason, raw string) {
	sr.stats.RowsRead++
	sr.stats.RowsRejected++
	sr.rej.add(sr.src.Name, key+":"+strconv.FormatInt(line, 10), reason, raw)
}

func joinFields(f []string) string {
	n := 0
	for _, s := range f {
		n += len(s) + 1
	}
	b := make([]byte, 0, n)
	for i, s := range f {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, s...)
	}
	return string(b)
}

type countingReader struct {
	r    io.Reader
	prog etl.Progress
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.prog.Add(int64(n))
	return n, err
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func writeEmptyRaw(ctx context.Context, rc *etl.RunContext) (columnar.FileInfo, error) {
	key := rc.DatasetPrefix("extract", "raw") + "part-empty.parquet"
	w, err := columnar.NewParquetWriter(ctx, rc.Work, key, datasetSchema(columnar.CanonicalColumns, nil), rc.Config.Parquet)
	if err != nil {
		return columnar.FileInfo{}, err
	}
	return w.Close()
}

// Fingerprint implements Fingerprinter: the sources' settings, the
// objects they select now (a new or changed object makes extract stale),
// whether a full refresh was asked for and, on an incremental night, the
// base state, whose objects list decides what is new.
func (Stage) Fingerprint(ctx context.Context, rc *etl.RunContext) (string, error) {
	c := rc.Config
	incremental, err := Incremental(ctx, rc)
	if err != nil {
		return "", err
	}
	base := ""
	if incremental {
		base = rc.BaseID()
	}
	type object struct {
		Key   string
		Size  int64
		MTime int64
		ETag  string
	}
	listing := map[string][]object{}
	srcs := append([]etl.SourceConfig(nil), c.Sources...)
	if c.Activities != nil {
		srcs = append(srcs, *c.Activities)
	}
	for i := range srcs {
		_, objs, err := etl.SourceObjects(ctx, c, &srcs[i])
		if err != nil {
			return "", fmt.Errorf("source %s: %w", srcs[i].Name, err)
		}
		for _, o := range objs {
			listing[srcs[i].Name] = append(listing[srcs[i].Name], object{o.Key, o.Size, o.ModTime.UnixNano(), o.ETag})
		}
	}
	return etl.FingerprintOf(c.Parquet, c.Sources, c.Activities, c.Extract, listing, rc.FullRefresh, base)
}

// Publishes implements Publisher: until later stages exist, contacts are
// the extracted records; every row extract could not read is a reject.
func (Stage) Publishes() []etl.Publication {
	return []etl.Publication{{Dataset: "contacts", Staged: "raw", Segmented: true}, {Dataset: "rejects", Staged: "rejects"}}
}

// Summary is the stage's one-line description (the CLI's help).
func (Stage) Summary() string {
	return "Read every source's new or changed objects into the staged raw dataset; unreadable rows go to rejects"
}
