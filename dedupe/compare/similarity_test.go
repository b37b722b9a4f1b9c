package compare

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/antzucaro/matchr"
)

func TestJaroWinkler_MatchesMatchr(t *testing.T) {
	cases := [][2]string{
		{"martha", "marhta"}, {"dixon", "dicksonx"}, {"jellyfish", "smellyfish"},
		{"a", "a"}, {"a", "b"}, {"ab", "ba"}, {"1234", "1243"}, {"", "abc"},
		{"robert255@smith.net", "roberta25@smith.net"}, {"müller", "muller"},
		{"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl", "bacdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl"},
		{"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm", "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl"},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < 5000; k++ {
		mk := func() string {
			b := make([]byte, rng.IntN(20))
			for i := range b {
				b[i] = "abcde12.@"[rng.IntN(9)]
			}
			return string(b)
		}
		cases = append(cases, [2]string{mk(), mk()})
	}
	for _, c := range cases {
		got, want := jaroWinkler(c[0], c[1]), matchr.JaroWinkler(c[0], c[1], false)
		if math.Abs(got-want) > 1e-12 {
			t.Fatalf("jaroWinkler(%q, %q) = %v, matchr says %v", c[0], c[1], got, want)
		}
	}
}

func TestJaroWinklerBounded_NeverHidesAValueAboveFloor(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	vals := make([]string, 400)
	other := make([]string, len(vals))
	for i := range vals {
		b := make([]byte, 1+rng.IntN(12))
		for k := range b {
			b[k] = byte('a' + rng.IntN(6))
		}
		switch i % 25 {
		case 0: // not ASCII: the exact path
			b = append(b, "é"...)
		case 1: // longer than 64 bytes: the exact path
			b = append(b, strings.Repeat("ab", 33)...)
		case 2:
			b = nil
		}
		vals[i] = string(b)
	}
	for i := range other {
		other[i] = vals[rng.IntN(len(vals))]
	}
	col, err := BuildColumn(vals, "")
	if err != nil {
		t.Fatal(err)
	}
	col2, err := BuildColumn(other, "")
	if err != nil {
		t.Fatal(err)
	}
	col.signatures()
	col2.signatures()
	skipped := 0
	for i := range vals {
		for j := range vals {
			full := jaroWinkler(vals[i], vals[j])
			cross := jaroWinkler(vals[i], other[j])
			for _, floor := range []float64{0.5, 0.7, 0.8, 0.85, 0.9, 0.95} {
				got := jaroWinklerBounded(col, int32(i), int32(j), floor)
				if got == 0 && full > 0 {
					skipped++
				}
				if full >= floor && got != full {
					t.Fatalf("bounded(%q, %q, %v) = %v, want %v", vals[i], vals[j], floor, got, full)
				}
				if got := jaroWinklerCross(col, int32(i), col2, int32(j), floor); cross >= floor && got != cross {
					t.Fatalf("cross(%q, %q, %v) = %v, want %v", vals[i], other[j], floor, got, cross)
				}
			}
		}
	}
	// The bound exists to skip work: at high floors most random pairs.
	if skipped < len(vals)*len(vals) {
		t.Errorf("the bound skipped only %d of %d computations", skipped, 6*len(vals)*len(vals))
	}
}

func TestEditDistance_AgreesWithMatchr(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	mk := func() string {
		b := make([]rune, rng.IntN(8))
		for i := range b {
			b[i] = []rune("abcé")[rng.IntN(4)]
		}
		return string(b)
	}
	for k := 0; k < 20000; k++ {
		a, b := mk(), mk()
		for _, limit := range []int{1, 2, 3} {
			want := min(matchr.Levenshtein(a, b), limit+1)
			if got := EditDistance(a, b, limit); got != want {
				t.Fatalf("EditDistance(%q, %q, %d) = %d, want %d", a, b, limit, got, want)
			}
			want = min(refOSA(a, b), limit+1)
			if got := OSADistance(a, b, limit); got != want {
				t.Fatalf("osa(%q, %q, %d) = %d, want %d", a, b, limit, got, want)
			}
		}
	}
}

func BenchmarkJaroWinkler(b *testing.B) {
	pairs := [][2]string{{"jonathan", "johnathan"}, {"james.smith@acme.com", "jennifer.smith@acme.com"}, {"marketing manager", "director of sales"}}
	for n := 0; n < b.N; n++ {
		p := pairs[n%len(pairs)]
		jaroWinkler(p[0], p[1])
	}
}

func BenchmarkJaroWinklerMatchr(b *testing.B) {
	pairs := [][2]string{{"jonathan", "johnathan"}, {"james.smith@acme.com", "jennifer.smith@acme.com"}, {"marketing manager", "director of sales"}}
	for n := 0; n < b.N; n++ {
		p := pairs[n%len(pairs)]
		matchr.JaroWinkler(p[0], p[1], false)
	}
}

// refOSA is the textbook optimal string alignment distance (matchr.OSA
// misses transpositions in the first two characters, so it cannot serve).
func refOSA(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

func TestLetterSig_CountsAndMinimaAreExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const alphabet = "aaeeiinnrrsstlohmdkcqgjbpvfwuyxz0123-. 'AEZ"
	gen := func() string {
		b := make([]byte, rng.IntN(30))
		for k := range b {
			b[k] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	counts := func(s string) (c [16]int) {
		for k := 0; k < len(s); k++ {
			c[letterBucket[s[k]]]++
		}
		return c
	}
	for n := 0; n < 20000; n++ {
		a, b := gen(), gen()
		ca, cb := counts(a), counts(b)
		sa, sb := letterSig(a), letterSig(b)
		if slices.Max(ca[:]) > 7 != (sa == notShort) {
			t.Fatalf("letterSig(%q) = %x with counts %v", a, sa, ca)
		}
		if sa == notShort || sb == notShort {
			continue
		}
		want := 0
		for k := range ca {
			want += min(ca[k], cb[k])
		}
		if got := sumMinNibbles(sa, sb); got != want || nibbleSum(sa) != len(a) {
			t.Fatalf("%q, %q: sumMinNibbles %d, want %d; nibbleSum %d, len %d", a, b, got, want, nibbleSum(sa), len(a))
		}
	}
	// The bag bound never rules out a pair within the distance.
	digits := func() string {
		b := make([]byte, 5+rng.IntN(4))
		for k := range b {
			b[k] = "0123456789"[rng.IntN(4)]
		}
		return string(b)
	}
	ruledOut := 0
	for n := 0; n < 20000; n++ {
		a, b := digits(), digits()
		if n%2 == 0 {
			a, b = gen(), gen()
		}
		for dist := 1; dist <= 3; dist++ {
			if bagBound(letterSig(a), letterSig(b), dist) {
				continue
			}
			ruledOut++
			if EditDistance(a, b, dist) <= dist || OSADistance(a, b, dist) <= dist {
				t.Fatalf("bagBound rules out %q, %q at distance %d", a, b, dist)
			}
		}
	}
	if ruledOut == 0 {
		t.Error("the bag bound never ruled out a pair")
	}
	if letterSig("é") != notShort || letterSig(strings.Repeat("ab", 33)) != notShort {
		t.Error("non-ASCII and long values must have no signature")
	}
}
