package title

import (
	"slices"
	"strings"

	"github.com/leadsmith/leadsmith/normalize/internal/fold"
)

// Result is what Parse makes of a job title.
type Result struct {
	// Norm is the cleaned title: lower-case, abbreviations expanded, the
	// employer and gender tags removed ("Sr. VP Mktg at Acme (m/w/d)" ->
	// "senior vice president marketing"). It is "" when nothing is left that
	// holds a letter.
	Norm string
	// Seniority is one of Seniorities(), "" when OK is false.
	Seniority string
	// Function is one of Functions(), "" when OK is false.
	Function string
	// OK is false when no word of the title is known: the caller records
	// "title_unparsed" unless Empty is set.
	OK bool
	// Empty is set for a blank value or a placeholder ("N/A", "-",
	// "unknown"; see normalize.NullToken): unknown, not a data-quality issue.
	Empty bool
}

// Parse cleans a job title and reads its seniority and job function.
//
// Titles with several roles ("Founder & CEO", "CEO/Founder", "Co-Founder and
// CTO") take the highest role's seniority and the most specific role's
// function (CTO's engineering beats CEO's executive). Word order and
// punctuation do not matter ("Sales, VP of", "VP - Sales", "Vice President
// of Sales" all read the same), nor does the employer ("at Acme", "@Acme",
// "bei Acme"). German, French and Spanish titles are read too. It is safe
// for concurrent use.
func Parse(raw string) Result {
	if fold.NullToken(raw) {
		return Result{Empty: true}
	}
	t := titleTab()
	var tokBuf [32]titleTok
	toks := titleLex(raw, tokBuf[:0])
	if len(toks) == 0 {
		return Result{}
	}
	var expBuf [48]titleTok
	toks = t.expand(toks, expBuf[:0])

	var roleBuf [64]titleTok
	var spanBuf [8]titleRoleSpan
	work, roles := t.roles(toks, roleBuf[:0], spanBuf[:0])

	var b, seg strings.Builder
	b.Grow(len(raw) + 32)
	best := -1
	var bestRole titleRoleResult
	rank := int8(-1)
	hasLetter, intern := false, false
	var written [8]string
	nw := 0
	for i, r := range roles {
		seg.Reset()
		res := t.classify(work[r.start:r.end], &seg)
		hasLetter = hasLetter || res.letter
		// A role written twice ("Chief Information Officer / CIO") is
		// written once.
		if text := seg.String(); text != "" && !slices.Contains(written[:nw], text) {
			if b.Len() > 0 {
				b.WriteString(titleRoleJoin(r))
			}
			b.WriteString(text)
			if nw < len(written) {
				written[nw] = text
				nw++
			}
		}
		if !res.known {
			continue
		}
		intern = intern || res.intern
		if res.rank > rank {
			rank = res.rank
		}
		if best < 0 || res.prio > bestRole.prio ||
			res.prio == bestRole.prio && res.rank > bestRole.rank {
			best, bestRole = i, res
		}
	}
	out := Result{}
	if hasLetter {
		out.Norm = strings.TrimSpace(b.String())
	}
	if best < 0 {
		return out
	}
	out.OK = true
	if intern {
		// An intern is an intern whatever else the title names ("Intern,
		// VP Office", "Praktikant Geschäftsführung").
		rank = titleInternRank
	}
	out.Seniority = titleSeniorities[rank]
	out.Function = "other"
	if bestRole.fn >= 0 {
		out.Function = titleFunctions[bestRole.fn]
	}
	return out
}

func titleRoleJoin(r titleRoleSpan) string {
	switch r.sep {
	case titleSepAnd:
		if r.sepWord != "" {
			return " " + r.sepWord + " "
		}
		return " and "
	case titleSepSlash:
		return " / "
	}
	return ", "
}

// expand replaces abbreviations by their words, reading dotted letters
// ("V.P.", "C.E.O.") as one abbreviation.
func (t *titleTables) expand(toks, out []titleTok) []titleTok {
	for i := 0; i < len(toks); i++ {
		tk := toks[i]
		a := t.abbrev[tk.key]
		if len(tk.key) == 1 {
			if n, da := t.dotted(toks[i:]); da != nil {
				a = da
				i += n - 1
			}
		}
		if a == nil {
			out = append(out, tk)
			continue
		}
		words := a.plain
		if a.ctx {
			switch {
			case t.afterHead(out):
				words = a.afterHead
			case i+1 == len(toks) || toks[i+1].sep != titleSepNone:
				words = a.last
			default:
				words = a.mid
			}
		}
		for j, w := range words {
			if j == 0 {
				w.sep, w.sepWord, w.hyph, w.apos = tk.sep, tk.sepWord, tk.hyph, tk.apos
			}
			out = append(out, w)
		}
	}
	return out
}

// dotted joins up to four one-letter words written without a separator
// between them, and returns how many it used when they spell an abbreviation.
func (t *titleTables) dotted(toks []titleTok) (int, *titleAbbrev) {
	var buf [4]byte
	n := 0
	for n < len(toks) && n < 4 && len(toks[n].key) == 1 && (n == 0 || toks[n].sep == titleSepNone) {
		buf[n] = toks[n].key[0]
		n++
	}
	for ; n >= 2; n-- {
		if a := t.abbrev[string(buf[:n])]; a != nil {
			return n, a
		}
	}
	return 0, nil
}

// afterHead reports whether the words before an abbreviation end in a role
// with a level of manager or above ("VP Eng", "Head of Eng"), so that
// "Eng" is a department there and a person ("Software Eng") elsewhere.
func (t *titleTables) afterHead(out []titleTok) bool {
	for j := len(out) - 1; j >= 0; j-- {
		if titleDropWords[out[j].key] {
			continue
		}
		e, ok := t.phrases[out[j].key]
		return ok && e.flags&titleFlagHead != 0 && e.rank >= 4
	}
	return false
}
