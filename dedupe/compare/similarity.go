package compare

import (
	"math/bits"
	"unicode/utf8"

	"github.com/antzucaro/matchr"
)

// jaroWinkler returns exactly what matchr.JaroWinkler(a, b, false) returns.
// For ASCII strings up to 64 bytes (nearly every name, city and email) it
// keeps the match flags in two bit masks instead of rune slices, which makes
// it several times faster and allocation-free; anything else goes to matchr.
func jaroWinkler(a, b string) float64 {
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0
	}
	if la > 64 || lb > 64 || !isASCII(a) || !isASCII(b) {
		return matchr.JaroWinkler(a, b, false)
	}
	return jaroWinklerShort(a, b)
}

// jaroWinklerBounded is jaroWinkler for records i and j of a prepared
// column, except that it returns 0 when the result is certain to be below
// floor. The bound: at most sum(min(letter counts)) characters can match
// (counted in letterBucket buckets), and the Winkler bonus is at most the
// common prefix, so Jaro-Winkler is at most that of a string pair with
// that many matches and no transpositions.
func jaroWinklerBounded(c *Column, i, j int32, floor float64) float64 {
	return jaroWinklerCross(c, i, c, j, floor)
}

// jaroWinklerCross is jaroWinklerBounded for record i of column ca against
// record j of column cb (a swapped name: first against last).
//
// The bound is tested twice: first from the letter counts alone, taking
// the largest prefix bonus (4), so that most dissimilar pairs are rejected
// without reading the strings; then with the actual common prefix.
func jaroWinklerCross(ca *Column, i int32, cb *Column, j int32, floor float64) float64 {
	sa, sb := ca.sig[i], cb.sig[j]
	if sa == notShort || sb == notShort {
		return jaroWinkler(ca.val[i], cb.val[j])
	}
	m := sumMinNibbles(sa, sb)
	if m == 0 {
		return 0
	}
	// The counts of a signed value add up to its length.
	la, lb := nibbleSum(sa), nibbleSum(sb)
	// jmax+4*0.1*(1-jmax) < floor  <=>  jmax < (floor-0.4)/0.6, with
	// jmax = (m/la + m/lb + 1)/3 multiplied out; the slack keeps float
	// rounding from rejecting a pair exactly at the floor.
	if f4 := (floor - 0.4) * (1 / 0.6); f4 > 0 &&
		float64(m*(la+lb)+la*lb) < float64(3*la*lb)*f4*(1-1e-9) {
		return 0
	}
	a, b := ca.val[i], cb.val[j]
	jmax := (float64(m)/float64(la) + float64(m)/float64(lb) + 1) / 3
	p := 0
	for p < 4 && p < la && p < lb && a[p] == b[p] && !isDigit(a[p]) {
		p++
	}
	if jmax+float64(p)*0.1*(1-jmax) < floor {
		return 0
	}
	return jaroWinklerShort(a, b)
}

// notShort is the signature of a value that is not ASCII, is longer than
// 64 bytes or has more than 7 letters in one bucket: it has no bound. No
// real signature has a nibble above 7.
const notShort = ^uint64(0)

// letterBucket sorts bytes into 16 buckets for signatures: the eleven
// commonest letters of names get one each, the other letters share four
// and everything else the last; digits get one each too (sharing with
// letters), for phone numbers and postcodes. Counting merged letters
// together only loosens the bounds: min(a1+a2, b1+b2) >= min(a1, b1) +
// min(a2, b2).
var letterBucket = func() (t [256]uint8) {
	for k := range t {
		t[k] = 15
	}
	for d := byte(0); d < 10; d++ {
		t['0'+d] = d
	}
	for g, letters := range []string{"a", "e", "i", "o", "n", "r", "l", "s", "t", "h", "m", "dk", "cqgj", "bpvfw", "uyxz"} {
		for _, c := range []byte(letters) {
			t[c], t[c-'a'+'A'] = uint8(g), uint8(g)
		}
	}
	return t
}()

// letterSig packs the 16 bucket counts of s into nibbles, or notShort.
func letterSig(s string) uint64 {
	if len(s) > 64 || !isASCII(s) {
		return notShort
	}
	var sig uint64
	for k := 0; k < len(s); k++ {
		shift := 4 * uint(letterBucket[s[k]])
		if (sig>>shift)&15 == 7 {
			return notShort
		}
		sig += 1 << shift
	}
	return sig
}

// sumMinNibbles adds the nibble-wise minimum of two signatures without a
// loop: bit 3 of each nibble of (a|H)-b tells whether a >= b there (the
// counts are at most 7, so no nibble borrows from the next).
func sumMinNibbles(a, b uint64) int {
	const h = 0x8888888888888888
	ge := ((a | h) - b) & h
	mask := (ge >> 3) * 0xf
	return nibbleSum((b & mask) | (a &^ mask))
}

// bagBound reports whether the values with signatures sa and sb can be
// within dist edits (Levenshtein or optimal string alignment): the bag
// distance max(la, lb) - common letters is a lower bound of both.
func bagBound(sa, sb uint64, dist int) bool {
	if sa == notShort || sb == notShort {
		return true
	}
	return max(nibbleSum(sa), nibbleSum(sb))-sumMinNibbles(sa, sb) <= dist
}

// nibbleSum adds the 16 nibbles of x (at most 7 each).
func nibbleSum(x uint64) int {
	const lo = 0x0f0f0f0f0f0f0f0f
	return byteSum((x & lo) + ((x >> 4) & lo))
}

// byteSum adds the bytes of x, when their sum is below 256.
func byteSum(x uint64) int { return int((x * 0x0101010101010101) >> 56) }

// jaroWinklerShort is the bit-parallel Jaro-Winkler for ASCII strings of 1
// to 64 bytes: a table of each byte's positions in b turns the search for a
// matching character in the window into a mask and a lowest-bit pick, and
// the transposition count walks the two match masks.
func jaroWinklerShort(a, b string) float64 {
	la, lb := len(a), len(b)
	maxLen := max(la, lb)
	// matchr's window comes from the longer string; kept for parity.
	sr := max(maxLen/2-1, 0)
	var pos [128]uint64
	for j := 0; j < lb; j++ {
		pos[b[j]&127] |= 1 << uint(j)
	}
	var fa, fb uint64
	common := 0
	for i := 0; i < la; i++ {
		lo := max(i-sr, 0)
		hi := min(i+sr, lb-1)
		if lo > hi {
			continue
		}
		// Shifting a uint64 by 64 yields 0 in Go, so hi == 63 is safe.
		win := (uint64(1)<<uint(hi+1) - 1) &^ (uint64(1)<<uint(lo) - 1)
		if cand := pos[a[i]&127] & win &^ fb; cand != 0 {
			fb |= cand & -cand
			fa |= 1 << uint(i)
			common++
		}
	}
	if common == 0 {
		return 0
	}
	trans := 0
	for ma, mb := fa, fb; ma != 0; ma, mb = ma&(ma-1), mb&(mb-1) {
		if a[bits.TrailingZeros64(ma)] != b[bits.TrailingZeros64(mb)] {
			trans++
		}
	}
	trans /= 2
	c := float64(common)
	d := (c/float64(la) + c/float64(lb) + (c-float64(trans))/c) / 3
	if d > 0.7 {
		lim := min(4, maxLen)
		p := 0
		for p < lim && p < la && p < lb && a[p] == b[p] && !isDigit(a[p]) {
			p++
		}
		if p > 0 {
			d += float64(p) * 0.1 * (1 - d)
		}
	}
	return d
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// EditDistance is the Levenshtein distance between a and b in runes, or
// limit+1 when it is more than limit: callers only ask "within limit
// edits?", so it stops as soon as no alignment can get back under. It is
// the one edit distance of the module (comparison levels, "did you mean"
// hints); short ASCII strings cost no allocation.
func EditDistance(a, b string, limit int) int {
	return editDistance(a, b, limit, false)
}

// OSADistance is EditDistance where an adjacent transposition counts as
// one edit (optimal string alignment, restricted Damerau-Levenshtein): the
// commonest typo, without the unrestricted variant's extra cost.
func OSADistance(a, b string, limit int) int {
	return editDistance(a, b, limit, true)
}

func editDistance(a, b string, limit int, transpose bool) int {
	if limit == 1 && isASCII(a) && isASCII(b) {
		return withinOne(a, b, transpose)
	}
	// Decode into stack arrays so non-ASCII names cost no allocation; only
	// values longer than 64 runes take the heap.
	var bufA, bufB [64]rune
	ra, rb := toRunes(a, bufA[:0]), toRunes(b, bufB[:0])
	la, lb := len(ra), len(rb)
	if diff := la - lb; diff > limit || -diff > limit {
		return limit + 1
	}
	var rowBuf [3 * 65]int
	var rows []int
	if lb < 65 {
		rows = rowBuf[:3*(lb+1)]
	} else {
		rows = make([]int, 3*(lb+1))
	}
	prev2, prev, cur := rows[:lb+1], rows[lb+1:2*(lb+1)], rows[2*(lb+1):]
	for j := 0; j <= lb; j++ {
		prev[j] = j
	}
	for i := 1; i <= la; i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= lb; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j-1]+cost, prev[j]+1, cur[j-1]+1)
			if transpose && i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		// Row minima never decrease, so no later row can get back under.
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[lb], limit+1)
}

func toRunes(s string, buf []rune) []rune {
	for _, r := range s {
		buf = append(buf, r)
	}
	return buf
}

// withinOne is the edit distance capped at 2 (meaning "more than one") in
// linear time: the levels used in practice ask for one typo.
func withinOne(a, b string, transpose bool) int {
	if a == b {
		return 0
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return 2
	}
	k := 0
	for k < len(a) && a[k] == b[k] {
		k++
	}
	if len(a) == len(b) {
		if a[k+1:] == b[k+1:] {
			return 1 // one substitution
		}
		if transpose && k+1 < len(a) && a[k] == b[k+1] && a[k+1] == b[k] && a[k+2:] == b[k+2:] {
			return 1
		}
		return 2
	}
	if a[k:] == b[k+1:] {
		return 1 // one insertion
	}
	return 2
}
