package etl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
	"runtime/debug"
	"time"

	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/storage"
)

// Stage is one step of the pipeline. A stage reads the committed outputs of
// earlier stages for the same run id from the work area and writes its own
// datasets under its stage folder; the runner commits it by writing the
// stage marker last.
type Stage interface {
	// Name is the stage's command and folder name ("extract").
	Name() string
	// Needs names the stages whose committed output this stage reads.
	Needs() []string
	// Run executes the stage. On error nothing it wrote counts: the runner
	// does not write the marker, and a later attempt clears the folder.
	Run(ctx context.Context, rc *RunContext) (*StageResult, error)
}

// StageResult is what a stage reports; the runner adds timing and stores it
// as the stage marker, and publish copies it into the manifest.
type StageResult struct {
	Stage        string                         `json:"stage"`
	ConfigHash   string                         `json:"config_hash"`
	RowsIn       int64                          `json:"rows_in"`
	RowsOut      int64                          `json:"rows_out"`
	RowsRejected int64                          `json:"rows_rejected"`
	StartedAt    time.Time                      `json:"started_at"`
	DurationMS   int64                          `json:"duration_ms"`
	Datasets     map[string][]columnar.FileInfo `json:"datasets"`
	Sources      []SourceStats                  `json:"sources,omitempty"`
	S3Requests   int64                          `json:"s3_requests,omitempty"`
	Notes        map[string]any                 `json:"notes,omitempty"`
}

// SourceStats reconciles one source: rows read = rows staged + rows rejected.
type SourceStats struct {
	Name         string `json:"name"`
	Dataset      string `json:"dataset"`
	Objects      int    `json:"objects"`
	Bytes        int64  `json:"bytes"`
	RowsRead     int64  `json:"rows_read"`
	RowsStaged   int64  `json:"rows_staged"`
	RowsRejected int64  `json:"rows_rejected"`
	Reconciled   bool   `json:"reconciled"`
}

// RunContext is everything a stage needs for one run.
type RunContext struct {
	Config  *Config
	RunID   string
	RunDate time.Time // the run's date (UTC midnight)
	AsOf    time.Time // the instant the run's data is as of, its only clock; events after it are ignored (see DefaultAsOf)
	Work    storage.Store
	Output  storage.Store
	State   storage.Store
	Log     *slog.Logger
	// Progress starts a progress report for long work; never nil after NewRunContext.
	Progress ProgressFunc
	Force    bool
	// PoisonPools makes the run's pooled Arrow buffers poison what they
	// free, so a value read after its batch's Release shows (tests set it).
	PoisonPools bool
}

var runIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// ValidateRunID checks that a run id is safe as a folder and file name.
func ValidateRunID(id string) error {
	if !runIDPattern.MatchString(id) {
		return fmt.Errorf("--run-id: %q must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit", id)
	}
	return nil
}

// StagePrefix is the folder of a stage's output in the work area.
func (rc *RunContext) StagePrefix(stage string) string {
	return "runs/" + rc.RunID + "/" + stage + "/"
}

// DatasetPrefix is the folder of one dataset of a stage.
func (rc *RunContext) DatasetPrefix(stage, dataset string) string {
	return rc.StagePrefix(stage) + dataset + "/"
}

const stageMarker = "_STAGE.json"

// Committed returns a stage's result when its output is committed for this run.
func (rc *RunContext) Committed(ctx context.Context, stage string) (*StageResult, error) {
	r, err := rc.Work.Open(ctx, rc.StagePrefix(stage)+stageMarker)
	if errors.Is(err, storage.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var res StageResult
	if err := json.NewDecoder(r).Decode(&res); err != nil {
		return nil, fmt.Errorf("read %s marker: %w", stage, err)
	}
	return &res, nil
}

// RunStage runs one stage: it checks that the stages it needs are
// committed, clears any leftovers of an earlier attempt, runs it and writes
// the marker last.
func RunStage(ctx context.Context, rc *RunContext, s Stage) (*StageResult, error) {
	for _, need := range s.Needs() {
		res, err := rc.Committed(ctx, need)
		if err != nil {
			return nil, err
		}
		if res == nil {
			return nil, fmt.Errorf("stage %s needs the output of stage %s for run %s, which is not committed: run `leadsmith %s` (or `leadsmith run`) first", s.Name(), need, rc.RunID, need)
		}
	}
	prefix := rc.StagePrefix(s.Name())
	if err := storage.DeletePrefix(ctx, rc.Work, prefix); err != nil {
		return nil, fmt.Errorf("clear %s: %w", prefix, err)
	}
	start := time.Now()
	requestsBefore := rc.s3Requests()
	defer applyMemoryBudget(s)()
	rc.Log.Info("stage started", "stage", s.Name(), "run_id", rc.RunID)
	res, err := s.Run(ctx, rc)
	if err != nil {
		rc.Log.Error("stage failed", "stage", s.Name(), "run_id", rc.RunID, "duration_ms", time.Since(start).Milliseconds(), "error", err.Error())
		return nil, fmt.Errorf("%s: %w", s.Name(), err)
	}
	res.Stage = s.Name()
	res.ConfigHash = rc.Config.Hash()
	res.StartedAt = start.UTC()
	res.DurationMS = time.Since(start).Milliseconds()
	res.S3Requests = rc.s3Requests() - requestsBefore
	if err := writeJSON(ctx, rc.Work, prefix+stageMarker, res); err != nil {
		return nil, fmt.Errorf("commit stage %s: %w", s.Name(), err)
	}
	rc.Log.Info("stage finished", "stage", s.Name(), "run_id", rc.RunID,
		"rows_in", res.RowsIn, "rows_out", res.RowsOut, "rows_rejected", res.RowsRejected,
		"duration_ms", res.DurationMS, "s3_requests", res.S3Requests)
	return res, nil
}

// RunPipeline runs the stages in order. A stage already committed for this
// run with the same config is skipped unless rc.Force is set; once one stage
// runs, every later one runs too, since its input changed.
func RunPipeline(ctx context.Context, rc *RunContext, stages []Stage) error {
	start := time.Now()
	redo := rc.Force
	for _, s := range stages {
		if !redo {
			res, err := rc.Committed(ctx, s.Name())
			if err != nil {
				return err
			}
			if res != nil && res.ConfigHash == rc.Config.Hash() {
				rc.Log.Info("stage skipped: already committed for this run (use --force to redo)", "stage", s.Name(), "run_id", rc.RunID)
				continue
			}
			if res != nil {
				rc.Log.Info("stage re-run: the config changed since it was committed", "stage", s.Name(), "run_id", rc.RunID)
			}
		}
		redo = true
		if _, err := RunStage(ctx, rc, s); err != nil {
			return err
		}
	}
	rc.Log.Info("run finished", "run_id", rc.RunID, "stages", len(stages), "duration_ms", time.Since(start).Milliseconds())
	return nil
}

func writeJSON(ctx context.Context, s storage.Store, key string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeBytes(ctx, s, key, append(data, '\n'))
}

func writeBytes(ctx context.Context, s storage.Store, key string, data []byte) error {
	w, err := s.Create(ctx, key)
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		_ = w.Abort()
		return err
	}
	return w.Close()
}

func readJSON(ctx context.Context, s storage.Store, key string, v any) error {
	r, err := s.Open(ctx, key)
	if err != nil {
		return err
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

// memoryBudgeter is implemented by stages that know how much memory they
// need: the runner makes it the Go runtime's soft limit while they run, so
// the collector works harder instead of letting the heap double.
type memoryBudgeter interface {
	MemoryBudget() int64
}

// applyMemoryBudget sets a stage's soft memory limit unless GOMEMLIMIT is
// set, and returns what restores the previous limit.
func applyMemoryBudget(s Stage) func() {
	mb, ok := s.(memoryBudgeter)
	if !ok || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	prev := debug.SetMemoryLimit(mb.MemoryBudget())
	return func() { debug.SetMemoryLimit(prev) }
}

// s3Requests is the number of S3 requests the run's stores have sent.
func (rc *RunContext) s3Requests() int64 {
	if n := rc.Config.S3.Requests; n != nil {
		return n.Load()
	}
	return 0
}
