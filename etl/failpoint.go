package etl

import (
	"os"
	"syscall"
)

// failpoint kills the process on the spot, as kill -9 would, when the
// environment variable LEADSMITH_FAILPOINT names this point. The crash
// tests (etl/crash_test.go, scripts/crash-trials.sh) use it to stop a run
// between any two steps of a commit; in every other run it is one
// environment lookup.
func failpoint(name string) {
	if os.Getenv("LEADSMITH_FAILPOINT") == name {
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal is on its way
	}
}
