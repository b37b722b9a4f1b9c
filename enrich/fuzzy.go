package enrich

import (
	"slices"
	"strings"

	"github.com/antzucaro/matchr"
)

// fuzzyIndex finds the account company keys worth a Jaro-Winkler call for
// a key that matched none exactly. Comparing with all 100k keys would cost
// about 11 ms per key; two blocks keep it to a few dozen calls:
//   - the one-deletion neighbourhood (as in SymSpell): every key is filed
//     under the hash of itself and of each string it gives with one byte
//     deleted, so a lookup of the query's own deletions finds every key
//     within one substitution, insertion, deletion or transposition, the
//     typos of hand-typed company names;
//   - the first word, when it is distinctive (at least four bytes and at
//     most fuzzyFirstWordCap keys share it), for a word added, dropped or
//     misspelled twice after it ("bluewave analytic solutions").
//
// Keys shorter than fuzzyMinKeyLen bytes are never fuzzy-matched: among
// short names one letter makes another company ("acme" and "acne").
type fuzzyIndex struct {
	keys    []string  // distinct account keys, sorted
	accts   [][]int32 // accounts of each key
	hashes  []uint64  // deletion-neighbourhood hashes, sorted
	hashKey []int32   // key index of each hash
	byFirst map[string][]int32
}

const (
	fuzzyMinKeyLen    = 5
	fuzzyMaxDelLen    = 48 // longer keys are filed under their full hash only
	fuzzyFirstWordCap = 48
)

func newFuzzyIndex(byKey map[string][]int32) fuzzyIndex {
	f := fuzzyIndex{byFirst: map[string][]int32{}}
	for k := range byKey {
		if len(k) >= fuzzyMinKeyLen {
			f.keys = append(f.keys, k)
		}
	}
	slices.Sort(f.keys)
	f.accts = make([][]int32, len(f.keys))
	type entry struct {
		h uint64
		k int32
	}
	var es []entry
	for i, k := range f.keys {
		f.accts[i] = byKey[k]
		eachDeletion(k, func(h uint64) { es = append(es, entry{h, int32(i)}) })
		if w, _, _ := strings.Cut(k, " "); len(w) >= 4 && w != k {
			f.byFirst[w] = append(f.byFirst[w], int32(i))
		}
	}
	slices.SortFunc(es, func(a, b entry) int {
		if a.h != b.h {
			if a.h < b.h {
				return -1
			}
			return 1
		}
		return int(a.k - b.k)
	})
	f.hashes = make([]uint64, len(es))
	f.hashKey = make([]int32, len(es))
	for i, e := range es {
		f.hashes[i], f.hashKey[i] = e.h, e.k
	}
	return f
}

// eachDeletion calls fn with the FNV-1a hash of s and of each distinct
// string s gives with one byte deleted.
func eachDeletion(s string, fn func(uint64)) {
	fn(fnv(s, -1))
	if len(s) > fuzzyMaxDelLen {
		return
	}
	for i := 0; i < len(s); i++ {
		if i > 0 && s[i] == s[i-1] {
			continue // deleting either of a doubled byte gives one string
		}
		fn(fnv(s, i))
	}
}

func fnv(s string, skip int) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		if i != skip {
			h ^= uint64(s[i])
			h *= 1099511628211
		}
	}
	return h
}

// candidateKeys returns the indexes of the keys worth comparing with q,
// sorted and distinct, appended to dst.
func (f *fuzzyIndex) candidateKeys(q string, dst []int32) []int32 {
	dst = dst[:0]
	if len(q) < fuzzyMinKeyLen {
		return dst
	}
	eachDeletion(q, func(h uint64) {
		i, _ := slices.BinarySearch(f.hashes, h)
		for ; i < len(f.hashes) && f.hashes[i] == h; i++ {
			dst = append(dst, f.hashKey[i])
		}
	})
	if w, _, _ := strings.Cut(q, " "); len(w) >= 4 {
		if ks := f.byFirst[w]; len(ks) <= fuzzyFirstWordCap {
			dst = append(dst, ks...)
		}
	}
	slices.Sort(dst)
	return slices.Compact(dst)
}

// fuzzyCand is an account and the Jaro-Winkler of its key with the query.
type fuzzyCand struct {
	acc   int32
	score float64
}

// fuzzyResult is what one distinct (company key, country) found.
type fuzzyResult struct {
	cands []fuzzyCand // at or above the floor, best first, then by account
	seen  bool        // some account of a compatible country was compared
}

// search compares q with the candidate keys whose accounts are in a
// country compatible with cc (the same, or either unknown).
func (f *fuzzyIndex) search(r *Reference, q, cc string, floor float64, scratch []int32) (fuzzyResult, []int32) {
	var res fuzzyResult
	scratch = f.candidateKeys(q, scratch)
	for _, ki := range scratch {
		k := f.keys[ki]
		var compatible []int32
		for _, ai := range f.accts[ki] {
			if acc := r.accounts[ai].CountryCode; cc == "" || acc == "" || acc == cc {
				compatible = append(compatible, ai)
			}
		}
		if len(compatible) == 0 || k == q {
			continue // an exact key was settled by the exact pass
		}
		res.seen = true
		if !sameDigits(q, k) {
			continue // "studio 54" is not "studio 55"
		}
		s := matchr.JaroWinkler(q, k, false)
		if s < floor {
			continue
		}
		for _, ai := range compatible {
			res.cands = append(res.cands, fuzzyCand{ai, s})
		}
	}
	slices.SortFunc(res.cands, func(a, b fuzzyCand) int {
		if a.score != b.score {
			if a.score > b.score {
				return -1
			}
			return 1
		}
		return int(a.acc - b.acc)
	})
	return res, scratch
}

// sameDigits reports whether a and b hold the same digits in the same
// order: numbers in names tell companies apart, typos rarely touch them.
func sameDigits(a, b string) bool {
	i, j := 0, 0
	for {
		for i < len(a) && (a[i] < '0' || a[i] > '9') {
			i++
		}
		for j < len(b) && (b[j] < '0' || b[j] > '9') {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		if a[i] != b[j] {
			return false
		}
		i++
		j++
	}
}
