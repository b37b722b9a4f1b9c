package etl

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/leadsmith/leadsmith/etl/storage"
)

// The state location holds what one night hands the next, one version per
// committed run, and the list of those versions:
//
//	<state>/versions/<run_id>/<attempt>/entities/current.parquet
//	<state>/versions/<run_id>/<attempt>/routing/owners.parquet, routing/state.json
//	<state>/HEAD.json      the committed versions, one per run date
//	<state>/PENDING.json   the publish in flight (removed once it is settled)
//
// A run reads the version of the latest run date before its own, so that
// re-running a date, or backfilling last week, reads what that night read.
const (
	stateHead      = "HEAD.json"
	statePending   = "PENDING.json"
	stateVersions  = "versions/"
	maxStateKept   = 60 // versions kept in HEAD; older ones are deleted
	legacyStateKey = "entities/current.parquet"
)

// StateVersion names the state one committed run wrote.
type StateVersion struct {
	RunID   string `json:"run_id"`
	RunDate string `json:"run_date"`
	Attempt string `json:"attempt"`
}

func (v StateVersion) Prefix() string { return stateVersions + v.RunID + "/" + v.Attempt + "/" }

// stateHeadDoc is HEAD.json: committed versions, sorted by run date.
type stateHeadDoc struct {
	Versions []StateVersion `json:"versions"`
}

// pendingPublish is PENDING.json: written before publish touches the
// output, so that recovery knows which attempt's files to remove when it
// never committed, and which version to add to HEAD when it did.
type pendingPublish struct {
	StateVersion
	StartedAt time.Time `json:"started_at"`
	// Datasets are the output datasets whose date partitions the publish
	// may write: recovery looks there for its files.
	Datasets []string `json:"datasets"`
}

func readHead(ctx context.Context, st storage.Store) (*stateHeadDoc, error) {
	var h stateHeadDoc
	err := ReadJSON(ctx, st, stateHead, &h)
	if errors.Is(err, storage.ErrNotExist) {
		return &h, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read state %s: %w", stateHead, err)
	}
	return &h, nil
}

// add puts v in HEAD as its run date's version, replacing another run's.
func (h *stateHeadDoc) add(v StateVersion) {
	kept := h.Versions[:0]
	for _, o := range h.Versions {
		if o.RunDate != v.RunDate {
			kept = append(kept, o)
		}
	}
	h.Versions = append(kept, v)
	sort.Slice(h.Versions, func(i, j int) bool { return h.Versions[i].RunDate < h.Versions[j].RunDate })
	if n := len(h.Versions); n > maxStateKept {
		h.Versions = h.Versions[n-maxStateKept:]
	}
}

// ResolveBase finds the state this run builds on: the committed version
// of the latest run date before the run's own. A state written by
// leadsmith before versions existed (entities/current.parquet at the
// root) is used as it is until the first versioned commit.
func ResolveBase(ctx context.Context, rc *RunContext) error {
	h, err := readHead(ctx, rc.State)
	if err != nil {
		return err
	}
	date := rc.RunDate.Format(time.DateOnly)
	rc.base = nil
	for i := range h.Versions {
		if h.Versions[i].RunDate < date {
			rc.base = &h.Versions[i]
		}
	}
	if rc.base == nil && len(h.Versions) == 0 {
		if objs, err := rc.State.List(ctx, legacyStateKey); err != nil {
			return fmt.Errorf("read state: %w", err)
		} else if len(objs) > 0 {
			rc.base = &StateVersion{RunID: "legacy"}
		}
	}
	return nil
}

// BaseState is the state this run reads, addressed by the same keys that
// publish writes (entities/current.parquet, routing/...). Before any
// committed run it is empty.
func (rc *RunContext) BaseState() storage.Store {
	switch {
	case rc.base == nil:
		return storage.Sub(rc.State, stateVersions+"-none-/")
	case rc.base.RunID == "legacy":
		return rc.State
	}
	return storage.Sub(rc.State, rc.base.Prefix())
}

// baseID names the base state in fingerprints: a stage that read another
// base is redone.
func (rc *RunContext) BaseID() string {
	if rc.base == nil {
		return "none"
	}
	return rc.base.RunID + "/" + rc.base.Attempt
}

// Recover settles what a killed or failed run left behind. It must run
// under the run lock, before any stage. A publish that committed (its
// _SUCCESS names its attempt) is rolled forward into HEAD; one that did
// not has its files removed. Temporary files of killed writers and state
// versions that HEAD does not list are deleted.
func Recover(ctx context.Context, rc *RunContext) error {
	var p pendingPublish
	err := ReadJSON(ctx, rc.State, statePending, &p)
	switch {
	case errors.Is(err, storage.ErrNotExist):
	case err != nil:
		return fmt.Errorf("read state %s: %w", statePending, err)
	default:
		if err := settlePending(ctx, rc, &p); err != nil {
			return err
		}
	}
	for _, st := range []storage.Store{rc.Work, rc.Output, rc.State} {
		if tr, ok := st.(storage.TempRemover); ok {
			n, err := tr.RemoveTemp(ctx, "")
			if err != nil {
				return err
			}
			if n > 0 {
				rc.Log.Info("removed what killed writers left", "location", st.URI(), "objects", n)
			}
		}
	}
	return pruneState(ctx, rc)
}

func settlePending(ctx context.Context, rc *RunContext, p *pendingPublish) error {
	committed, err := SuccessAttempt(ctx, rc.Output, p.RunID)
	if err != nil {
		return err
	}
	if committed == p.Attempt {
		rc.Log.Info("recovery: a committed publish is rolled forward", "run_id", p.RunID, "attempt", p.Attempt)
		if err := commitHead(ctx, rc, p.StateVersion); err != nil {
			return err
		}
	} else {
		rc.Log.Info("recovery: an uncommitted publish is removed", "run_id", p.RunID, "attempt", p.Attempt)
		if err := removeAttemptFiles(ctx, rc, p.StateVersion, p.Datasets); err != nil {
			return err
		}
	}
	return rc.State.Delete(ctx, statePending)
}

// commitHead adds v to HEAD.json (one atomic write) and forgets the
// pending publish.
func commitHead(ctx context.Context, rc *RunContext, v StateVersion) error {
	h, err := readHead(ctx, rc.State)
	if err != nil {
		return err
	}
	h.add(v)
	if err := WriteJSON(ctx, rc.State, stateHead, h); err != nil {
		return fmt.Errorf("write state %s: %w", stateHead, err)
	}
	return nil
}

// removeAttemptFiles deletes what an uncommitted publish attempt wrote:
// its part files in the date's partitions and its state version.
func removeAttemptFiles(ctx context.Context, rc *RunContext, v StateVersion, datasets []string) error {
	if _, err := deleteDateFiles(ctx, rc, v.RunDate, datasets, func(f partFile) bool {
		return f.runID == v.RunID && f.attempt == v.Attempt
	}); err != nil {
		return err
	}
	return storage.DeletePrefix(ctx, rc.State, v.Prefix())
}

// pruneState deletes state versions that HEAD does not list.
func pruneState(ctx context.Context, rc *RunContext) error {
	h, err := readHead(ctx, rc.State)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, v := range h.Versions {
		keep[v.Prefix()] = true
	}
	objs, err := rc.State.List(ctx, stateVersions)
	if err != nil {
		return err
	}
	for _, o := range objs {
		parts := strings.SplitN(o.Key, "/", 4)
		if len(parts) < 4 || keep[parts[0]+"/"+parts[1]+"/"+parts[2]+"/"] {
			continue
		}
		if err := rc.State.Delete(ctx, o.Key); err != nil {
			return err
		}
	}
	return nil
}
