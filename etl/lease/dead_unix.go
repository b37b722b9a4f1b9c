//go:build unix

package lease

import (
	"errors"
	"syscall"
)

// holderDead reports whether a live-looking lease was left by a process of
// this very host that no longer exists (a run killed with kill -9): such a
// lease is taken over at once instead of after its ttl, so an operator's
// re-run of a killed night need not wait. A holder on another host is
// never judged this way. Hosts that share a name but not a process table
// (containers given the same hostname) must not share a state location.
func holderDead(h, me Holder) bool {
	if h.Host == "" || h.Host != me.Host || h.PID <= 0 || h.PID == me.PID {
		return false
	}
	return errors.Is(syscall.Kill(h.PID, 0), syscall.ESRCH)
}
