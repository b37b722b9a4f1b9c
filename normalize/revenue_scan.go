package normalize

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// revenueWordKind classifies the words and symbols the amount scanner knows.
// Revenue and employee counts share the scanner and differ only in their
// word tables: an unknown word makes the whole value unparsed, because a
// guess like "Q3 2020" -> 3 is worse than a data-quality flag.
type revenueWordKind uint8

const (
	revenueNoise    revenueWordKind = iota + 1 // "approx", "annual", "employees"
	revenueUnit                                // multiplies the number before it
	revenueCurrency                            // ISO code in word.cur
	revenueRange                               // "to", "bis", "and"
	revenueLess                                // "under", "less", "up"
	revenueMore                                // "over", "more", "plus"
	revenueAtLeast                             // "least", "min": a bound that includes X
)

type revenueWord struct {
	kind revenueWordKind
	mult float64
	cur  string
}

// revenueExpr is what the scanner read: up to two amounts, whether they
// form a range, an open bound, and the currency if one was named.
type revenueExpr struct {
	num    [2]float64
	mult   [2]float64 // 0: no unit written; the other amount's unit applies
	n      int
	ranged bool
	cmp    int8 // -1: "< X", +1: "> X" or "X+"
	// inclusive: the lower bound includes X ("at least X", ">= X",
	// "min. X"); otherwise it excludes it ("X+", "over X", "> X").
	inclusive bool
	cur       string
}

// revenueScan reads s (already lower-cased) with the given word table.
// It fails on more than two numbers, unknown words, conflicting currencies,
// a unit with no number before it, or a range that is not between numbers.
func revenueScan(s string, words map[string]revenueWord) (revenueExpr, bool) {
	var e revenueExpr
	unitOK := false // a unit may follow only a number
	pendingRange := false
	setCur := func(c string) bool {
		if e.cur != "" && e.cur != c {
			return false
		}
		e.cur = c
		return true
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r >= '0' && r <= '9' || (r == '.' && i+1 < len(s) && revenueIsDigit(s[i+1]) && !unitOK):
			end := revenueNumberEnd(s, i)
			v, ok := revenueNumber(s[i:end])
			if !ok || e.n == 2 {
				return e, false
			}
			if e.n == 1 && !pendingRange {
				return e, false
			}
			e.num[e.n] = v
			e.n++
			pendingRange = false
			unitOK = true
			i = end
			continue
		case unicode.IsLetter(r):
			end := i
			for end < len(s) {
				r2, sz := utf8.DecodeRuneInString(s[end:])
				if !unicode.IsLetter(r2) {
					break
				}
				end += sz
			}
			w := s[i:end]
			if end < len(s) && s[end] == '$' {
				// "us$", "c$", "a$": the letters name the dollar
				if cur, ok := revenueDollars[w]; ok {
					if !setCur(cur) {
						return e, false
					}
					i = end + 1
					unitOK = false
					continue
				}
			}
			if end < len(s) && s[end] == '.' {
				end++ // "Mio.", "Mrd.", "Rs.", "Fr.", "approx."
			}
			wd, ok := words[w]
			if !ok {
				return e, false
			}
			switch wd.kind {
			case revenueUnit:
				if !unitOK || e.mult[e.n-1] != 0 {
					return e, false
				}
				e.mult[e.n-1] = wd.mult
			case revenueCurrency:
				if !setCur(wd.cur) {
					return e, false
				}
			case revenueRange:
				if e.n == 1 {
					pendingRange, e.ranged = true, true
				}
			case revenueLess:
				e.cmp = -1
			case revenueMore:
				e.cmp = 1
			case revenueAtLeast:
				e.cmp, e.inclusive = 1, true
			}
			// a unit keeps unitOK so "10 million dollars" and "5 mio eur" work
			unitOK = unitOK && wd.kind == revenueUnit
			i = end
			continue
		}
		i += size
		if r == ' ' || r == '\t' || r == '\u00a0' || r == '\u202f' {
			continue // "5 M" is "5M": spacing keeps the unit attached
		}
		unitOK = false
		switch r {
		case '=':
			// only as part of "<=" and ">=", which set cmp already
			if e.cmp > 0 {
				e.inclusive = true
			}
		case ',', ':', '(', ')', '~', '≈', '*', '/', ';':
		case '$':
			if !setCur("USD") {
				return e, false
			}
		case '€', '£', '¥', '₹', '₩', '₽', '₺', '₪':
			if !setCur(revenueSymbols[r]) {
				return e, false
			}
		case '-', '–', '—':
			if e.n == 0 {
				// "-5M" is a negative amount or a dangling dash: neither is revenue
				return e, false
			}
			if e.n == 1 {
				pendingRange, e.ranged = true, true
			}
		case '<', '≤':
			e.cmp = -1
		case '>':
			e.cmp = 1
		case '≥':
			e.cmp, e.inclusive = 1, true
		case '+':
			if e.n == 0 {
				continue // "+5M" is a signed positive number
			}
			e.cmp = 1
		case '.':
			// a sentence full stop or the dot after "St."
		default:
			return e, false
		}
	}
	if e.n == 0 || pendingRange || (e.n == 2 && !e.ranged) || (e.ranged && e.cmp != 0) {
		return e, false
	}
	switch {
	case e.n == 2 && e.mult[0] == 0:
		e.mult[0] = e.mult[1]
	case e.n == 2 && e.mult[1] == 0:
		e.mult[1] = e.mult[0]
	}
	for j := 0; j < e.n; j++ {
		if e.mult[j] == 0 {
			e.mult[j] = 1
		}
	}
	return e, true
}

var revenueDollars = map[string]string{
	"us": "USD", "c": "CAD", "ca": "CAD", "can": "CAD", "a": "AUD", "au": "AUD",
	"nz": "NZD", "hk": "HKD", "s": "SGD", "sg": "SGD", "r": "BRL", "mx": "MXN",
}

var revenueSymbols = map[rune]string{
	'€': "EUR", '£': "GBP", '¥': "JPY", '₹': "INR", '₩': "KRW", '₽': "RUB",
	'₺': "TRY", '₪': "ILS",
}

func revenueIsDigit(c byte) bool { return c >= '0' && c <= '9' }

// revenueNumberEnd finds the end of the number starting at i: digits, and
// the separators ".", ",", "'" between digits. A space (or no-break space)
// counts as a thousands separator only when exactly three digits follow it,
// so "1 234 567" is one number while "10 50" is two.
func revenueNumberEnd(s string, i int) int {
	j := i
	for j < len(s) {
		c := s[j]
		if revenueIsDigit(c) {
			j++
			continue
		}
		if (c == '.' || c == ',' || c == '\'') && j+1 < len(s) && revenueIsDigit(s[j+1]) {
			j++
			continue
		}
		sep := 0
		switch {
		case c == ' ':
			sep = 1
		case strings.HasPrefix(s[j:], "\u00a0"), strings.HasPrefix(s[j:], "\u202f"):
			sep = len("\u00a0")
			if strings.HasPrefix(s[j:], "\u202f") {
				sep = len("\u202f")
			}
		}
		if sep > 0 && j > i && revenueThreeDigits(s, j+sep) {
			j += sep
			continue
		}
		break
	}
	return j
}

func revenueThreeDigits(s string, k int) bool {
	return k+3 <= len(s) && revenueIsDigit(s[k]) && revenueIsDigit(s[k+1]) && revenueIsDigit(s[k+2]) &&
		(k+3 == len(s) || !revenueIsDigit(s[k+3]))
}

// revenueNumber decides the decimal separator by the pattern, so both
// "1,234,567.89" and "1.234.567,89" read as 1234567.89:
//   - spaces and apostrophes always group thousands;
//   - with both "." and ",", the last one is the decimal point;
//   - one kind repeated ("1.234.567") groups thousands;
//   - one separator followed by exactly three digits ("1,200", "1.200")
//     groups thousands unless the integer part is 0 ("0.250");
//   - any other single separator is the decimal point ("12,5", "1.5").
func revenueNumber(s string) (float64, bool) {
	var buf [64]byte
	clean := buf[:0]
	dots, commas, lastDot, lastComma := 0, 0, -1, -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '.':
			dots++
			lastDot = i
		case ',':
			commas++
			lastComma = i
		}
	}
	dec := byte(0)
	switch {
	case dots > 0 && commas > 0:
		if lastDot > lastComma {
			dec = '.'
		} else {
			dec = ','
		}
		if (dec == '.' && dots > 1) || (dec == ',' && commas > 1) {
			return 0, false
		}
	case dots > 1 || commas > 1:
		if !revenueGroupsOfThree(s) {
			return 0, false
		}
	case dots == 1 || commas == 1:
		at := lastDot
		if commas == 1 {
			at = lastComma
		}
		after := 0
		for k := at + 1; k < len(s) && revenueIsDigit(s[k]); k++ {
			after++
		}
		intPart := strings.TrimLeft(strings.Map(revenueDigitsOnly, s[:at]), "0")
		if after != 3 || intPart == "" {
			dec = s[at]
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case revenueIsDigit(c):
			clean = append(clean, c)
		case c == dec:
			clean = append(clean, '.')
		}
	}
	if len(clean) == 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(clean), 64)
	if err != nil {
		return 0, false
	}
	return v, true
}

// revenueGroupsOfThree checks that every group after the first separator
// has three digits, so "1.2.3" is not read as 123.
func revenueGroupsOfThree(s string) bool {
	run, seen := 0, false
	for i := 0; i < len(s); i++ {
		if revenueIsDigit(s[i]) {
			run++
			continue
		}
		if seen && run != 3 {
			return false
		}
		seen, run = true, 0
	}
	return run == 3
}

func revenueDigitsOnly(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}
