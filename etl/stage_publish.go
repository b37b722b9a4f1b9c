package etl

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/storage"
	"github.com/leadsmith/leadsmith/internal/version"
)

// Publish is the last stage: it writes the run's datasets to the output
// location in the Hive-partitioned layout of the data contract, the
// manifest, and the state the next night reads, and commits them all with
// one write: `_runs/<run_id>/_SUCCESS`.
//
// A run date's partitions hold one run: publishing a date withdraws the
// _SUCCESS of whatever run held it (this run id's earlier attempt or
// another run id), writes the new files, removes every other file of the
// date's partitions, writes the manifest, and only then _SUCCESS. A reader
// that waits for _SUCCESS therefore sees exactly the files the manifest
// lists. PENDING.json in the state location records the attempt in
// flight, so a killed publish is undone (or, past _SUCCESS, completed) by
// the next command that takes the run lock (see Recover).
type Publish struct {
	// Stages are the pipeline's stages before publish; their Publishes
	// declarations say what each contributes to the output.
	Stages []Stage
}

// Name implements Stage.
func (Publish) Name() string { return "publish" }

// Needs implements Stage.
func (Publish) Needs() []string { return []string{"extract"} }

// MayRead implements OptionalReader: every stage before publish.
func (p Publish) MayRead() []string {
	names := make([]string, len(p.Stages))
	for i, s := range p.Stages {
		names[i] = s.Name()
	}
	return names
}

// DefaultSegment partitions contacts that no segment rule has assigned.
const DefaultSegment = "unsegmented"

// Publication is a staged dataset that a stage offers for publishing.
type Publication struct {
	// Dataset is the published name (contacts, routing, rejects).
	Dataset string
	// Staged is the stage's own dataset that feeds it.
	Staged string
	// Segmented datasets are partitioned by segment= too.
	Segmented bool
	// RunFile publications are one staged file (report.html) copied as it
	// is into the run's folder, _runs/<run_id>/<Dataset>, not a dataset.
	RunFile bool
}

// Publisher is implemented by stages whose outputs are published. For each
// published name the latest committed stage of the pipeline that offers
// it is taken, except rejects, which gathers every stage's.
type Publisher interface {
	Publishes() []Publication
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
	// RunFiles are the files published beside the manifest (report.html,
	// report.json).
	RunFiles []string `json:"run_files,omitempty"`
	// State is the version of the state this run hands the next night.
	State StateVersion `json:"state"`
}

// ManifestDataset is one published dataset.
type ManifestDataset struct {
	From  string              `json:"from"`
	Rows  int64               `json:"rows"`
	Bytes int64               `json:"bytes"`
	Files []columnar.FileInfo `json:"files"`
}

// successDoc is the content of _SUCCESS: which attempt it commits.
type successDoc struct {
	RunID   string `json:"run_id"`
	RunDate string `json:"run_date"`
	Attempt string `json:"attempt"`
}

// RunPrefix is where a run's manifest and _SUCCESS live in the output.
func RunPrefix(runID string) string { return "_runs/" + runID + "/" }

// successAttempt is the attempt a run id's _SUCCESS commits, "" when
// there is none.
func SuccessAttempt(ctx context.Context, out storage.Store, runID string) (string, error) {
	var d successDoc
	err := ReadJSON(ctx, out, RunPrefix(runID)+"_SUCCESS", &d)
	if errors.Is(err, storage.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "unreadable", nil //nolint:nilerr // an old empty _SUCCESS commits no known attempt
	}
	return d.Attempt, nil
}

func (Publish) stillValid(ctx context.Context, rc *RunContext, res *StageResult) (bool, error) {
	got, err := SuccessAttempt(ctx, rc.Output, rc.RunID)
	if err != nil {
		return false, err
	}
	want, _ := res.Notes["attempt"].(string)
	return got != "" && got == want, nil
}

// Run implements Stage.
func (p Publish) Run(ctx context.Context, rc *RunContext) (*StageResult, error) {
	date := rc.RunDate.Format(time.DateOnly)
	m := &Manifest{RunID: rc.RunID, RunDate: date, Attempt: newAttempt(), Version: version.Version,
		ConfigHash: rc.Config.Hash(), StartedAt: rc.wallNow(), Datasets: map[string]ManifestDataset{}}
	m.State = StateVersion{RunID: rc.RunID, RunDate: date, Attempt: m.Attempt}
	datasets := PublishedNames(p.Stages)
	if err := WriteJSON(ctx, rc.State, statePending, pendingPublish{StateVersion: m.State, StartedAt: m.StartedAt, Datasets: datasets}); err != nil {
		return nil, fmt.Errorf("write state %s: %w", statePending, err)
	}
	failpoint("publish-pending-written")
	if err := withdrawDate(ctx, rc, date, datasets); err != nil {
		return nil, err
	}
	failpoint("publish-withdrawn")
	committed, err := p.committedStages(ctx, rc, m)
	if err != nil {
		return nil, err
	}
	if err := p.publishDatasets(ctx, rc, m, committed, date); err != nil {
		return nil, err
	}
	failpoint("publish-data-written")
	if err := saveState(ctx, rc, committed, m.State); err != nil {
		return nil, err
	}
	failpoint("publish-state-written")
	removed, err := removeStale(ctx, rc, m, date, datasets)
	if err != nil {
		return nil, err
	}
	failpoint("publish-stale-removed")
	m.FinishedAt = rc.wallNow()
	if err := WriteJSON(ctx, rc.Output, RunPrefix(rc.RunID)+"_manifest.json", m); err != nil {
		return nil, fmt.Errorf("write manifest: %w", err)
	}
	failpoint("publish-manifest-written")
	// The one write that commits the run. Nothing is committed after a
	// signal: the run is undone by the next one instead.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := WriteJSON(ctx, rc.Output, RunPrefix(rc.RunID)+"_SUCCESS", successDoc{RunID: rc.RunID, RunDate: date, Attempt: m.Attempt}); err != nil {
		return nil, fmt.Errorf("write _SUCCESS: %w", err)
	}
	failpoint("publish-committed")
	// What follows is bookkeeping that Recover redoes if it is cut short.
	if err := commitHead(ctx, rc, m.State); err != nil {
		return nil, err
	}
	failpoint("publish-head-written")
	if err := rc.State.Delete(ctx, statePending); err != nil {
		return nil, fmt.Errorf("remove state %s: %w", statePending, err)
	}
	if err := pruneState(ctx, rc); err != nil {
		return nil, err
	}
	res := &StageResult{Datasets: map[string][]columnar.FileInfo{}}
	for name, d := range m.Datasets {
		res.Datasets[name] = d.Files
		res.RowsIn += d.Rows
	}
	res.RowsOut = m.Datasets["contacts"].Rows
	res.Notes = map[string]any{"attempt": m.Attempt, "superseded_files_removed": removed}
	return res, nil
}

// committedStages reads the markers of the pipeline's committed stages
// into the manifest.
func (p Publish) committedStages(ctx context.Context, rc *RunContext, m *Manifest) (map[string]*StageResult, error) {
	committed := map[string]*StageResult{}
	for _, s := range p.Stages {
		res, err := rc.Committed(ctx, s.Name())
		if err != nil {
			return nil, err
		}
		if res != nil {
			committed[s.Name()] = res
			m.Stages = append(m.Stages, *res)
			m.Sources = append(m.Sources, res.Sources...)
		}
	}
	return committed, nil
}

// publishDatasets publishes, for each dataset name, the output of the
// latest committed stage that offers it, and every stage's rejects (an
// empty rejects dataset too, so that readers' globs find a file).
func (p Publish) publishDatasets(ctx context.Context, rc *RunContext, m *Manifest, committed map[string]*StageResult, date string) error {
	done := map[string]bool{}
	var rejects []columnar.FileInfo
	var rejFrom string
	for i := len(p.Stages) - 1; i >= 0; i-- {
		s := p.Stages[i]
		pub, ok := s.(Publisher)
		st := committed[s.Name()]
		if !ok || st == nil {
			continue
		}
		for _, d := range pub.Publishes() {
			files, ok := st.Datasets[d.Staged]
			if d.RunFile {
				if err := publishRunFile(ctx, rc, m, d.Dataset, files); err != nil {
					return err
				}
				continue
			}
			if d.Dataset == "rejects" {
				if len(files) > 0 {
					rejects = append(append([]columnar.FileInfo(nil), files...), rejects...)
					rejFrom = joinFrom(s.Name(), rejFrom)
				}
				continue
			}
			if done[d.Dataset] || !ok {
				continue
			}
			done[d.Dataset] = true
			md, err := publishDataset(ctx, rc, m, d.Dataset, s.Name(), files, d.Segmented, date)
			if err != nil {
				return fmt.Errorf("publish %s: %w", d.Dataset, err)
			}
			m.Datasets[d.Dataset] = md
		}
	}
	md, err := publishRejects(ctx, rc, m, rejFrom, rejects, date)
	if err != nil {
		return fmt.Errorf("publish rejects: %w", err)
	}
	m.Datasets["rejects"] = md
	return nil
}

// publishRunFile copies a stage's one staged file into the run's folder.
func publishRunFile(ctx context.Context, rc *RunContext, m *Manifest, name string, files []columnar.FileInfo) error {
	if len(files) != 1 {
		return nil
	}
	dst := RunPrefix(rc.RunID) + name
	if err := storage.Copy(ctx, rc.Work, files[0].Key, rc.Output, dst); err != nil {
		return fmt.Errorf("publish %s: %w", name, err)
	}
	m.RunFiles = append(m.RunFiles, dst)
	return nil
}

func joinFrom(name, rest string) string {
	if rest == "" {
		return name
	}
	return name + "+" + rest
}

// State files a run hands the next night, by the stage and staged dataset
// (or file) they are copied from.
const (
	EntityStateKey = "entities/current.parquet"
	OwnersStateKey = "routing/owners.parquet"
	RouterStateKey = "routing/state.json"
)

// saveState writes this run's state version: the entity store (every
// stage's datasets named StorePrefix+name, see StoreFiles), entity ids
// from dedupe, owners and the round-robin position from score.
func saveState(ctx context.Context, rc *RunContext, committed map[string]*StageResult, v StateVersion) error {
	dst := storage.Sub(rc.State, v.Prefix())
	for _, st := range committed {
		for name, files := range st.Datasets {
			part, ok := strings.CutPrefix(name, StorePrefix)
			if !ok {
				continue
			}
			for i, f := range files {
				if err := storage.Copy(ctx, rc.Work, f.Key, dst, StoreKey(part, i, path.Ext(f.Key))); err != nil {
					return fmt.Errorf("save store %s: %w", part, err)
				}
				if f.Dead == "" {
					continue
				}
				if err := storage.Copy(ctx, rc.Work, f.Dead, dst, StoreKey(part, i, deadExt)); err != nil {
					return fmt.Errorf("save store %s: %w", part, err)
				}
			}
		}
	}
	if st := committed["dedupe"]; st != nil {
		for _, f := range st.Datasets["entity_state"] {
			if err := storage.Copy(ctx, rc.Work, f.Key, dst, EntityStateKey); err != nil {
				return fmt.Errorf("save entity state: %w", err)
			}
		}
	}
	if st := committed["score"]; st != nil {
		for _, f := range st.Datasets["routing"] {
			if err := storage.Copy(ctx, rc.Work, f.Key, dst, OwnersStateKey); err != nil {
				return fmt.Errorf("save owners: %w", err)
			}
		}
		if err := storage.Copy(ctx, rc.Work, rc.StagePrefix("score")+"router_state.json", dst, RouterStateKey); err != nil {
			return fmt.Errorf("save routing state: %w", err)
		}
	}
	return nil
}

// Summary is the stage's one-line description.
func (Publish) Summary() string {
	return "Publish the run's datasets and state to the output, committed by _SUCCESS"
}
