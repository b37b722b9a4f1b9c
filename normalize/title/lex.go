package title

import (
	"unicode"
	"unicode/utf8"

	"github.com/leadsmith/leadsmith/normalize/internal/fold"
)

// titleMaxInput bounds the work done on one value: a real title is a few
// words, and anything longer is a pasted bio or a CSV column shift, whose
// first 300 bytes say as much as the rest.
const titleMaxInput = 300

// Separator kinds between two tokens. The kind decides how segments are
// joined again: '&' and '/' coordinate ("Sales & Marketing", "CEO/Founder"),
// ',' may invert ("Sales, VP of"), '-' only separates ("VP - Sales").
const (
	titleSepNone  byte = 0
	titleSepDash  byte = '-'
	titleSepComma byte = ','
	titleSepSlash byte = '/'
	titleSepAnd   byte = '&'
)

// titleTok is one word of a title: disp is what the normalized title shows
// (lower-cased, accents kept), key is what the tables are looked up by
// (folded). sep is the strongest separator seen before the word.
type titleTok struct {
	disp, key string
	sep       byte
	sepWord   string // the connector as typed ("und", "y"), "" for punctuation
	apos      bool   // follows an apostrophe: "director's" -> "director" + "s"
	hyph      bool   // hyphen-joined to the word before: "co-founder"
	poss      bool   // followed by a possessive "'s": names whose, not what
}

// titleSepRank orders separators so ", and" counts as '&' and " - ," as ','.
func titleSepRank(b byte) int {
	switch b {
	case titleSepAnd:
		return 4
	case titleSepSlash:
		return 3
	case titleSepComma:
		return 2
	case titleSepDash:
		return 1
	}
	return 0
}

// titleLex splits raw into words and separators. It stops at "@" and at the
// words that introduce an employer ("at", "bei", "chez") once a word has
// been seen, because "VP Sales at Acme" names Acme, not a role.
func titleLex(raw string, toks []titleTok) []titleTok {
	if len(raw) > titleMaxInput {
		cut := titleMaxInput
		for cut > 0 && !utf8.RuneStart(raw[cut]) {
			cut--
		}
		raw = raw[:cut]
	}
	type span struct {
		start, end        int
		sep               byte
		sepWord           string
		apos, ascii, hyph bool
	}
	var spanBuf [24]span
	spans := spanBuf[:0]
	disp := make([]byte, 0, len(raw)+8)
	start := -1 // byte offset in disp of the word being read
	ascii := true
	sep := titleSepNone
	sepWord := ""
	apos, hyph := false, false
	stop := false
	flush := func() {
		if start < 0 {
			return
		}
		w := disp[start:]
		sp := span{start: start, end: len(disp), sep: sep, sepWord: sepWord, apos: apos, ascii: ascii, hyph: hyph}
		start, ascii = -1, true
		if c, ok := titleConnectors[string(w)]; ok {
			if c == titleSepNone {
				if len(spans) > 0 {
					stop = true
				}
				return
			}
			if titleSepRank(c) >= titleSepRank(sep) {
				sep, sepWord = c, titleConnectorWords[string(w)]
			}
			disp = disp[:sp.start]
			hyph = false
			return
		}
		spans = append(spans, sp)
		sep, sepWord, apos, hyph = titleSepNone, "", false, false
	}
	setSep := func(b byte) {
		flush()
		hyph = false
		if titleSepRank(b) > titleSepRank(sep) {
			sep, sepWord = b, ""
			if b == titleSepAnd {
				sepWord = "and"
			}
		}
	}
	for i := 0; i < len(raw) && !stop; {
		r, size := rune(raw[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(raw[i:])
		}
		prevLetter := i > 0 && titleIsWordByte(raw[i-1])
		i += size
		nextLetter := i < len(raw) && titleIsWordByte(raw[i])
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9'):
			if start < 0 {
				start = len(disp)
			}
			disp = append(disp, byte(r))
		case 'A' <= r && r <= 'Z':
			if start < 0 {
				start = len(disp)
			}
			disp = append(disp, byte(r+'a'-'A'))
		case r == '&' && prevLetter && nextLetter && start >= 0 && len(disp)-start <= 2:
			// R&D, P&L, M&A: one word, not a coordination.
			disp = append(disp, '&')
		case r == '&' || r == '+':
			setSep(titleSepAnd)
		case r == '/' || r == '\\':
			setSep(titleSepSlash)
		case r == ',' || r == ';' || r == ':':
			setSep(titleSepComma)
		case r == '-' || r == '_':
			if prevLetter && nextLetter {
				flush() // "Co-Founder", "Vice-President": two words, no break
				hyph = true
			} else {
				setSep(titleSepDash)
			}
		case r == '|' || r == '(' || r == ')' || r == '[' || r == ']' || r == '–' || r == '—' || r == '•' || r == '·':
			setSep(titleSepDash)
		case r == '@':
			flush()
			if len(spans) > 0 {
				stop = true
			}
		case r == '\'' || r == '’' || r == '`':
			flush()
			apos = true
		case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)):
			if unicode.Is(unicode.Mn, r) && start < 0 {
				continue // a stray accent with no letter to sit on
			}
			if start < 0 {
				start = len(disp)
			}
			ascii = false
			disp = utf8.AppendRune(disp, unicode.ToLower(r))
		default:
			flush() // spaces, dots, emoji, quotes: a word break and nothing more
		}
	}
	if !stop {
		flush()
	}
	all := string(disp)
	for _, sp := range spans {
		d := all[sp.start:sp.end]
		k := d
		if !sp.ascii {
			if k = fold.Key(d); k == "" {
				continue
			}
		}
		toks = append(toks, titleTok{disp: d, key: k, sep: sp.sep, sepWord: sp.sepWord, apos: sp.apos, hyph: sp.hyph && sp.sep == titleSepNone})
	}
	return titleDropTags(toks)
}

func titleIsWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= utf8.RuneSelf
}

// titleConnectors are words that act as punctuation. titleSepNone marks the
// words that introduce the employer, where the title ends.
var titleConnectors = map[string]byte{
	"and": titleSepAnd, "und": titleSepAnd, "et": titleSepAnd, "y": titleSepAnd,
	"at": titleSepNone, "bei": titleSepNone, "chez": titleSepNone,
}

// titleConnectorWords keeps how a coordinating word was written, so the
// normalized title says "vertrieb und marketing", not "vertrieb and marketing".
var titleConnectorWords = map[string]string{"and": "and", "und": "und", "et": "et", "y": "y"}

// titleTags are gender markers of German and French job ads ("m/w/d",
// "h/f") and pronouns ("she/her"); a run of two or more joined by slashes
// says nothing about the role.
var titleTags = map[string]bool{
	"m": true, "w": true, "d": true, "f": true, "h": true, "x": true, "div": true,
	"he": true, "him": true, "his": true, "she": true, "her": true, "hers": true,
	"they": true, "them": true, "theirs": true,
}

func titleDropTags(toks []titleTok) []titleTok {
	out := toks[:0]
	for i := 0; i < len(toks); i++ {
		j := i
		for j+1 < len(toks) && titleTags[toks[j].key] && titleTags[toks[j+1].key] && toks[j+1].sep == titleSepSlash {
			j++
		}
		if j > i {
			// keep the separator that stood before the run for the next word
			if j+1 < len(toks) && titleSepRank(toks[i].sep) > titleSepRank(toks[j+1].sep) {
				toks[j+1].sep = toks[i].sep
			}
			i = j
			continue
		}
		t := toks[i]
		if t.apos && t.key == "s" && t.sep == titleSepNone {
			if len(out) > 0 {
				out[len(out)-1].poss = true
			}
			continue
		}
		out = append(out, t)
	}
	// A French elision ("d'affaires", "l'entreprise") is shown as written
	// but looked up without its article, so "chargé d'affaires" meets the
	// table's "chargé affaires".
	res := out[:0]
	for i := 0; i < len(out); i++ {
		t := out[i]
		if (t.key == "d" || t.key == "l") && i+1 < len(out) && out[i+1].apos && out[i+1].sep == titleSepNone {
			next := out[i+1]
			next.disp = t.disp + "'" + next.disp
			next.sep, next.sepWord, next.hyph = t.sep, t.sepWord, t.hyph
			res = append(res, next)
			i++
			continue
		}
		res = append(res, t)
	}
	return res
}
