package dedupe

import (
	"math"
	"math/rand/v2"
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
	for i := range vals {
		b := make([]byte, 1+rng.IntN(12))
		for k := range b {
			b[k] = byte('a' + rng.IntN(6))
		}
		vals[i] = string(b)
	}
	p := newPrepared(&Table{IDs: make([]string, len(vals)), Cols: map[string][]string{"v": vals}})
	col, err := p.column("v", "")
	if err != nil {
		t.Fatal(err)
	}
	col.signatures()
	for i := range vals {
		for j := range vals {
			full := jaroWinkler(vals[i], vals[j])
			for _, floor := range []float64{0.7, 0.8, 0.9} {
				got := jaroWinklerBounded(col, int32(i), int32(j), floor)
				if full >= floor && got != full {
					t.Fatalf("bounded(%q, %q, %v) = %v, want %v", vals[i], vals[j], floor, got, full)
				}
			}
		}
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
			if got := levenshtein(a, b, limit); got != want {
				t.Fatalf("levenshtein(%q, %q, %d) = %d, want %d", a, b, limit, got, want)
			}
			want = min(refOSA(a, b), limit+1)
			if got := osaDistance(a, b, limit); got != want {
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
