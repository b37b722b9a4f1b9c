package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/lease"
)

// exitLocked: another run holds the state's lock; nothing was done.
const exitLocked = 3

// leaseTTL is how long a lease lives without renewal; a live run renews it
// every third of that, so a killed run's lease is taken over after at
// most this long.
const leaseTTL = 2 * time.Minute

// lockRun takes the run lock of the config's state location for a command
// that writes (run and the stage commands). The returned context ends when
// the lock is lost, so a run that no longer holds it never commits; the
// returned func releases it.
func lockRun(ctx context.Context, rc *etl.RunContext, command string) (context.Context, func(), error) {
	l, err := lease.Acquire(ctx, rc.State, lease.Key, lease.ThisProcess("leadsmith "+command, rc.RunID), leaseTTL)
	var held *lease.HeldError
	if errors.As(err, &held) {
		return nil, nil, &exitError{code: exitLocked, err: fmt.Errorf("another run holds the lock: %w", err)}
	}
	if err != nil {
		return nil, nil, failedErr(fmt.Errorf("take the run lock: %w", err))
	}
	release := func() {
		if err := l.Release(context.WithoutCancel(ctx)); err != nil {
			rc.Log.Warn("run lock", "error", err.Error())
		}
	}
	return l.Context(ctx), release, nil
}
