package extract

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"runtime"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/readers"
	"github.com/leadsmith/leadsmith/etl/storage"
	"golang.org/x/sync/errgroup"
)

// Stage is extract: it streams every object of every source into
// the staged `raw` dataset (and the activities source into `activities`),
// mapping source columns to canonical names. A row it cannot read goes to
// `rejects` with its location, a reason and its raw text.
type Stage struct{}

// Name implements Stage.
func (Stage) Name() string { return "extract" }

// Needs implements Stage.
func (Stage) Needs() []string { return nil }

// MemoryBudget keeps extract well under 1 GiB: it streams every object.
func (Stage) MemoryBudget() int64 { return 800 << 20 }

// sourceRun extracts the objects of one source, in key order, so that the
// first of two rows with the same record id is the one kept on every run.
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
	seed    maphash.Seed
	seen    map[uint64]struct{}
	stats   etl.SourceStats
	files   []columnar.FileInfo
	missing map[string]bool

	bad        []BadObject      // objects that broke, see recordBadObject
	mismatched []FormatMismatch // objects read as other than their name says
}

// Run implements Stage.
func (Stage) Run(ctx context.Context, rc *etl.RunContext) (*etl.StageResult, error) {
	c := rc.Config
	var runs []*sourceRun
	var total int64
	add := func(src *etl.SourceConfig, idx int, dataset string, canon []string) error {
		store, objs, err := etl.SourceObjects(ctx, c, src)
		if err != nil {
			return fmt.Errorf("source %s: %w", src.Name, err)
		}
		if len(objs) == 0 {
			rc.Log.Warn("source has no objects", "source", src.Name, "uri", src.URI, "glob", src.Glob)
		}
		sr := &sourceRun{rc: rc, src: src, srcIdx: idx, dataset: dataset, canon: canon, store: store, objs: objs,
			seed: maphash.MakeSeed(), seen: map[uint64]struct{}{}, missing: map[string]bool{}}
		sr.stats = etl.SourceStats{Name: src.Name, Dataset: dataset, Objects: len(objs)}
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
	err := g.Wait()
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
		rc.Log.Info("source extracted", "source", st.Name, "objects", st.Objects, "bytes", st.Bytes,
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
	if len(bad) > 0 || len(mismatched) > 0 {
		res.Notes = map[string]any{}
		if len(bad) > 0 {
			res.Notes["bad_objects"] = bad
		}
		if len(mismatched) > 0 {
			res.Notes["format_mismatches"] = mismatched
		}
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

// accept stages one row, or rejects it as a duplicate of an earlier id.
func (sr *sourceRun) accept(b *rowBuilder, fields []string, key string, line int64, issues []string) {
	sr.stats.RowsRead++
	id := b.recordID(fields)
	// In contact sources record_id identifies the row; in activities it
	// refers to a contact and repeats, so it is neither generated nor unique.
	if b.l.idCol >= 0 && sr.dataset == "raw" {
		if id == "" {
			id = key + ":" + strconv.FormatInt(line, 10)
		}
		h := maphash.String(sr.seed, id)
		if _, dup := sr.seen[h]; dup {
			sr.stats.RowsRejected++
			sr.rej.add(sr.src.Name, key+":"+strconv.FormatInt(line, 10), "duplicate_record_id: an earlier row of this source has the same record_id", joinFields(fields))
			return
		}
		sr.seen[h] = struct{}{}
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

// objectSink receives one object's record batches and writes them to part
// files on its own goroutine, so parsing and Parquet encoding overlap.
type objectSink struct {
	sr    *sourceRun
	idx   int
	ctx   context.Context
	recs  chan arrow.Record
	done  chan struct{}
	err   error
	files []columnar.FileInfo
}

func (sr *sourceRun) newSink(ctx context.Context, idx int) *objectSink {
	k := &objectSink{sr: sr, idx: idx, ctx: ctx, recs: make(chan arrow.Record, 2), done: make(chan struct{})}
	go k.write()
	return k
}

func (k *objectSink) partKey(seq int) string {
	return fmt.Sprintf("%spart-%03d-%05d-%03d.parquet", k.sr.rc.DatasetPrefix("extract", k.sr.dataset), k.sr.srcIdx, k.idx, seq)
}

func (k *objectSink) write() {
	defer close(k.done)
	var w *columnar.ParquetWriter
	seq := 0
	for rec := range k.recs {
		if k.err == nil && (w == nil || !rec.Schema().Equal(w.Schema())) {
			if w != nil {
				if fi, err := w.Close(); err != nil {
					k.err = err
				} else {
					k.files = append(k.files, fi)
				}
				w = nil
			}
			if k.err == nil {
				w, k.err = columnar.NewParquetWriter(k.ctx, k.sr.rc.Work, k.partKey(seq), rec.Schema(), k.sr.rc.Config.Parquet)
				seq++
			}
		}
		if k.err == nil {
			k.err = w.Write(rec)
		}
		rec.Release()
	}
	if w != nil {
		if k.err != nil {
			w.Abort()
			return
		}
		fi, err := w.Close()
		if err != nil {
			k.err = err
			return
		}
		k.files = append(k.files, fi)
	}
}

// send hands a batch to the writer; it fails when the writer failed.
func (k *objectSink) send(rec arrow.Record) error {
	if rec == nil {
		return nil
	}
	select {
	case k.recs <- rec:
		return nil
	case <-k.done:
		rec.Release()
		return k.err
	case <-k.ctx.Done():
		rec.Release()
		return k.ctx.Err()
	}
}

// finish closes the sink after the reader returned readErr. What was
// written before a read error is kept: those rows are staged.
func (k *objectSink) finish(readErr error) error {
	close(k.recs)
	<-k.done
	if k.err != nil {
		return &writeError{k.err}
	}
	k.sr.files = append(k.sr.files, k.files...)
	return readErr
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

// Fingerprint implements Fingerprinter: the sources' settings and the
// objects they select now (a new or changed object makes extract stale).
func (Stage) Fingerprint(ctx context.Context, rc *etl.RunContext) (string, error) {
	c := rc.Config
	type object struct {
		Key   string
		Size  int64
		MTime int64
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
			listing[srcs[i].Name] = append(listing[srcs[i].Name], object{o.Key, o.Size, o.ModTime.UnixNano()})
		}
	}
	return etl.FingerprintOf(c.Parquet, c.Sources, c.Activities, c.Extract, listing)
}

// Publishes implements Publisher: until later stages exist, contacts are
// the extracted records; every row extract could not read is a reject.
func (Stage) Publishes() []etl.Publication {
	return []etl.Publication{{Dataset: "contacts", Staged: "raw", Segmented: true}, {Dataset: "rejects", Staged: "rejects"}}
}

// Summary is the stage's one-line description (the CLI's help).
func (Stage) Summary() string {
	return "Read every source into the staged raw dataset; unreadable rows go to rejects"
}
