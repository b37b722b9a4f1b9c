package etl

import (
	"context"
	"fmt"
)

// StateVersions lists the committed state versions, oldest run date
// first: what `leadsmith state list` shows and rollback chooses from.
func StateVersions(ctx context.Context, rc *RunContext) ([]StateVersion, error) {
	h, err := readHead(ctx, rc.State)
	if err != nil {
		return nil, err
	}
	return h.Versions, nil
}

// Rollback undoes every night committed after the run runID: their
// _SUCCESS is withdrawn, their files in the date partitions of datasets
// are deleted (their manifests stay, as a record), and their state
// versions leave HEAD, so the next run builds on runID's state again. It
// returns the versions it undid. The caller holds the run lock. Each step
// can be repeated: a rollback cut short is finished by running it again.
func Rollback(ctx context.Context, rc *RunContext, runID string, datasets []string) ([]StateVersion, error) {
	if err := Recover(ctx, rc); err != nil {
		return nil, err
	}
	h, err := readHead(ctx, rc.State)
	if err != nil {
		return nil, err
	}
	target := -1
	for i, v := range h.Versions {
		if v.RunID == runID {
			target = i
		}
	}
	if target < 0 {
		return nil, fmt.Errorf("run %s has no committed state version (see `leadsmith state list`)", runID)
	}
	undone := append([]StateVersion(nil), h.Versions[target+1:]...)
	for _, v := range undone {
		if err := rc.Output.Delete(ctx, RunPrefix(v.RunID)+"_SUCCESS"); err != nil {
			return nil, fmt.Errorf("withdraw _SUCCESS of run %s: %w", v.RunID, err)
		}
	}
	for _, v := range undone {
		n, err := deleteDateFiles(ctx, rc, v.RunDate, datasets, func(f partFile) bool { return f.runID == v.RunID })
		if err != nil {
			return nil, err
		}
		rc.Log.Info("state rollback: night undone", "run_id", v.RunID, "run_date", v.RunDate, "files_deleted", n)
	}
	h.Versions = h.Versions[:target+1]
	if err := WriteJSON(ctx, rc.State, stateHead, h); err != nil {
		return nil, fmt.Errorf("write state %s: %w", stateHead, err)
	}
	return undone, pruneState(ctx, rc)
}
