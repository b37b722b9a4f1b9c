package stages

import (
	"cmp"
	"slices"
	"time"

	"github.com/leadsmith/leadsmith/etl/storage"
	"github.com/leadsmith/leadsmith/score"
)

// compactEvent is one event in 24 bytes: strings are interned to ids, so
// ten million events fit in a few hundred MB.
type compactEvent struct {
	entity int32
	typ    uint16
	url    uint32
	at     int64 // Unix microseconds
}

type eventSet struct {
	events    []compactEvent
	types     []string
	urls      []string
	offsets   []int32 // events of entity e: events[offsets[e]:offsets[e+1]] after group
	read      int64
	history   int64 // of read: from the store's events (earlier nights)
	unmatched int64
	undated   int64
	afterAsOf int64 // dated after the run's as-of: ignored
	expired   int64 // dated before the history cutoff: counted on no night
	spans     []eventSpan
}

// eventFile is one file of activity events: tonight's staged activities
// (in the work area) or a file of the store's events part (in the base
// state).
type eventFile struct {
	store   storage.Store
	key     string
	history bool
}

// eventSpan is what the parse of one event file found: its rows, how many
// had no usable date, and the range of the others' occurred_at (Unix
// microseconds). The store's keep, copy or rewrite choice reads it.
type eventSpan struct {
	rows, undated int64
	minAt, maxAt  int64
}

func (s *eventSpan) add(at int64) {
	if s.rows == s.undated || at < s.minAt {
		s.minAt = at
	}
	if s.rows == s.undated || at > s.maxAt {
		s.maxAt = at
	}
	s.rows++
}

// group orders events by entity with a counting sort (linear, stable) and
// drops exact repeats of one event within an entity: a visit logged under
// two addresses of the same person counts once.
func (es *eventSet) group(entities int) {
	es.offsets = make([]int32, entities+1)
	for _, e := range es.events {
		es.offsets[e.entity+1]++
	}
	for i := 1; i <= entities; i++ {
		es.offsets[i] += es.offsets[i-1]
	}
	sorted := make([]compactEvent, len(es.events))
	next := append([]int32(nil), es.offsets[:entities]...)
	for _, e := range es.events {
		sorted[next[e.entity]] = e
		next[e.entity]++
	}
	out := sorted[:0]
	newOff := make([]int32, entities+1)
	for e := 0; e < entities; e++ {
		evs := sorted[es.offsets[e]:es.offsets[e+1]]
		slices.SortFunc(evs, func(a, b compactEvent) int {
			return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.typ, b.typ), cmp.Compare(a.url, b.url))
		})
		for k, ev := range evs {
			if k == 0 || ev != evs[k-1] {
				out = append(out, ev)
			}
		}
		newOff[e+1] = int32(len(out))
	}
	es.events, es.offsets = out, newOff
}

// chunk returns the events of entities [from, to) as score events with
// entity numbers relative to from.
func (es *eventSet) chunk(from, to int, buf []score.Event) []score.Event {
	buf = buf[:0]
	for _, e := range es.events[es.offsets[from]:es.offsets[to]] {
		buf = append(buf, score.Event{Entity: e.entity - int32(from), Type: es.types[e.typ], URL: es.urls[e.url],
			At: time.UnixMicro(e.at).UTC()})
	}
	return buf
}
