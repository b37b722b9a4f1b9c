package title

import (
	"strings"

	"github.com/leadsmith/leadsmith/normalize/internal/fold"
)

// titleRoleSpan is one role of a title inside the work buffer, with the
// separator that joined it to the role before.
type titleRoleSpan struct {
	start, end int
	head       bool
	sep        byte
	sepWord    string
}

// roles groups the words into roles. Punctuation and "and" cut the title
// into segments; a segment that holds a role noun ("VP", "Founder",
// "Engineer") is a role, and one that does not ("Sales", "EMEA") belongs to
// a neighbour: "VP, Sales" is one role, "Founder & CEO" two. A comma before
// the role noun inverts ("Sales, VP of" reads "VP of Sales"); other
// separators keep the order ("Sales & Marketing Director"). A trailing
// segment that is only a company name ("…, Acme Inc.") is dropped.
func (t *titleTables) roles(toks, work []titleTok, spans []titleRoleSpan) ([]titleTok, []titleRoleSpan) {
	for a := 0; a < len(toks); {
		b := a + 1
		for b < len(toks) && toks[b].sep == titleSepNone {
			b++
		}
		seg := toks[a:b]
		sep, sepWord := seg[0].sep, seg[0].sepWord
		if a == 0 {
			sep, sepWord = titleSepNone, ""
		}
		a = b
		head := t.segmentHasHead(seg)
		last := len(spans) - 1
		switch {
		case last < 0:
			spans = append(spans, titleRoleSpan{start: len(work), head: head})
			work = append(work, seg...)
		case head && spans[last].head:
			spans = append(spans, titleRoleSpan{start: len(work), head: true, sep: sep, sepWord: sepWord})
			work = append(work, seg...)
		case head: // a role noun after words that were waiting for one
			prev := spans[last]
			if sep == titleSepComma {
				n := len(work) - prev.start
				work = append(work, seg...)
				titleRotate(work[prev.start:], n)
			} else {
				work = titleAppendJoin(work, sep, sepWord)
				work = append(work, seg...)
			}
			spans[last].head = true
		default:
			if spans[last].head && t.segmentIsCompany(seg) {
				continue
			}
			work = titleAppendJoin(work, sep, sepWord)
			work = append(work, seg...)
		}
		spans[len(spans)-1].end = len(work)
	}
	return work, spans
}

// titleRotate moves the first n words of w to its end, keeping the order
// on both sides: three reversals, no scratch space.
func titleRotate(w []titleTok, n int) {
	rev := func(x []titleTok) {
		for i, j := 0, len(x)-1; i < j; i, j = i+1, j-1 {
			x[i], x[j] = x[j], x[i]
		}
	}
	rev(w[:n])
	rev(w[n:])
	rev(w)
}

// titleAppendJoin writes the word that joins two segments of one role:
// "and" (as typed) for a coordination, "/" for a slash, nothing for a comma
// or a dash. The joining word resets the new segment's own separator.
func titleAppendJoin(work []titleTok, sep byte, sepWord string) []titleTok {
	switch sep {
	case titleSepAnd:
		if sepWord == "" {
			sepWord = "and"
		}
		return append(work, titleTok{disp: sepWord, key: "and"})
	case titleSepSlash:
		return append(work, titleTok{disp: "/", key: "/"})
	}
	return work
}

func (t *titleTables) segmentHasHead(seg []titleTok) bool {
	for _, tk := range seg {
		if t.heads[tk.key] {
			return true
		}
		if _, known := t.phrases[tk.key]; !known {
			if _, ok := t.titleCompound(tk.key); ok {
				return true
			}
		}
	}
	return false
}

// titleCompanySuffixes end company names, never job titles.
var titleCompanySuffixes = map[string]bool{
	"inc": true, "llc": true, "ltd": true, "limited": true, "gmbh": true, "ag": true, "corp": true,
	"corporation": true, "co": true, "plc": true, "sa": true, "sas": true, "sarl": true, "srl": true,
	"spa": true, "bv": true, "nv": true, "oy": true, "ab": true, "kg": true, "pty": true, "pvt": true,
	"lp": true, "llp": true, "company": true, "group": true, "holding": true, "holdings": true,
}

func (t *titleTables) segmentIsCompany(seg []titleTok) bool {
	suffix := false
	for _, tk := range seg {
		if _, known := t.phrases[tk.key]; known {
			return false
		}
		suffix = suffix || titleCompanySuffixes[tk.key]
	}
	return suffix
}

// titleRoleResult is what one role says.
type titleRoleResult struct {
	rank, fn, prio int8
	known, letter  bool
	// intern: the role names an intern, trainee or working student
	// (whatever else it says, see Parse).
	intern bool
}

// titleMatch is one vocabulary hit inside a role.
type titleMatch struct {
	e   titleEntry
	pos int
}

// classify reads one role, writing its normalized words to b. Phrases are
// matched longest first; words after "to" (and after "assistant of") name
// somebody else's role and neither rank nor function the title.
func (t *titleTables) classify(toks []titleTok, b *strings.Builder) titleRoleResult {
	res := titleRoleResult{rank: -1, fn: -1, prio: -1}
	var matchBuf [16]titleMatch
	matches := matchBuf[:0]
	var key [96]byte
	stopped, wrote, prevUnknown := false, false, false
	for i := 0; i < len(toks); {
		n, e, ok := t.longest(toks[i:], key[:0])
		if !ok {
			if ce, cok := t.titleCompound(toks[i].key); cok {
				n, e, ok = 1, ce, true
			}
		}
		if ok {
			if toks[i+n-1].poss {
				e.rank, e.flags = 0, e.flags&^titleFlagHead // "Director's Assistant"
			}
			if !stopped && len(matches) < cap(matches) {
				matches = append(matches, titleMatch{e: e, pos: i})
			}
			if e.flags&titleFlagAsst != 0 && i+n < len(toks) && titleAsstOf[toks[i+n].key] {
				stopped = true
			}
		} else {
			n = 1
			if toks[i].key == "to" {
				stopped = true
			}
		}
		for j := i; j < i+n; j++ {
			tk := toks[j]
			if !ok && titleDropWords[tk.key] {
				continue
			}
			// a hyphen is kept inside a table phrase ("co-founder") or an
			// unknown compound ("e-commerce"), not where it only separates
			// two known words ("VP-Sales")
			keepHyph := tk.hyph && (j > i || !ok && prevUnknown)
			if wrote {
				if keepHyph {
					b.WriteByte('-')
				} else {
					b.WriteByte(' ')
				}
			}
			b.WriteString(tk.disp)
			wrote = true
			res.letter = res.letter || fold.HasLetter(tk.key)
		}
		prevUnknown = !ok
		i += n
	}
	for k, m := range matches {
		res.known = true
		rank := m.e.rank
		if m.e.flags&titleFlagMod != 0 && titleHeadFollows(matches[k+1:]) {
			rank = 0
		}
		if rank > res.rank {
			res.rank = rank
		}
		res.intern = res.intern || rank == titleInternRank && titleInternWords[toks[m.pos].key]
		if m.e.fn >= 0 && m.e.prio > res.prio {
			res.fn, res.prio = m.e.fn, m.e.prio
		}
	}
	if res.rank < 0 {
		res.rank = 0
	}
	return res
}

// titleInternWords are the intern words that make a whole title an
// intern's, whatever level it also names ("Intern, VP Office",
// "Praktikant Geschäftsführung"). "Student" and "stage" are not among
// them: "Student Success Manager" and "Stage Manager" are managers.
var titleInternWords = map[string]bool{
	"intern": true, "internship": true, "werkstudent": true, "werkstudentin": true, "working": true,
	"stagiaire": true, "praktikant": true, "praktikantin": true, "becario": true, "becaria": true,
	"apprentice": true, "apprenti": true, "apprentie": true, "azubi": true, "auszubildender": true,
	"auszubildende": true, "alternant": true, "alternante": true, "practicante": true, "trainee": true,
}

func titleHeadFollows(ms []titleMatch) bool {
	for _, m := range ms {
		if m.e.flags&titleFlagHead != 0 {
			return true
		}
	}
	return false
}

// titleAsstOf are the words after "assistant" that name whose assistant.
var titleAsstOf = map[string]bool{
	"to": true, "of": true, "der": true, "des": true, "de": true, "du": true, "del": true, "di": true, "for": true,
}

// longest finds the longest table phrase at the start of toks.
func (t *titleTables) longest(toks []titleTok, key []byte) (int, titleEntry, bool) {
	maxN := t.maxWords[toks[0].key]
	if maxN > len(toks) {
		maxN = len(toks)
	}
	for n := maxN; n >= 2; n-- {
		key = key[:0]
		for j := 0; j < n; j++ {
			if j > 0 {
				key = append(key, ' ')
			}
			key = append(key, toks[j].key...)
		}
		if e, ok := t.phrases[string(key)]; ok {
			return n, e, true
		}
	}
	e, ok := t.phrases[toks[0].key]
	return 1, e, ok
}
