package score

import (
	"math"
	"time"
)

// historyHalfLives is how many half-lives of age the derived history
// horizon covers: an event that old weighs 2^-10 of its points (under
// 0.1%), so forgetting it moves no score by more than that share.
const historyHalfLives = 10

// maxHistoryDays bounds score.engagement.history_days (a century) so the
// horizon stays a valid time.Duration.
const maxHistoryDays = 36500

// HistoryHorizonDays is how many days of events before the as-of can still
// count: engagement.history_days when set, else the larger of the longest
// window the config reads events over (funnel.window_days, the caps'
// period_days) and ceil(10 x half_life_days). Events older than that count
// on no night, so the entity store prunes them; events inside it must be
// kept, or the funnel stage and the decayed points would change with the
// night the events arrived on.
func (c Config) HistoryHorizonDays() float64 {
	if c.Engagement.HistoryDays > 0 {
		return c.Engagement.HistoryDays
	}
	days := math.Ceil(historyHalfLives * c.Engagement.HalfLifeDays)
	days = math.Max(days, c.Funnel.WindowDays)
	for _, cp := range c.Engagement.Caps {
		days = math.Max(days, cp.PeriodDays)
	}
	return math.Min(days, maxHistoryDays)
}

// HistoryCutoff is the oldest time an event may have and still count on a
// run as of asOf: asOf minus HistoryHorizonDays.
func (c Config) HistoryCutoff(asOf time.Time) time.Time {
	return asOf.Add(-time.Duration(c.HistoryHorizonDays() * float64(24*time.Hour)))
}

// validateHistory checks score.engagement.history_days: 0 (derived) or a
// number of days that covers the funnel window.
func (c Config) validateHistory(v *validator) {
	d := c.Engagement.HistoryDays
	switch {
	case d == 0:
	case !(d > 0) || d > maxHistoryDays:
		v.add("score.engagement.history_days", "%v must be a positive number of days up to %d, or 0 to derive it", d, maxHistoryDays)
	case d < c.Funnel.WindowDays:
		v.add("score.engagement.history_days", "%v must be at least funnel.window_days (%v): events inside the funnel window must be kept", d, c.Funnel.WindowDays)
	}
}
