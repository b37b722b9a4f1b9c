package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/leadsmith/leadsmith/normalize/internal/fold"
)

// NameResult is a person's name split and cleaned. FirstKey and LastKey are
// the match keys: lower-case, accent-folded (é->e, ß->ss, ø->o, ł->l),
// letters only ("O'Neil" -> "oneil", "van der Berg" -> "vanderberg").
// OK means both First and Last were found.
type NameResult struct {
	First, Last, FirstKey, LastKey string
	OK                             bool
}

// Names cleans first and last and, when either is missing, fills it from
// full (or from a first name field that holds a whole name).
//
// Honorifics and styles in front ("Dr.", "Prof. Dr.", "Mrs", "Herr", "Dr.
// med.", "Mme", "Sra.", "M." before a full name, "Rt. Hon.", "Baroness")
// and suffixes at the end or after a comma ("Jr.", "III", "1st", "PhD",
// "MBA", "MD") are removed. A full name splits
// as:
//   - "Last, First" when a comma remains;
//   - Chinese, Japanese and Korean names family name first ("李 明" gives
//     Last 李 First 明; unspaced "李明" takes the first character as the
//     family name);
//   - from the first surname particle on ("Ludwig van Beethoven", "María de
//     la Cruz": van Beethoven, de la Cruz);
//   - four name words as two given names and two surnames, the Iberian
//     convention ("José María García López": José María / García López),
//     since English names seldom have four parts;
//   - otherwise the first word is First and the last word is Last: middle
//     names and initials are dropped ("Dr. John A. Smith Jr." gives John
//     Smith), because dedupe compares first names and a middle name that
//     one source has and another lacks would only hurt.
//
// A lone word after an honorific is the surname ("Dr. Smith"); a lone word
// otherwise is the first name. Casing is fixed only for input written all
// upper-case or all lower-case (see nameRecase); mixed case is kept as
// given apart from trimming and collapsing spaces.
func Names(first, last, full string) NameResult { return namesWith(first, last, full, nil) }

// namePart is one cleaned name field and its match key.
type namePart struct{ clean, key string }

func firstNamePart(s string) namePart {
	f := nameField(s, true)
	return namePart{f, nameKey(f)}
}

func lastNamePart(s string) namePart {
	l := nameField(s, false)
	return namePart{l, nameKey(l)}
}

// nameCache holds a Normalizer's cleaned first and last name fields: given
// names and surnames repeat far more than whole names do.
type nameCache struct{ first, last cache[namePart] }

func namesWith(first, last, full string, nc *nameCache) NameResult {
	var fp, lp namePart
	if nc != nil {
		fp, lp = nc.first.get(first, firstNamePart), nc.last.get(last, lastNamePart)
	} else {
		fp, lp = firstNamePart(first), lastNamePart(last)
	}
	f, l := fp.clean, lp.clean
	if f == "" || l == "" {
		src := full
		if NullToken(src) && l == "" && strings.ContainsRune(strings.TrimSpace(first), ' ') {
			// a CRM export that put the whole name in first_name
			src, f = first, ""
		}
		if !NullToken(src) {
			pf, pl := nameSplit(nameRecase(nameSpaces(src)))
			if f == "" {
				f = pf
			}
			if l == "" {
				l = pl
			}
		}
	}
	r := NameResult{First: f, Last: l, FirstKey: fp.key, LastKey: lp.key}
	if f != fp.clean {
		r.FirstKey = nameKey(f)
	}
	if l != lp.clean {
		r.LastKey = nameKey(l)
	}
	r.OK = r.FirstKey != "" && r.LastKey != ""
	return r
}

// nameField cleans a given first or last name field.
func nameField(s string, isFirst bool) string {
	if NullToken(s) || strings.IndexByte(s, '@') >= 0 {
		return "" // an email address pasted into a name field is no name
	}
	toks := strings.Fields(nameRecase(nameSpaces(s)))
	toks, _ = nameStripHonorifics(toks)
	toks = nameStripSuffixes(toks)
	if isFirst && len(toks) > 1 && nameIsInitial(toks[len(toks)-1]) {
		toks = toks[:len(toks)-1] // "John A."
	}
	return strings.Join(toks, " ")
}

// nameSpaces trims and collapses white space: " John  Smith " -> "John Smith".
func nameSpaces(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func nameSplit(s string) (first, last string) {
	if strings.IndexByte(s, '@') >= 0 {
		return "", ""
	}
	parts := strings.Split(s, ",")
	kept := parts[:0]
	for i, p := range parts {
		toks := strings.Fields(p)
		if i > 0 && len(toks) > 0 && nameAllSuffixes(toks) {
			continue // "John Smith, Jr.", "Smith, John, PhD"
		}
		if len(toks) > 0 {
			kept = append(kept, p)
		}
	}
	if len(kept) >= 2 {
		lt, _ := nameStripHonorifics(strings.Fields(kept[0]))
		lt = nameStripSuffixes(lt)
		ft, _ := nameStripHonorifics(strings.Fields(kept[1]))
		ft = nameStripSuffixes(ft)
		ft = nameDropInitials(ft)
		if len(ft) > 0 {
			first = ft[0]
		}
		return first, strings.Join(lt, " ")
	}
	if len(kept) == 0 {
		return "", ""
	}
	toks, hon := nameStripHonorifics(strings.Fields(kept[0]))
	toks = nameStripSuffixes(toks)
	switch {
	case len(toks) == 0:
		return "", ""
	case nameIsCJK(strings.Join(toks, "")):
		if len(toks) == 1 {
			r, size := utf8.DecodeRuneInString(toks[0])
			if rest := toks[0][size:]; rest != "" {
				return rest, string(r)
			}
			return "", toks[0]
		}
		return strings.Join(toks[1:], " "), toks[0]
	case len(toks) == 1:
		if hon {
			return "", toks[0]
		}
		return toks[0], ""
	}
	for i := 1; i < len(toks)-1; i++ {
		if nameIsParticle(toks[i]) {
			return nameFirstOf(toks[:i]), strings.Join(toks[i:], " ")
		}
	}
	words := nameDropInitials(toks)
	if len(words) == 4 {
		return words[0] + " " + words[1], words[2] + " " + words[3]
	}
	if len(words) < 2 {
		// "J. Smith": keep the initial as the first name
		return toks[0], toks[len(toks)-1]
	}
	return words[0], words[len(words)-1]
}

// nameFirstOf picks the given name from the words before the surname.
func nameFirstOf(toks []string) string {
	if w := nameDropInitials(toks); len(w) > 0 {
		return w[0]
	}
	return toks[0]
}

func nameDropInitials(toks []string) []string {
	out := make([]string, 0, len(toks))
	for i, t := range toks {
		if i == 0 || !nameIsInitial(t) {
			out = append(out, t)
		}
	}
	if len(out) > 1 && nameIsInitial(out[0]) {
		return out[1:]
	}
	return out
}

// nameIsInitial: "A", "A.", "J.R.".
func nameIsInitial(t string) bool {
	letters := 0
	for _, r := range t {
		switch {
		case unicode.IsLetter(r):
			letters++
		case r != '.':
			return false
		}
	}
	return letters == 1 || (letters <= 3 && strings.Count(t, ".") == letters)
}

// nameTokIn reports whether the token, folded with its dots and spaces
// removed ("Ph.D." -> "phd"), is in set. Tokens are short, so the usual
// path folds into a stack buffer and allocates nothing.
func nameTokIn(set map[string]struct{}, t string) bool {
	var buf [24]byte
	k, ok := fold.AppendKeyASCII(buf[:0], t)
	if !ok {
		_, in := set[strings.ReplaceAll(fold.Key(t), " ", "")]
		return in
	}
	n := 0
	for _, c := range k {
		if c != ' ' {
			k[n] = c
			n++
		}
	}
	_, in := set[string(k[:n])]
	return in
}

// nameStripHonorifics removes leading titles; hon reports whether any was
// there, which makes a lone remaining word a surname.
func nameStripHonorifics(toks []string) (out []string, hon bool) {
	for len(toks) > 0 {
		isHon := nameTokIn(nameHonorifics, toks[0])
		if !isHon && hon {
			isHon = nameTokIn(nameHonorificTails, toks[0]) // "Dr. med.", "Dr. rer. nat."
		}
		if !isHon || (len(toks) < 3 && strings.EqualFold(strings.TrimSuffix(toks[0], "."), "m")) {
			break
		}
		toks, hon = toks[1:], true
	}
	return toks, hon
}

func nameStripSuffixes(toks []string) []string {
	for len(toks) > 1 {
		if !nameTokIn(nameSuffixes, toks[len(toks)-1]) {
			break
		}
		toks = toks[:len(toks)-1]
	}
	return toks
}

func nameAllSuffixes(toks []string) bool {
	for _, t := range toks {
		if !nameTokIn(nameSuffixes, t) {
			return false
		}
	}
	return true
}

func nameIsParticle(t string) bool {
	_, ok := nameParticles[strings.ToLower(t)]
	return ok
}

// nameIsCJK reports whether s is written in Han, Hiragana, Katakana or
// Hangul, whose names put the family name first and have no case.
func nameIsCJK(s string) bool {
	n := 0
	for _, r := range s {
		if !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
			return false
		}
		n++
	}
	return n > 0
}

// nameKey: letters only, lower-case, accents folded.
func nameKey(s string) string {
	var buf [64]byte
	if k, ok := fold.AppendKeyASCII(buf[:0], s); ok {
		n := 0
		for _, c := range k {
			if 'a' <= c && c <= 'z' {
				k[n] = c
				n++
			}
		}
		return string(k[:n])
	}
	k := fold.Key(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return r
		}
		return -1
	}, k)
}

var nameHonorifics = nameSet("mr", "mrs", "ms", "miss", "mx", "dr", "drs", "prof", "professor", "herr", "frau",
	"m", "mme", "mlle", "madame", "monsieur", "sr", "sra", "srta", "senor", "senora", "sir", "dame", "lady", "lord",
	"rev", "revd", "reverend", "fr", "hon", "dring", "drmed", "drrernat", "dipling", "mag", "dott", "dottssa",
	"sig", "sigra", "capt", "col", "gen", "lt", "maj", "sgt", "mrmrs", "messrs", "univprof", "profdr",
	// peerages and styles: "Rt. Hon.", "The Right Honourable", "Baroness"
	"rt", "rthon", "right", "honourable", "honorable", "the", "baron", "baroness", "viscount", "viscountess",
	"earl", "countess", "duke", "duchess", "hrh")

var nameHonorificTails = nameSet("med", "rer", "nat", "phil", "ing", "jur", "oec", "habil", "dent", "vet", "h", "c", "hc")

var nameSuffixes = nameSet("jr", "sr", "ii", "iii", "iv", "phd", "mba", "md", "dds", "dmd", "esq", "cpa", "cfa", "jd",
	"msc", "bsc", "mphil", "dphil", "llm", "pmp", "rn", "mdphd", "frcs", "obe", "mbe", "cbe", "kbe", "junior", "senior",
	// ordinals ("John Smith 1st", "1St" as exports recase it) and counsel
	"1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "qc", "kc")

var nameParticles = nameSet("van", "von", "der", "den", "de", "del", "della", "dei", "di", "da", "du", "des", "la",
	"le", "dos", "das", "do", "ter", "ten", "bin", "ibn", "al", "el", "zu", "af", "av", "st", "st.", "vander", "vanden")

func nameSet(keys ...string) map[string]struct{} {
	m := make(map[string]struct{}, len(keys))
	for _, k := range keys {
		m[k] = struct{}{}
	}
	return m
}
