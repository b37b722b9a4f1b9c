package profile

import (
	"cmp"
	"slices"
	"strings"
)

// maxKeyBytes bounds what a summary stores of one value, so that a free-text
// column cannot make the summary's memory depend on its values' length. The
// hash still covers the whole value; only the reported text is cut.
const maxKeyBytes = 256

// frequent counts the most frequent values of a stream in bounded memory:
// a Misra-Gries summary with a batched decrement. While it has seen at most
// capacity distinct values its counts are exact. When a new value finds it
// full, every count drops by the median count and the values left at zero
// or below are forgotten: at least half go, so the purge costs O(1)
// amortized per value and no heap has to be kept in order. A reported count
// is a lower bound, short of the truth by at most offset (the sum of all
// decrements, about 2N/capacity for N values).
//
// Values are identified by a 64-bit hash; two distinct values sharing one
// would count as one, which is negligible at 64 bits.
type frequent struct {
	capacity int
	n        int     // entries in table
	table    []entry // open addressing, linear probing; count 0 = empty
	spare    []entry // the table a purge rebuilds into
	arena    []byte  // the keys of entries, back to back
	arena2   []byte  // the arena a purge compacts into
	offset   int64   // sum of decrements: 0 while counts are exact
	scratch  []int64
}

// entry is one value: its hash, count and key. Keeping the hash and count
// in the table itself makes a lookup one memory access.
type entry struct {
	hash  uint64
	count int64
	off   uint32 // key is arena[off : off+n]
	n     uint32
}

func newFrequent(capacity int) *frequent {
	return &frequent{capacity: capacity, table: make([]entry, 16)}
}

// exact reports whether every count is exact.
func (f *frequent) exact() bool { return f.offset == 0 }

// inc adds w to the count of the value whose hash is h, if it is tracked.
func (f *frequent) inc(h uint64, w int64) bool {
	mask := uint64(len(f.table) - 1)
	for i := h & mask; f.table[i].count != 0; i = (i + 1) & mask {
		if f.table[i].hash == h {
			f.table[i].count += w
			return true
		}
	}
	return false
}

// add counts w occurrences of key, whose hash is h. It returns false,
// changing nothing, when key is new and the summary is full: the caller
// then calls purge and add again.
func (f *frequent) add(key string, h uint64, w int64) bool {
	mask := uint64(len(f.table) - 1)
	i := h & mask
	for {
		e := &f.table[i]
		if e.count == 0 {
			break
		}
		if e.hash == h {
			e.count += w
			return true
		}
		i = (i + 1) & mask
	}
	if f.n >= f.capacity {
		return false
	}
	if len(key) > maxKeyBytes {
		key = truncate(key)
	}
	f.table[i] = entry{hash: h, count: w, off: uint32(len(f.arena)), n: uint32(len(key))}
	f.arena = append(f.arena, key...)
	// Keep small tables sparser: a low-cardinality column probes its table
	// for every row, and collisions there cost mispredicted branches.
	if f.n++; f.n*2 > len(f.table) || (len(f.table) <= 256 && f.n*4 > len(f.table)) {
		f.rebuild(len(f.table)*2, 0)
	}
	return true
}

// each calls fn for every entry.
func (f *frequent) each(fn func(e entry)) {
	for _, e := range f.table {
		if e.count > 0 {
			fn(e)
		}
	}
}

// purge subtracts the median count from every count and forgets the values
// left at zero or below.
func (f *frequent) purge() {
	if f.n == 0 {
		return
	}
	f.scratch = f.scratch[:0]
	f.each(func(e entry) { f.scratch = append(f.scratch, e.count) })
	d := kth(f.scratch, (len(f.scratch)-1)/2)
	f.offset += d
	f.rebuild(len(f.table), d)
}

// rebuild moves the entries into a table of the given power-of-two size,
// less d from every count, dropping those left at zero or below and
// compacting the arena.
func (f *frequent) rebuild(size int, d int64) {
	if cap(f.spare) >= size {
		f.spare = f.spare[:size]
	} else {
		f.spare = make([]entry, size)
	}
	mask := uint64(size - 1)
	f.arena2, f.n = f.arena2[:0], 0
	for _, e := range f.table {
		if e.count -= d; e.count <= 0 {
			continue
		}
		off := uint32(len(f.arena2))
		f.arena2 = append(f.arena2, f.arena[e.off:e.off+e.n]...)
		e.off = off
		i := e.hash & mask
		for f.spare[i].count != 0 {
			i = (i + 1) & mask
		}
		f.spare[i] = e
		f.n++
	}
	clear(f.table)
	f.table, f.spare = f.spare, f.table
	f.arena, f.arena2 = f.arena2, f.arena
}

// truncate cuts key to at most maxKeyBytes on a rune boundary and marks the
// cut with an ellipsis.
func truncate(key string) string {
	cut := maxKeyBytes - len("…")
	for cut > 0 && key[cut]&0xC0 == 0x80 {
		cut--
	}
	return key[:cut] + "…"
}

// key returns the stored text of e.
func (f *frequent) key(e entry) string { return string(f.arena[e.off : e.off+e.n]) }

// keyView returns the stored text of e without copying it: valid until f
// next changes.
func (f *frequent) keyView(e entry) string { return unsafeString(f.arena[e.off : e.off+e.n]) }

// top returns the n largest counts, by count descending then key.
func (f *frequent) top(n int) []Count {
	out := make([]Count, 0, f.n)
	f.each(func(e entry) { out = append(out, Count{Value: f.key(e), N: e.count}) })
	slices.SortFunc(out, func(a, b Count) int {
		if a.N != b.N {
			if a.N > b.N {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Value, b.Value)
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// kth returns the k-th smallest of xs (0-based), reordering xs so that
// xs[k] holds it, smaller values come before and larger after.
func kth[T cmp.Ordered](xs []T, k int) T {
	lo, hi := 0, len(xs)-1
	for lo < hi {
		p := xs[(lo+hi)/2]
		i, j := lo, hi
		for i <= j {
			for xs[i] < p {
				i++
			}
			for xs[j] > p {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return xs[k]
		}
	}
	return xs[k]
}
