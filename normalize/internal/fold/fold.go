package fold

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NullToken reports whether a raw value means "unknown" rather than being
// data: blank, pure punctuation ("-", "--", "?", "#"), or one of the
// placeholders spreadsheets and CRMs write for a missing value ("n/a", "NA",
// "n.a.", "none", "null", "nil", "unknown", "not available", "tbd", "#N/A",
// "nan"). "0" is not a null token: a revenue of 0 is data. Every normalizer
// uses it, so a placeholder is an empty value, never a data-quality issue.
func NullToken(s string) bool {
	// Folding keeps every ASCII letter and digit, so a value with more of
	// them than the longest placeholder is data: most values leave here,
	// before any folding.
	alnum := 0
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; ('a' <= c && c <= 'z') || ('0' <= s[i] && s[i] <= '9') {
			if alnum++; alnum > nullTokenMaxAlnum {
				return false
			}
		}
	}
	var buf [32]byte
	k, ok := AppendKeyASCII(buf[:0], s)
	if !ok {
		if len(s) > 64 {
			// every placeholder is short; a long value is data or garbage,
			// and only pure punctuation among the long ones is null
			return Key(s) == ""
		}
		k = []byte(Key(s))
	}
	if len(k) == 0 {
		return true
	}
	_, null := nullTokens[string(k)]
	return null
}

// AppendKeyASCII is Key for short ASCII input, appended to dst so callers
// can fold into a stack buffer and look the result up in a map without
// allocating. ok is false when s is not ASCII or the key outgrows dst's
// capacity; the caller then uses Key.
func AppendKeyASCII(dst []byte, s string) ([]byte, bool) {
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			return dst, false
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', 'A' <= c && c <= 'Z':
			if len(dst)+2 > cap(dst) {
				return dst, false
			}
			if space && len(dst) > 0 {
				dst = append(dst, ' ')
			}
			space = false
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		case c == '\'' || c == '`':
		default:
			space = true
		}
	}
	return dst, true
}

// nullTokens holds the placeholders after Key, which already turned
// "n/a", "N.A." and "#N/A" into "n a".
var nullTokens = map[string]struct{}{
	"n a": {}, "na": {}, "n d": {}, "none": {}, "null": {}, "nil": {}, "nan": {},
	"unknown": {}, "unk": {}, "not available": {}, "not applicable": {},
	"tbd": {}, "tba": {}, "undefined": {}, "not provided": {}, "not specified": {},
	"no data": {}, "nv": {}, "keine angabe": {}, "k a": {},
}

// nullTokenMaxAlnum is the most letters and digits of any null token.
var nullTokenMaxAlnum = func() int {
	most := 0
	for k := range nullTokens {
		most = max(most, len(strings.ReplaceAll(k, " ", "")))
	}
	return most
}()

// Key is the lookup key shared by the tables of normalize and its
// sub-packages (geography, company, names, job titles, industries):
// it lower-cases s, removes accents (NFKD decomposition with the combining
// marks dropped, so "é" is "e" and full-width "Ａ" is "a"), spells out the
// letters that have no decomposition (ß->ss, ø->o, ł->l, æ->ae, œ->oe,
// đ->d, þ->th, ı->i), drops apostrophes so "O'Neil" and "McDonald's" stay
// one word, and turns every other run of non-letters-non-digits into a
// single space, trimmed at both ends. "  Société Générale, S.A. " gives
// "societe generale s a". Letters of any script are kept ("日本" stays).
// Folding keeps case, accents and punctuation from ever deciding a match; it
// is deliberately lossy and must not be shown to users.
func Key(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		if foldIsFolded(s) {
			return s
		}
	} else {
		// norm copies whatever follows an invalid byte undecomposed, which
		// would leave "ć" where a clean string gives "c".
		s = norm.NFKD.String(strings.ToValidUTF8(s, " "))
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	emit := func(r rune) {
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				emit(rune(c))
			case 'A' <= c && c <= 'Z':
				emit(rune(c + 'a' - 'A'))
			case c == '\'' || c == '`':
			default:
				space = true
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case unicode.Is(unicode.Mn, r):
			// a combining accent left by the decomposition
		case r == '’' || r == 'ʼ' || r == '‘':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if sp, ok := foldSpecial[r]; ok {
				for _, x := range sp {
					emit(x)
				}
				continue
			}
			emit(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return b.String()
}

// foldSpecial spells out letters that NFKD leaves whole.
var foldSpecial = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'ø': "o", 'Ø': "o", 'ł': "l", 'Ł': "l",
	'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'đ': "d", 'Đ': "d",
	'þ': "th", 'Þ': "th", 'ð': "d", 'Ð': "d", 'ı': "i", 'ħ': "h", 'Ħ': "h",
}

// foldIsFolded lets the common already-clean ASCII key skip the allocation.
func foldIsFolded(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return s == ""
	}
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			prevSpace = false
		case c == ' ' && !prevSpace:
			prevSpace = true
		default:
			return false
		}
	}
	return true
}

// Compact joins the tokens of a folded key when every token is a single
// character, so dotted abbreviations ("u s a" from "U.S.A.") meet their
// undotted spelling; any other key comes back unchanged.
func Compact(k string) string {
	if len(k) < 3 {
		return k
	}
	for i := 0; i < len(k); i++ {
		if k[i] == ' ' {
			continue
		}
		if (i > 0 && k[i-1] != ' ') || (i+1 < len(k) && k[i+1] != ' ') {
			return k
		}
	}
	return strings.ReplaceAll(k, " ", "")
}

// HasLetter reports whether s holds a lower-case ASCII letter or any
// non-ASCII byte: for a folded key (see Key), whether it holds a letter
// rather than only digits and spaces.
func HasLetter(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'a' <= c && c <= 'z' || c >= 0x80 {
			return true
		}
	}
	return false
}
