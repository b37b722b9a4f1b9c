package industry

import (
	"slices"
	"strings"

	"github.com/antzucaro/matchr"
	"github.com/leadsmith/leadsmith/normalize/internal/fold"
)

// industryKey is one name or alias prepared for the fuzzy match: its folded
// key, the same words sorted (so word order does not lower the score), and
// its number of distinct letter pairs.
type industryKey struct {
	key, compact  string
	words, sorted []string
	grams         int32
	industry      int32
}

// industryShortlist is how many keys, ranked by shared letter pairs, get a
// Jaro-Winkler comparison. A typo leaves most pairs intact, so the right key
// is near the top; comparing a few dozen instead of all ~1,500 keeps the
// fuzzy path in microseconds.
const industryShortlist = 24

// industryMinFuzzyLen: under four letters Jaro-Winkler scores unrelated
// strings high ("gov" vs "go"), and short values are covered by aliases.
const industryMinFuzzyLen = 4

func industrySorted(words []string) []string {
	if len(words) < 2 {
		return words
	}
	w := slices.Clone(words)
	slices.Sort(w)
	return w
}

// industryWordScore compares two lists of as many words, word by word,
// weighting each word's Jaro-Winkler score by its length: a typo in one
// word costs what it costs that word, and a letter of "civil" cannot pair
// with a letter of "engineering" as it would in one long string.
func industryWordScore(a, b []string) float64 {
	var sum, n float64
	for i := range a {
		l := float64(max(len(a[i]), len(b[i])))
		if a[i] == b[i] {
			sum += l
		} else {
			sum += l * industryTypoScore(a[i], b[i])
		}
		n += l
	}
	if n == 0 {
		return 0
	}
	return sum / n
}

// industryGrams calls f with each distinct letter pair of " key ", so the
// first and last letters count as pairs too.
func industryGrams(key string, f func(uint64)) {
	var seen [64]uint64
	n := 0
	prev := rune(' ')
	emit := func(r rune) {
		g := uint64(prev)<<32 | uint64(r)
		prev = r
		for _, s := range seen[:n] {
			if s == g {
				return
			}
		}
		if n < len(seen) {
			seen[n] = g
			n++
		}
		f(g)
	}
	for _, r := range key {
		emit(r)
	}
	emit(' ')
}

func (t *industryTables) addFuzzy(key string, i int) {
	k := int32(len(t.keys))
	var n int32
	industryGrams(key, func(g uint64) {
		t.grams[g] = append(t.grams[g], k)
		n++
	})
	words := strings.Fields(key)
	t.keys = append(t.keys, industryKey{key: key, compact: strings.ReplaceAll(key, " ", ""),
		words: words, sorted: industrySorted(words), grams: n, industry: int32(i)})
}

// fuzzy shortlists the keys sharing the most letter pairs with key (Dice
// coefficient) and returns the best Jaro-Winkler score among them, taken on
// the keys as written and with their words sorted.
func (t *industryTables) fuzzy(key string, words []string) (int, float64, bool) {
	if len(key) < industryMinFuzzyLen || !fold.HasLetter(key) {
		return 0, 0, false
	}
	shared := make([]int16, len(t.keys))
	var n int32
	industryGrams(key, func(g uint64) {
		n++
		for _, k := range t.grams[g] {
			shared[k]++
		}
	})
	type cand struct {
		k    int32
		dice float64
	}
	var top [industryShortlist]cand
	filled, low := 0, 0 // low: the weakest of a full shortlist
	for k, s := range shared {
		if s == 0 {
			continue
		}
		d := 2 * float64(s) / float64(n+t.keys[k].grams)
		switch {
		case filled < len(top):
			top[filled] = cand{int32(k), d}
			filled++
			if filled < len(top) {
				continue
			}
		case d > top[low].dice:
			top[low] = cand{int32(k), d}
		default:
			continue
		}
		low = 0
		for j := 1; j < len(top); j++ {
			if top[j].dice < top[low].dice {
				low = j
			}
		}
	}
	var sortBuf [12]string
	sorted := words
	if len(words) > 1 {
		sorted = append(sortBuf[:0], words...)
		slices.Sort(sorted)
	}
	compact := ""
	best, score := -1, 0.0
	for _, c := range top[:filled] {
		ik := &t.keys[c.k]
		var s float64
		switch {
		case len(words) == len(ik.words):
			if !industryLengthsClose(key, ik.key) {
				continue
			}
			s = industryWordScore(words, ik.words)
			if len(words) > 1 {
				s = max(s, industryWordScore(sorted, ik.sorted))
			}
		default:
			// a lost or extra space ("Writingand Editing") changes the word
			// count but not the letters
			if compact == "" {
				compact = strings.ReplaceAll(key, " ", "")
			}
			if !industryLengthsClose(compact, ik.compact) {
				continue
			}
			s = matchr.JaroWinkler(compact, ik.compact, false)
		}
		if s > score || s == score && best >= 0 && int(ik.industry) < best {
			best, score = int(ik.industry), s
		}
	}
	if best < 0 {
		return 0, 0, false
	}
	return best, score, true
}

// oneTypoMinLen is the shortest word whose single typo (a letter missing,
// added, changed or two swapped) still says which word was meant: "Helthcare"
// is healthcare, though Jaro-Winkler gives it only 0.914 because the letter
// is lost early; "Retain" (6 letters) is not Retail.
const oneTypoMinLen = 8

// oneTypoScore is the confidence of a word one typo from a known word of at
// least oneTypoMinLen letters: above ConfidenceFloor, below an exact or
// near-perfect match.
const oneTypoScore = 0.95

// industryTypoScore scores two different words: Jaro-Winkler, raised to
// oneTypoScore when they are one typo apart and long enough to tell.
func industryTypoScore(a, b string) float64 {
	s := matchr.JaroWinkler(a, b, false)
	if s < oneTypoScore && min(len(a), len(b)) >= oneTypoMinLen-1 && max(len(a), len(b)) >= oneTypoMinLen && matchr.OSA(a, b) == 1 {
		return oneTypoScore
	}
	return s
}

// industryLengthsClose admits only comparisons a typo could explain: about
// the same length (one letter either way, one more per ten letters).
// Without it Jaro-Winkler rates "Security" against "Securities" as highly
// as a real misspelling.
func industryLengthsClose(a, b string) bool {
	d := len(a) - len(b)
	if d < 0 {
		d = -d
	}
	return d <= 1+len(a)/10
}
