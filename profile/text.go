package profile

import (
	"strings"
	"unicode/utf8"

	"github.com/axiomhq/hyperloglog"
	"github.com/zeebo/xxh3"
)

// text profiles string values: their most frequent values, how many are
// distinct, and for identifier columns their shapes.
//
// While the frequent-values summary is exact it holds every distinct value
// with its count, and that is all the distinct count and the patterns need:
// the count is its size, the patterns are the shapes of its values weighted
// by their counts. Only when it first has to forget a value does the text
// start a HyperLogLog sketch and a patterns summary, seeded from what the
// summary holds (every value seen so far), and feed both with every value
// after. Columns of at most Capacity distinct values so never pay for a
// sketch or a shape per value.
type text struct {
	identifier bool
	top        *frequent
	hll        *hyperloglog.Sketch // nil while top is exact
	patterns   *frequent           // nil while top is exact, or not an identifier
	tick       uint64              // occurrences not tracked, for admission
	shape      [256]byte
}

func newText(capacity int, identifier bool) *text {
	return &text{identifier: identifier, top: newFrequent(capacity)}
}

// trim returns s without surrounding white space, testing the ends first
// because nearly every value has none.
func trim(s string) string {
	if len(s) == 0 {
		return s
	}
	if a, z := s[0], s[len(s)-1]; a <= ' ' || a >= utf8.RuneSelf || z <= ' ' || z >= utf8.RuneSelf {
		return strings.TrimSpace(s)
	}
	return s
}

// add counts w occurrences of the trimmed, non-empty value s.
func (t *text) add(s string, w int64) { t.put(s, xxh3.HashString(s), w, true) }

// admitOneIn is how rarely, once the summary is approximate, a single
// occurrence of an untracked value enters it. In a column of mostly
// distinct values nearly every value is untracked: inserting each (and
// purging after every Capacity/2 of them) was most of the cost. A value
// that recurs still gets in after admitOneIn occurrences on average, which
// its count then lacks, on top of the summary's offset.
const admitOneIn = 8

// put counts w occurrences of s, whose hash is h; shapes tells whether s
// still has to be counted among the patterns.
func (t *text) put(s string, h uint64, w int64, shapes bool) {
	if t.hll == nil {
		if t.top.add(s, h, w) {
			return
		}
		t.spill()
	}
	t.hll.InsertHash(h)
	if shapes && t.patterns != nil {
		t.addPattern(s, w)
	}
	if t.top.inc(h, w) {
		return
	}
	if w == 1 {
		t.tick++
		if mix64(h+t.tick)%admitOneIn != 0 {
			return
		}
	}
	addTo(t.top, s, h, w)
}

func (t *text) addPattern(s string, w int64) {
	p := unsafeString(shapeInto(&t.shape, s))
	addTo(t.patterns, p, xxh3.HashString(p), w)
}

// addTo adds to f, purging when it is full.
func addTo(f *frequent, k string, h uint64, w int64) {
	if !f.add(k, h, w) {
		f.purge()
		f.add(k, h, w)
	}
}

// spill starts the sketch and the patterns from what the summary holds.
func (t *text) spill() {
	if t.hll != nil {
		return
	}
	// Dense from the start: past Capacity values the sparse form would only
	// be merged and converted again and again.
	t.hll = hyperloglog.NewNoSparse()
	t.top.each(func(e entry) { t.hll.InsertHash(e.hash) })
	if t.identifier {
		t.patterns = t.shapes()
	}
}

// shapes counts the shapes of the values the summary holds.
func (t *text) shapes() *frequent {
	f := newFrequent(t.top.capacity)
	t.top.each(func(e entry) {
		p := unsafeString(shapeInto(&t.shape, t.top.keyView(e)))
		addTo(f, p, xxh3.HashString(p), e.count)
	})
	return f
}

// distinct returns the number of distinct values and whether it is exact.
func (t *text) distinct() (int64, bool) {
	if t.hll == nil {
		return int64(t.top.n), true
	}
	return int64(t.hll.Estimate()), false
}

// topPatterns returns the n most frequent shapes and whether their counts
// are approximate; nil for a column that is not an identifier.
func (t *text) topPatterns(n int) ([]Count, bool) {
	switch {
	case t.patterns != nil:
		return t.patterns.top(n), !t.patterns.exact()
	case t.identifier && t.hll == nil:
		return t.shapes().top(n), false
	}
	return nil, false
}

// merge adds o's values to t.
func (t *text) merge(o *text) {
	t.identifier = t.identifier || o.identifier
	if o.hll == nil {
		// o's summary holds all its values: count them as if seen here.
		o.top.each(func(e entry) { t.put(o.top.keyView(e), e.hash, e.count, true) })
		return
	}
	t.spill()
	o.top.each(func(e entry) { t.put(o.top.keyView(e), e.hash, e.count, false) })
	t.top.offset += o.top.offset
	// Both sketches have precision 14, the only error Merge returns.
	_ = t.hll.Merge(o.hll)
	if o.patterns != nil {
		if t.patterns == nil {
			t.patterns = newFrequent(t.top.capacity)
		}
		o.patterns.each(func(e entry) { addTo(t.patterns, o.patterns.keyView(e), e.hash, e.count) })
		t.patterns.offset += o.patterns.offset
	}
}
