package etl

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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
	"github.com/leadsmith/leadsmith/internal/version"
)

// Stage is one step of the pipeline. A stage reads the committed outputs of
// earlier stages for the same run id from the work area and writes its own
// datasets under its stage folder; the runner commits it by writing the
// stage marker last.
type Stage interface {
	// Name is the stage's command and folder name ("extract").
	Name() string
	// Needs names every stage whose committed output this stage reads.
	// The runner refuses to run a stage whose needs are not committed, and
	// redoes it when any of them was redone since.
	Needs() []string
	// Run executes the stage. On error nothing it wrote counts: the runner
	// does not write the marker, and a later attempt clears the folder.
	Run(ctx context.Context, rc *RunContext) (*StageResult, error)
}

// Fingerprinter is implemented by stages whose output depends on more than
// the stages they need: their own config section, the objects of the
// sources, the state of an earlier night. A committed stage is skipped
// only while its fingerprint is unchanged. A stage without it is redone
// whenever the config text changes.
type Fingerprinter interface {
	Fingerprint(ctx context.Context, rc *RunContext) (string, error)
}

// validator is implemented by stages whose commit lives outside the work
// area too (publish: the output's _SUCCESS), so that a marker alone does
// not make them skippable.
type validator interface {
	stillValid(ctx context.Context, rc *RunContext, res *StageResult) (bool, error)
}

// OptionalReader is implemented by stages that read other stages' outputs
// when they are committed without needing them (publish).
type OptionalReader interface {
	MayRead() []string
}

// StageResult is what a stage reports; the runner adds timing and stores it
// as the stage marker, and publish copies it into the manifest.
type StageResult struct {
	Stage      string `json:"stage"`
	ConfigHash string `json:"config_hash"`
	// Attempt identifies this execution of the stage; stages that read
	// its output record it in Inputs.
	Attempt string `json:"attempt"`
	// Version is the leadsmith version that wrote the output.
	Version string `json:"leadsmith_version"`
	// Fingerprint hashes what besides its inputs the output depends on.
	Fingerprint string `json:"fingerprint"`
	// Inputs are the attempts of the stages whose output this one read.
	Inputs       map[string]string              `json:"inputs,omitempty"`
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
// Objects and Bytes count the objects read this run; ObjectsUnchanged
// counts those an incremental run skipped as read by an earlier night.
type SourceStats struct {
	Name             string `json:"name"`
	Dataset          string `json:"dataset"`
	Objects          int    `json:"objects"`
	ObjectsUnchanged int    `json:"objects_unchanged"`
	Bytes            int64  `json:"bytes"`
	RowsRead         int64  `json:"rows_read"`
	RowsStaged       int64  `json:"rows_staged"`
	RowsRejected     int64  `json:"rows_rejected"`
	Reconciled       bool   `json:"reconciled"`
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
	// FullRefresh rebuilds from every object of every source instead of
	// only the objects that are new or changed since the committed state
	// (an incremental night, the default once a store exists); entity
	// ids are still kept from the store.
	FullRefresh bool
	// PoisonPools makes the run's pooled Arrow buffers poison what they
	// free, so a value read after its batch's Release shows (tests set it).
	PoisonPools bool
	// WallClock is the wall clock of bookkeeping only: the markers'
	// started_at and the manifest's times. nil is time.Now. No data a run
	// writes may read it (tests move it to prove that).
	WallClock func() time.Time

	// base is the committed state this run builds on (see ResolveBase).
	base *StateVersion
}

// wallNow reads the wall clock of bookkeeping (see WallClock), in UTC.
func (rc *RunContext) wallNow() time.Time {
	if rc.WallClock != nil {
		return rc.WallClock().UTC()
	}
	return time.Now().UTC()
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

const StageMarker = "_STAGE.json"

// Committed returns a stage's result when its output is committed for
// this run, nil when it is not. An unreadable marker is an error, never
// "not committed".
func (rc *RunContext) Committed(ctx context.Context, stage string) (*StageResult, error) {
	var res StageResult
	err := ReadJSON(ctx, rc.Work, rc.StagePrefix(stage)+StageMarker, &res)
	if errors.Is(err, storage.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the %s stage marker of run %s: %w", stage, rc.RunID, err)
	}
	return &res, nil
}

// stageInputs returns the attempts of the committed stages s reads; a
// needed stage that is not committed is an error.
func stageInputs(ctx context.Context, rc *RunContext, s Stage) (map[string]string, error) {
	in := map[string]string{}
	for _, need := range s.Needs() {
		res, err := rc.Committed(ctx, need)
		if err != nil {
			return nil, err
		}
		if res == nil {
			return nil, fmt.Errorf("stage %s needs the output of stage %s for run %s, which is not committed: run `leadsmith %s` (or `leadsmith run`) first", s.Name(), need, rc.RunID, need)
		}
		in[need] = res.Attempt
	}
	if o, ok := s.(OptionalReader); ok {
		for _, name := range o.MayRead() {
			res, err := rc.Committed(ctx, name)
			if err != nil {
				return nil, err
			}
			if res != nil {
				in[name] = res.Attempt
			}
		}
	}
	return in, nil
}

func stageFingerprint(ctx context.Context, rc *RunContext, s Stage) (string, error) {
	f, ok := s.(Fingerprinter)
	if !ok {
		return "config:" + rc.Config.Hash(), nil
	}
	fp, err := f.Fingerprint(ctx, rc)
	if err != nil {
		return "", fmt.Errorf("%s: %w", s.Name(), err)
	}
	return fp, nil
}

// begin settles what earlier runs left behind and finds the state this
// run builds on. The caller holds the run lock.
func begin(ctx context.Context, rc *RunContext) error {
	if err := Recover(ctx, rc); err != nil {
		return fmt.Errorf("recover: %w", err)
	}
	return ResolveBase(ctx, rc)
}

// RunStage runs one stage alone, always redoing it: it checks that the
// stages it needs are committed, clears any leftovers of an earlier
// attempt, runs it and writes the marker last. A cancelled context never
// gets a marker. The caller holds the run lock.
func RunStage(ctx context.Context, rc *RunContext, s Stage) (*StageResult, error) {
	if err := begin(ctx, rc); err != nil {
		return nil, err
	}
	return runStage(ctx, rc, s)
}

func runStage(ctx context.Context, rc *RunContext, s Stage) (*StageResult, error) {
	inputs, err := stageInputs(ctx, rc, s)
	if err != nil {
		return nil, err
	}
	fp, err := stageFingerprint(ctx, rc, s)
	if err != nil {
		return nil, err
	}
	prefix := rc.StagePrefix(s.Name())
	// The marker goes first: from here on the stage is not committed,
	// whatever is left of an earlier attempt.
	if err := rc.Work.Delete(ctx, prefix+StageMarker); err != nil {
		return nil, fmt.Errorf("withdraw the %s marker: %w", s.Name(), err)
	}
	if err := storage.DeletePrefix(ctx, rc.Work, prefix); err != nil {
		return nil, fmt.Errorf("clear %s: %w", prefix, err)
	}
	start, startedAt := time.Now(), rc.wallNow()
	requestsBefore := rc.s3Requests()
	defer applyMemoryBudget(s)()
	rc.Log.Info("stage started", "stage", s.Name(), "run_id", rc.RunID)
	res, err := s.Run(ctx, rc)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if err != nil {
		rc.Log.Error("stage failed", "stage", s.Name(), "run_id", rc.RunID, "duration_ms", time.Since(start).Milliseconds(), "error", err.Error())
		return nil, fmt.Errorf("%s: %w", s.Name(), err)
	}
	res.Stage = s.Name()
	res.ConfigHash = rc.Config.Hash()
	res.Attempt = newAttempt()
	res.Version = version.Version
	res.Fingerprint = fp
	res.Inputs = inputs
	res.StartedAt = startedAt
	res.DurationMS = time.Since(start).Milliseconds()
	res.S3Requests = rc.s3Requests() - requestsBefore
	failpoint("stage-" + s.Name() + "-before-marker")
	if err := WriteJSON(ctx, rc.Work, prefix+StageMarker, res); err != nil {
		return nil, fmt.Errorf("commit stage %s: %w", s.Name(), err)
	}
	rc.Log.Info("stage finished", "stage", s.Name(), "run_id", rc.RunID,
		"rows_in", res.RowsIn, "rows_out", res.RowsOut, "rows_rejected", res.RowsRejected,
		"duration_ms", res.DurationMS, "s3_requests", res.S3Requests)
	return res, nil
}

// skipReason says why a committed stage must be redone, or "" when its
// output is still valid: same version, same fingerprint, and the same
// committed attempts of every stage it read.
func skipReason(ctx context.Context, rc *RunContext, s Stage) (string, error) {
	res, err := rc.Committed(ctx, s.Name())
	if err != nil || res == nil {
		return "not committed", err
	}
	if res.Version != version.Version {
		return "written by leadsmith " + res.Version, nil
	}
	fp, err := stageFingerprint(ctx, rc, s)
	if err != nil {
		return "", err
	}
	if fp != res.Fingerprint {
		return "its config section, sources or base state changed", nil
	}
	inputs, err := stageInputs(ctx, rc, s)
	if err != nil {
		return "", err
	}
	if len(inputs) != len(res.Inputs) {
		return "the stages it reads changed", nil
	}
	for k, v := range inputs {
		if res.Inputs[k] != v {
			return "stage " + k + " was redone since", nil
		}
	}
	if v, ok := s.(validator); ok {
		valid, err := v.stillValid(ctx, rc, res)
		if err != nil || !valid {
			return "its commit is no longer in place", err
		}
	}
	return "", nil
}

// RunPipeline runs the stages in order. A stage whose committed output is
// still valid (see skipReason) is skipped unless rc.Force is set. The
// caller holds the run lock.
func RunPipeline(ctx context.Context, rc *RunContext, stages []Stage) error {
	start := time.Now()
	if err := begin(ctx, rc); err != nil {
		return err
	}
	for _, s := range stages {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !rc.Force {
			why, err := skipReason(ctx, rc, s)
			if err != nil {
				return err
			}
			if why == "" {
				rc.Log.Info("stage skipped: its committed output is still valid (use --force to redo)", "stage", s.Name(), "run_id", rc.RunID)
				continue
			}
			rc.Log.Info("stage runs", "stage", s.Name(), "run_id", rc.RunID, "because", why)
		}
		if _, err := runStage(ctx, rc, s); err != nil {
			return err
		}
	}
	rc.Log.Info("run finished", "run_id", rc.RunID, "stages", len(stages), "duration_ms", time.Since(start).Milliseconds())
	return nil
}

func newAttempt() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func WriteJSON(ctx context.Context, s storage.Store, key string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return WriteBytes(ctx, s, key, append(data, '\n'))
}

func WriteBytes(ctx context.Context, s storage.Store, key string, data []byte) error {
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

func ReadJSON(ctx context.Context, s storage.Store, key string, v any) error {
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
