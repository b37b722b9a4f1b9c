package etl

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/storage"
	"github.com/leadsmith/leadsmith/internal/version"
)

// Publish is the last stage: it writes the run's datasets to the output
// location in the Hive-partitioned layout of the data contract, then the
// manifest, then _SUCCESS. Readers that wait for _SUCCESS never see a
// partial run; a re-run of the same run id replaces that run's files only
// after its new files are complete.
type Publish struct{}

// Name implements Stage.
func (Publish) Name() string { return "publish" }

// Needs implements Stage.
func (Publish) Needs() []string { return []string{"extract"} }

// DefaultSegment partitions contacts that no segment rule has assigned.
const DefaultSegment = "unsegmented"

// published names each output dataset and the staged datasets that can
// feed it, the most finished first: until a later stage exists, contacts
// are the extracted records.
var published = []struct {
	name       string
	candidates [][2]string
	segmented  bool
}{
	{"contacts", [][2]string{{"score", "contacts"}, {"enrich", "enriched"}, {"dedupe", "golden"}, {"normalize", "normalized"}, {"extract", "raw"}}, true},
	{"accounts", [][2]string{{"enrich", "accounts"}}, false},
	{"routing", [][2]string{{"score", "routing"}}, false},
	{"profile", [][2]string{{"profile", "profile"}}, false},
}

// Manifest is <output>/_runs/<run_id>/_manifest.json.
type Manifest struct {
	RunID      string                     `json:"run_id"`
	RunDate    string                     `json:"run_date"`
	Attempt    string                     `json:"attempt"`
	Version    string                     `json:"leadsmith_version"`
	ConfigHash string                     `json:"config_hash"`
	StartedAt  time.Time                  `json:"started_at"`
	FinishedAt time.Time                  `json:"finished_at"`
	Stages     []StageResult              `json:"stages"`
	Sources    []SourceStats              `json:"sources"`
	Datasets   map[string]ManifestDataset `json:"datasets"`
}

// ManifestDataset is one published dataset.
type ManifestDataset struct {
	From  string              `json:"from"`
	Rows  int64               `json:"rows"`
	Bytes int64               `json:"bytes"`
	Files []columnar.FileInfo `json:"files"`
}

// RunPrefix is where a run's manifest and _SUCCESS live in the output.
func RunPrefix(runID string) string { return "_runs/" + runID + "/" }

func newAttempt() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Run implements Stage.
func (Publish) Run(ctx context.Context, rc *RunContext) (*StageResult, error) {
	start := time.Now().UTC()
	date := rc.RunDate.Format("2006-01-02")
	m := &Manifest{RunID: rc.RunID, RunDate: date, Attempt: newAttempt(), Version: version.Version,
		ConfigHash: rc.Config.Hash(), StartedAt: start, Datasets: map[string]ManifestDataset{}}
	var prev Manifest
	prevErr := readJSON(ctx, rc.Output, RunPrefix(rc.RunID)+"_manifest.json", &prev)
	if prevErr != nil && !errors.Is(prevErr, storage.ErrNotExist) {
		rc.Log.Warn("previous manifest unreadable; its files are cleaned by name instead", "run_id", rc.RunID, "error", prevErr.Error())
	}
	// The run is being replaced: until the new _SUCCESS exists, no reader
	// may take this run id as complete.
	if err := rc.Output.Delete(ctx, RunPrefix(rc.RunID)+"_SUCCESS"); err != nil {
		return nil, fmt.Errorf("withdraw _SUCCESS: %w", err)
	}
	committed := map[string]*StageResult{}
	for _, name := range []string{"extract", "normalize", "dedupe", "enrich", "profile", "score"} {
		res, err := rc.Committed(ctx, name)
		if err != nil {
			return nil, err
		}
		if res != nil {
			committed[name] = res
			m.Stages = append(m.Stages, *res)
			m.Sources = append(m.Sources, res.Sources...)
		}
	}
	res := &StageResult{Datasets: map[string][]columnar.FileInfo{}}
	for _, ds := range published {
		for _, cand := range ds.candidates {
			st := committed[cand[0]]
			if st == nil {
				continue
			}
			files, ok := st.Datasets[cand[1]]
			if !ok {
				continue
			}
			md, err := publishDataset(ctx, rc, m, ds.name, cand[0], files, ds.segmented, date)
			if err != nil {
				return nil, fmt.Errorf("publish %s: %w", ds.name, err)
			}
			m.Datasets[ds.name] = md
			res.RowsIn += md.Rows
			if ds.name == "contacts" {
				res.RowsOut = md.Rows
			}
			break
		}
	}
	var rejects []columnar.FileInfo
	var rejStages []string
	for _, name := range []string{"extract", "normalize", "dedupe", "enrich", "profile", "score"} {
		if st := committed[name]; st != nil && len(st.Datasets["rejects"]) > 0 {
			rejects = append(rejects, st.Datasets["rejects"]...)
			rejStages = append(rejStages, name)
		}
	}
	md, err := publishDataset(ctx, rc, m, "rejects", strings.Join(rejStages, "+"), rejects, false, date)
	if err != nil {
		return nil, fmt.Errorf("publish rejects: %w", err)
	}
	m.Datasets["rejects"] = md
	for name, d := range m.Datasets {
		res.Datasets[name] = d.Files
	}
	m.FinishedAt = time.Now().UTC()
	if err := writeJSON(ctx, rc.Output, RunPrefix(rc.RunID)+"_manifest.json", m); err != nil {
		return nil, fmt.Errorf("write manifest: %w", err)
	}
	if err := writeBytes(ctx, rc.Output, RunPrefix(rc.RunID)+"_SUCCESS", nil); err != nil {
		return nil, fmt.Errorf("write _SUCCESS: %w", err)
	}
	// The next night matches against the entities this run published.
	if st := committed["dedupe"]; st != nil {
		for _, f := range st.Datasets["entity_state"] {
			if err := storage.Copy(ctx, rc.Work, f.Key, rc.State, entityStateKey); err != nil {
				return nil, fmt.Errorf("save entity state: %w", err)
			}
		}
	}
	// Owners stay with their entities and the round-robin continues.
	if st := committed["score"]; st != nil {
		for _, f := range st.Datasets["routing"] {
			if err := storage.Copy(ctx, rc.Work, f.Key, rc.State, ownersStateKey); err != nil {
				return nil, fmt.Errorf("save owners: %w", err)
			}
		}
		if err := storage.Copy(ctx, rc.Work, rc.StagePrefix("score")+"router_state.json", rc.State, routerStateKey); err != nil {
			return nil, fmt.Errorf("save routing state: %w", err)
		}
	}
	removed, err := removeSuperseded(ctx, rc, &prev, m, date)
	if err != nil {
		// The new run is complete and marked; stale files are only clutter
		// that the next publish of this run id removes.
		rc.Log.Warn("could not remove superseded files", "run_id", rc.RunID, "error", err.Error())
	}
	res.Notes = map[string]any{"attempt": m.Attempt, "superseded_files_removed": removed}
	return res, nil
}

// partFileName names a published file so that a run id's files can be
// found (and replaced) among other runs' files in the same partition.
func partFileName(runID, attempt string, seq int) string {
	return fmt.Sprintf("part-%s-%s-%05d.parquet", runID, attempt, seq)
}

// publishDataset writes one dataset's staged files to the output. Files
// that already share one schema are copied byte for byte; otherwise rows
// are rewritten into the union schema.
func publishDataset(ctx context.Context, rc *RunContext, m *Manifest, name, from string, files []columnar.FileInfo, segmented bool, date string) (ManifestDataset, error) {
	md := ManifestDataset{From: from, Files: []columnar.FileInfo{}}
	if len(files) == 0 {
		return md, nil
	}
	type group struct {
		partition string
		files     []columnar.FileInfo
	}
	groups := map[string]*group{}
	var order []string
	for _, f := range files {
		part := "run_date=" + date
		if segmented {
			seg := DefaultSegment
			for _, dir := range strings.Split(path.Dir(f.Key), "/") {
				if strings.HasPrefix(dir, "segment=") {
					seg = strings.TrimPrefix(dir, "segment=")
				}
			}
			part += "/segment=" + seg
		}
		g := groups[part]
		if g == nil {
			g = &group{partition: part}
			groups[part] = g
			order = append(order, part)
		}
		g.files = append(g.files, f)
	}
	sort.Strings(order)
	seq := 0
	for _, part := range order {
		g := groups[part]
		prefix := name + "/" + g.partition + "/"
		schemas := make([]*arrow.Schema, len(g.files))
		uniform := true
		for i, f := range g.files {
			sc, _, err := columnar.ReadParquetSchema(ctx, rc.Work, f.Key)
			if err != nil {
				return md, err
			}
			schemas[i] = sc
			uniform = uniform && sc.Equal(schemas[0])
		}
		if uniform {
			for _, f := range g.files {
				dst := prefix + partFileName(rc.RunID, m.Attempt, seq)
				seq++
				if err := storage.Copy(ctx, rc.Work, f.Key, rc.Output, dst); err != nil {
					return md, err
				}
				md.Files = append(md.Files, columnar.FileInfo{Key: dst, Rows: f.Rows, Bytes: f.Bytes})
			}
			continue
		}
		union := columnar.UnionSchema(schemas...)
		w, err := columnar.NewParquetWriter(ctx, rc.Output, prefix+partFileName(rc.RunID, m.Attempt, seq), union, rc.Config.Parquet)
		seq++
		if err != nil {
			return md, err
		}
		for _, f := range g.files {
			if err := conformFile(ctx, rc.Work, f.Key, union, w); err != nil {
				w.Abort()
				return md, err
			}
		}
		fi, err := w.Close()
		if err != nil {
			return md, err
		}
		md.Files = append(md.Files, fi)
	}
	for _, f := range md.Files {
		md.Rows += f.Rows
		md.Bytes += f.Bytes
	}
	return md, nil
}

// conformFile appends a file's rows to w in w's (wider) schema.
func conformFile(ctx context.Context, s storage.Store, key string, union *arrow.Schema, w *columnar.ParquetWriter) error {
	pf, err := columnar.OpenParquet(ctx, s, key)
	if err != nil {
		return err
	}
	defer pf.Close()
	return pf.Each(ctx, func(rec arrow.Record) error {
		out, err := columnar.ConformRecord(rec, union)
		if err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		defer out.Release()
		return w.Write(out)
	})
}

// removeSuperseded deletes this run id's files of earlier attempts: those
// the previous manifest lists and any orphan of a crashed attempt in the
// partitions this run writes, but never a file of the new manifest.
func removeSuperseded(ctx context.Context, rc *RunContext, prev, cur *Manifest, date string) (int, error) {
	keep := map[string]bool{}
	for _, d := range cur.Datasets {
		for _, f := range d.Files {
			keep[f.Key] = true
		}
	}
	stale := map[string]bool{}
	for _, d := range prev.Datasets {
		for _, f := range d.Files {
			if !keep[f.Key] {
				stale[f.Key] = true
			}
		}
	}
	mine := regexp.MustCompile(`^part-` + regexp.QuoteMeta(rc.RunID) + `-[0-9a-f]{8}-[0-9]{5}\.parquet$`)
	for _, name := range []string{"contacts", "accounts", "routing", "profile", "rejects"} {
		objs, err := rc.Output.List(ctx, name+"/run_date="+date+"/")
		if err != nil {
			return 0, err
		}
		for _, o := range objs {
			if mine.MatchString(path.Base(o.Key)) && !keep[o.Key] {
				stale[o.Key] = true
			}
		}
	}
	keys := make([]string, 0, len(stale))
	for k := range stale {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := rc.Output.Delete(ctx, k); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}
