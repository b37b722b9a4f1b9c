package score

import (
	"math"
	"strings"
	"time"
)

// Event is one activity of one entity. Entity indexes the rows handed to
// ScoreAll; Scorer.Score ignores it (the caller has already grouped events).
type Event struct {
	Entity int32
	Type   string
	URL    string
	At     time.Time
}

// unknownCat marks an event type the config does not know.
const unknownCat = -1

type category struct {
	name   string
	points float64
	cap    int // index into engagement.caps, -1 for none
	funnel int8
}

type urlMatcher struct {
	cat      int
	types    []bool // by event-type category index; nil: every type
	patterns []string
	globs    []bool
}

type capRule struct {
	max       float64
	periodSec float64
}

type engagement struct {
	byType      map[string]int
	cats        []category
	urls        []urlMatcher
	caps        []capRule
	halfLifeSec float64
	windowSec   float64
	run         time.Time
	gradeA      float64
	gradeB      float64
}

// capAcc accumulates one category's points in one cap period.
type capAcc struct {
	cat     int32
	bucket  int32
	raw     float64
	decayed float64
}

// engOut is what scoring a set of events yields.
type engOut struct {
	score   float64
	funnel  int8
	events  int
	unknown int
}

// eventTrace records one event's arithmetic for Explain; nil in the hot path.
type eventTrace struct {
	ev       Event
	cat      int
	ageDays  float64
	factor   float64
	points   float64
	decayed  float64
	bucket   int
	inWindow bool
}

// classify finds an event's category: the first URL rule that applies, else
// its type, else unknownCat.
func (g *engagement) classify(ev *Event) int {
	cat, ok := g.byType[ev.Type]
	if !ok {
		return unknownCat
	}
	if ev.URL == "" || len(g.urls) == 0 {
		return cat
	}
	p := urlPath(ev.URL)
	for i := range g.urls {
		u := &g.urls[i]
		if u.types != nil && !u.types[cat] {
			continue
		}
		for j, pat := range u.patterns {
			if (u.globs[j] && globMatch(pat, p)) || (!u.globs[j] && prefixMatch(pat, p)) {
				return u.cat
			}
		}
	}
	return cat
}

// age is how long before the run an event happened, in seconds; events
// after the run time count as happening now.
func (g *engagement) age(at time.Time) float64 {
	d := g.run.Sub(at)
	if d < 0 {
		return 0
	}
	return d.Seconds()
}

// score adds up events. acc is scratch space reused across calls so the hot
// path allocates nothing once it has grown.
func (g *engagement) score(events []Event, acc *[]capAcc, trace *[]eventTrace) engOut {
	var out engOut
	buckets := (*acc)[:0]
	for i := range events {
		ev := &events[i]
		out.events++
		cat := g.classify(ev)
		if cat == unknownCat {
			out.unknown++
			if trace != nil {
				*trace = append(*trace, eventTrace{ev: *ev, cat: unknownCat, bucket: -1})
			}
			continue
		}
		c := &g.cats[cat]
		age := g.age(ev.At)
		// Exp2 keeps whole half-lives exact: 30 days at a 30-day half-life
		// is exactly 0.5.
		factor := math.Exp2(-age / g.halfLifeSec)
		decayed := c.points * factor
		bucket := -1
		if c.cap >= 0 {
			b := age / g.caps[c.cap].periodSec
			if b > math.MaxInt32-1 {
				b = math.MaxInt32 - 1
			}
			bucket = int(b)
			buckets = addToBucket(buckets, int32(cat), int32(bucket), c.points, decayed)
		} else {
			out.score += decayed
		}
		inWindow := age <= g.windowSec
		if inWindow && c.funnel > out.funnel {
			out.funnel = c.funnel
		}
		if trace != nil {
			*trace = append(*trace, eventTrace{ev: *ev, cat: cat, ageDays: age / 86400, factor: factor,
				points: c.points, decayed: decayed, bucket: bucket, inWindow: inWindow})
		}
	}
	for i := range buckets {
		out.score += g.capped(&buckets[i])
	}
	*acc = buckets
	return out
}

// capped is a period's decayed points after its cap. Scaling by
// max/raw keeps the result independent of the order events arrive in.
func (g *engagement) capped(b *capAcc) float64 {
	limit := g.caps[g.cats[b.cat].cap].max
	if raw := math.Abs(b.raw); raw > limit {
		return b.decayed * limit / raw
	}
	return b.decayed
}

func addToBucket(buckets []capAcc, cat, bucket int32, raw, decayed float64) []capAcc {
	for i := range buckets {
		if buckets[i].cat == cat && buckets[i].bucket == bucket {
			buckets[i].raw += raw
			buckets[i].decayed += decayed
			return buckets
		}
	}
	return append(buckets, capAcc{cat: cat, bucket: bucket, raw: raw, decayed: decayed})
}

func (g *engagement) grade(score float64) string {
	switch {
	case score >= g.gradeA:
		return "A"
	case score >= g.gradeB:
		return "B"
	}
	return "C"
}

// urlPath reduces a URL or path to its path, without allocating: tracking
// exports mix "/pricing" and "https://host/pricing?utm_source=x".
func urlPath(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexByte(u, '/'); j >= 0 {
			u = u[j:]
		} else {
			u = "/"
		}
	} else if len(u) > 0 && u[0] != '/' {
		if j := strings.IndexByte(u, '/'); j >= 0 {
			u = u[j:]
		} else {
			u = "/"
		}
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return u
}

// prefixMatch is a case-insensitive prefix match that ends at a path
// segment boundary.
func prefixMatch(prefix, path string) bool {
	if len(path) < len(prefix) || !strings.EqualFold(path[:len(prefix)], prefix) {
		return false
	}
	return len(path) == len(prefix) || prefix[len(prefix)-1] == '/' || path[len(prefix)] == '/'
}

func lowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// globMatch matches the whole path case-insensitively; `*` matches any run
// of bytes including `/`, `?` one byte. Linear backtracking on the last star
// keeps it O(len(pattern)*len(path)) at worst.
func globMatch(pat, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pat) && (pat[p] == '?' || lowerByte(pat[p]) == lowerByte(s[i])):
			p++
			i++
		case p < len(pat) && pat[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pat) && pat[p] == '*' {
		p++
	}
	return p == len(pat)
}

func isGlob(p string) bool { return strings.ContainsAny(p, "*?") }

// compileEngagement indexes the config's categories: event types first (in
// sorted order, so indexes are stable), then URL rules. Validate has
// already checked every name it refers to.
func compileEngagement(cfg EngagementConfig, funnel FunnelConfig, run time.Time) engagement {
	g := engagement{
		byType:      make(map[string]int, len(cfg.Events)),
		halfLifeSec: cfg.HalfLifeDays * 86400,
		windowSec:   funnel.WindowDays * 86400,
		run:         run,
		gradeA:      cfg.Grades.A,
		gradeB:      cfg.Grades.B,
	}
	for _, t := range sortedKeys(cfg.Events) {
		g.byType[t] = len(g.cats)
		g.cats = append(g.cats, category{name: t, points: cfg.Events[t], cap: -1})
	}
	byName := make(map[string]int, len(g.cats)+len(cfg.URLs))
	for t, i := range g.byType {
		byName[t] = i
	}
	for _, u := range cfg.URLs {
		m := urlMatcher{cat: len(g.cats), patterns: u.Patterns}
		byName[u.Name] = len(g.cats)
		g.cats = append(g.cats, category{name: u.Name, points: u.Points, cap: -1})
		if len(u.EventTypes) > 0 {
			m.types = make([]bool, len(g.byType))
			for _, t := range u.EventTypes {
				m.types[g.byType[t]] = true
			}
		}
		for _, p := range u.Patterns {
			m.globs = append(m.globs, isGlob(p))
		}
		g.urls = append(g.urls, m)
	}
	for _, c := range cfg.Caps {
		g.cats[byName[c.Category]].cap = len(g.caps)
		g.caps = append(g.caps, capRule{max: c.MaxPoints, periodSec: c.PeriodDays * 86400})
	}
	assignFunnelLevels(g.cats, byName, funnel)
	return g
}
