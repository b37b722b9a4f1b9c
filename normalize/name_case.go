package normalize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// nameRecase fixes the casing of a name written entirely in upper case or
// entirely in lower case, which is how forms and old systems deliver it;
// mixed case is the person's own spelling ("DeShawn", "McDonald") and is
// returned unchanged. Each word gets a capital, with these exceptions:
//   - O'Brien: a one-letter prefix with an apostrophe capitalizes both
//     parts, except the French particles "d'" and "l'" inside a name
//     (Charles d'Artagnan); the common Italian and Indian surnames written
//     with a capital D' (D'Angelo, D'Souza) are listed and keep it;
//   - McDonald always, MacArthur unless the word is a name of its own that
//     only starts with "mac" (Mack, Macy, Machado, Macias, Mackenzie...);
//   - Jean-Luc: each part of a hyphenated name;
//   - van der Berg, de la Cruz: surname particles stay lower-case between
//     other words, and are capitalized at the start ("Van der Berg" alone
//     in a last-name field, as Dutch writes it) or at the end (the
//     Vietnamese family name Le);
//   - initials written with dots stay upper-case ("J.R.").
func nameRecase(s string) string {
	hasUpper, hasLower := false, false
	for _, r := range s {
		if unicode.IsUpper(r) {
			hasUpper = true
		} else if unicode.IsLower(r) {
			hasLower = true
		}
	}
	if hasUpper == hasLower {
		return s
	}
	words := strings.Split(strings.ToLower(s), " ")
	for i, w := range words {
		first := i == 0 || strings.HasSuffix(words[i-1], ",")
		last := i == len(words)-1 || strings.HasSuffix(w, ",")
		if !first && !last && nameIsParticle(w) {
			continue
		}
		segs := strings.Split(w, "-")
		for j, seg := range segs {
			segs[j] = nameCapSegment(seg, first && j == 0)
		}
		words[i] = strings.Join(segs, "-")
	}
	return strings.Join(words, " ")
}

func nameCapSegment(seg string, first bool) string {
	if nameDottedInitials(seg) {
		return strings.ToUpper(seg)
	}
	if i := strings.IndexAny(seg, "'’"); i > 0 {
		pre, post := seg[:i], seg[i:]
		_, size := utf8.DecodeRuneInString(post)
		apos, rest := post[:size], post[size:]
		if utf8.RuneCountInString(pre) == 1 && rest != "" {
			if (pre == "d" || pre == "l") && !first && !nameHasCapitalD(pre, rest) {
				return pre + apos + nameCapFirst(rest)
			}
			return nameCapFirst(pre) + apos + nameCapFirst(rest)
		}
		return nameCapFirst(seg) // Hawai'i, Ng'ang'a
	}
	if rest, ok := strings.CutPrefix(seg, "mc"); ok && utf8.RuneCountInString(rest) >= 2 {
		return "Mc" + nameCapFirst(rest)
	}
	if rest, ok := strings.CutPrefix(seg, "mac"); ok && utf8.RuneCountInString(rest) >= 3 {
		if _, except := nameMacExceptions[strings.TrimRight(seg, ".,")]; !except {
			return "Mac" + nameCapFirst(rest)
		}
	}
	return nameCapFirst(seg)
}

// nameCapFirst upper-cases the first letter, skipping leading punctuation
// such as the quote of a nickname.
func nameCapFirst(s string) string {
	for i, r := range s {
		if unicode.IsLetter(r) {
			return s[:i] + string(unicode.ToTitle(r)) + s[i+utf8.RuneLen(r):]
		}
	}
	return s
}

func nameDottedInitials(s string) bool {
	n := 0
	prevLetter := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			if prevLetter {
				return false
			}
			prevLetter = true
			n++
		case r == '.' && prevLetter:
			prevLetter = false
		default:
			return false
		}
	}
	return n > 0 && !prevLetter
}

func nameHasCapitalD(pre, rest string) bool {
	_, ok := nameCapitalD[strings.TrimRight(rest, ".,")]
	return pre == "d" && ok
}

// nameCapitalD lists surnames written D'X, as opposed to the particle d'.
var nameCapitalD = nameSet("angelo", "amico", "alessandro", "alessio", "antonio", "onofrio", "agostino", "amato",
	"andrea", "arcy", "souza", "costa", "silva", "cruz", "mello", "ambrosio", "addario", "aquino", "amore", "elia",
	"errico", "ippolito", "orazio", "urso", "agata", "ascenzo", "abreo", "lima", "cunha", "auria", "emilio",
	"amelio", "angelis", "aloia", "arrigo", "avino", "orsi", "ottavio", "acquisto")

// nameMacExceptions are names that merely begin with "mac"; the shorter
// ones (Mack, Macy, Mace) are already excluded by length.
var nameMacExceptions = nameSet("machado", "macias", "macedo", "maciel", "mackie", "mackey", "macklin",
	"machin", "machen", "macri", "macario", "macaulay", "mackenzie", "mackintosh", "macchi", "macchia",
	"machuca", "macek", "macha", "machacek", "macikas", "mackowiak", "macleay", "macabe", "maceda",
	"macedonio", "macey", "macie", "maciej", "macina", "macomber", "machida", "machiavelli", "maccarone")
