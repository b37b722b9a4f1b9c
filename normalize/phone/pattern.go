package phone

import (
	"regexp"
	"regexp/syntax"
	"sync"
)

// phonePattern is a region's pattern (international prefix, national
// prefix for parsing) matched at the start of a digit string. Its
// top-level alternatives are tried in preference order: a literal one
// matches or not by itself, one that cannot start like the input is
// skipped, and any other leaves the decision to the regular expression
// (the same string libphonenumber compiles).
type phonePattern struct {
	src    string
	lit    string     // the pattern is exactly this literal
	isLit  bool       // lit is meaningful
	alts   []phoneAlt // top-level alternatives, in preference order
	first  uint16     // digits a match can start with (bit 10: anything else, or empty)
	reSrc  string     // what libphonenumber compiles
	reOnce sync.Once
	re     *regexp.Regexp
}

type phoneAlt struct {
	lit   string // the alternative is exactly this literal (isLit)
	isLit bool
	need  string // every match of the alternative starts with this
	first uint16
}

const phoneFirstOther = 1 << 10

// newPhonePattern analyses src; reSrc is the regular expression
// libphonenumber compiles from it, whose leftmost match must start at 0.
func newPhonePattern(src, reSrc string) *phonePattern {
	p := &phonePattern{src: src, reSrc: reSrc, first: 0x7ff}
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return p
	}
	p.first = phoneFirst(re)
	if l, ok := phoneLiteral(re); ok {
		p.lit, p.isLit = l, true
	}
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpAlternate {
		subs = re.Sub
	}
	for _, sub := range subs {
		a := phoneAlt{first: phoneFirst(sub), need: phoneNeed(sub)}
		a.lit, a.isLit = phoneLiteral(sub)
		p.alts = append(p.alts, a)
	}
	return p
}

// phoneNeed is a literal every match of re starts with ("" if unsure).
func phoneNeed(re *syntax.Regexp) string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase == 0 {
			return string(re.Rune)
		}
	case syntax.OpCapture:
		return phoneNeed(re.Sub[0])
	case syntax.OpConcat:
		need := ""
		for _, sub := range re.Sub {
			if l, ok := phoneLiteral(sub); ok {
				need += l
				continue
			}
			return need + phoneNeed(sub)
		}
		return need
	}
	return ""
}

func (p *phonePattern) regexp() *regexp.Regexp {
	p.reOnce.Do(func() { p.re = regexp.MustCompile(p.reSrc) })
	return p.re
}

// prefix reports the end of the pattern's match at the start of d, as
// libphonenumber finds it.
func (p *phonePattern) prefix(d []byte) (int, bool) {
	if p.isLit {
		if len(d) >= len(p.lit) && string(d[:len(p.lit)]) == p.lit {
			return len(p.lit), true
		}
		return 0, false
	}
	if len(d) > 0 && p.first&phoneFirstOther == 0 && p.first&(1<<(d[0]-'0')) == 0 {
		return 0, false
	}
	if len(d) > 0 {
		// Leftmost-first: the first alternative matching at 0 decides.
		decided := true
		for _, a := range p.alts {
			if a.isLit {
				if len(d) >= len(a.lit) && string(d[:len(a.lit)]) == a.lit {
					return len(a.lit), true
				}
				continue
			}
			if len(d) < len(a.need) || string(d[:len(a.need)]) != a.need {
				continue
			}
			if a.first&phoneFirstOther == 0 && a.first&(1<<(d[0]-'0')) == 0 {
				continue
			}
			decided = false
			break
		}
		if decided {
			return 0, false
		}
	}
	// A string, not d: the regexp would make the caller's digits escape.
	loc := p.regexp().FindStringIndex(string(d))
	if loc == nil || loc[0] != 0 {
		return 0, false
	}
	return loc[1], true
}

// phoneLiteral reports whether re is a plain (case-sensitive) literal.
func phoneLiteral(re *syntax.Regexp) (string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return "", false
		}
		return string(re.Rune), true
	case syntax.OpEmptyMatch:
		return "", true
	}
	return "", false
}

// phoneFirst over-approximates the set of first characters of the
// non-empty strings re matches: bits 0-9 for the digits, phoneFirstOther
// for anything else, and phoneFirstOther also whenever re may match the
// empty string or the analysis is unsure, so that a clear bit always
// means "cannot start with this digit".
func phoneFirst(re *syntax.Regexp) uint16 {
	set, nullable := phoneFirstRec(re)
	if nullable {
		set |= phoneFirstOther
	}
	return set
}

func phoneFirstRec(re *syntax.Regexp) (set uint16, nullable bool) {
	const all = 0x7ff
	switch re.Op {
	case syntax.OpNoMatch:
		return 0, false
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0, true
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return 0, true
		}
		return phoneRuneRange(re.Rune[0], re.Rune[0], re.Flags&syntax.FoldCase != 0), false
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			set |= phoneRuneRange(re.Rune[i], re.Rune[i+1], false)
		}
		return set, false
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return all, false
	case syntax.OpCapture:
		return phoneFirstRec(re.Sub[0])
	case syntax.OpStar, syntax.OpQuest:
		s, _ := phoneFirstRec(re.Sub[0])
		return s, true
	case syntax.OpPlus:
		return phoneFirstRec(re.Sub[0])
	case syntax.OpRepeat:
		s, n := phoneFirstRec(re.Sub[0])
		return s, n || re.Min == 0
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			s, n := phoneFirstRec(sub)
			set |= s
			if !n {
				return set, false
			}
		}
		return set, true
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			s, n := phoneFirstRec(sub)
			set |= s
			nullable = nullable || n
		}
		return set, nullable
	}
	return all, true
}

func phoneRuneRange(lo, hi rune, fold bool) uint16 {
	var set uint16
	if fold || lo < '0' || hi > '9' {
		set |= phoneFirstOther
	}
	for r := max(lo, '0'); r <= min(hi, '9'); r++ {
		set |= 1 << (r - '0')
	}
	return set
}
