package etl

import (
	"fmt"
	"time"
)

// RunContext.AsOf (zero: DefaultAsOf(RunDate)) is the instant a run's data is as of, and the only clock
// of the data path: scored_at is AsOf, sla_due_at is AsOf plus the
// action's hours, engagement decays and funnel windows count back from it,
// a first_seen_at without a timestamp is AsOf, and normalize refuses
// timestamps more than a year after it. The score stage ignores events
// with occurred_at > AsOf (inclusive end), counting them as
// events_after_as_of. So re-running a date writes byte-identical data
// files whatever the wall clock says, and backfilling a past date gives
// what that date's run gave (with the entity and routing state it read).
// The wall clock only times logs and the stage markers' started_at and
// duration_ms, which are metadata, never in a data file.

// DefaultAsOf is a run's as-of when --as-of is not given: the last
// microsecond of its date, RunDate + 24h - 1µs. Every event of the date
// counts and none of the next, and every time the run writes lies within
// the date. Data timestamps are microseconds, so "occurred_at > AsOf" is
// exactly "on a later date".
func DefaultAsOf(runDate time.Time) time.Time {
	d := runDate.UTC()
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC).Add(24*time.Hour - time.Microsecond)
}

// ParseAsOf reads an --as-of value: an RFC 3339 time, in UTC and truncated
// to the microseconds data timestamps hold.
func ParseAsOf(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--as-of: %q is not an RFC 3339 time like 2026-11-23T18:00:00Z", s)
	}
	return t.UTC().Truncate(time.Microsecond), nil
}

// Clock is the run's as-of time: rc.AsOf, or DefaultAsOf(rc.RunDate) when it is not set, in UTC.
func (rc *RunContext) Clock() time.Time {
	if rc.AsOf.IsZero() {
		return DefaultAsOf(rc.RunDate)
	}
	return rc.AsOf.UTC()
}
