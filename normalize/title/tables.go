package title

import (
	"strconv"
	"strings"
	"sync"
)

// Seniority levels in rank order; a title's seniority is its highest role's.
var titleSeniorities = [...]string{"other", "intern", "entry", "senior", "manager", "director", "vp", "c_level"}

// titleInternRank is the rank of "intern" in titleSeniorities.
const titleInternRank = 1

// Functions lists the job functions Parse returns, for docs and
// validation.
func Functions() []string { return append([]string(nil), titleFunctions[:]...) }

// Seniorities lists the seniority levels Parse returns, lowest first.
func Seniorities() []string { return append([]string(nil), titleSeniorities[:]...) }

var titleFunctions = [...]string{"executive", "sales", "marketing", "engineering", "it", "product",
	"finance", "hr", "operations", "legal", "customer_success", "data", "other"}

const (
	titleFlagHead = 1 << iota // a role noun: its segment is a role
	titleFlagAsst             // "assistant": a following "to"/"of" names another's role
	titleFlagMod              // "partner", "owner": no level when a role noun follows ("Partner Manager")
)

type titleEntry struct {
	rank  int8 // index into titleSeniorities
	fn    int8 // index into titleFunctions, -1 for none
	prio  int8
	flags uint8
}

// titleAbbrev is an expansion; ctx is set for abbreviations whose reading
// depends on position (see titleAbbrevText).
type titleAbbrev struct {
	plain                []titleTok
	afterHead, last, mid []titleTok
	ctx                  bool
}

type titleTables struct {
	phrases  map[string]titleEntry
	maxWords map[string]int // first word of a phrase -> most words of a phrase it starts
	heads    map[string]bool
	abbrev   map[string]*titleAbbrev
}

var titleTab = sync.OnceValue(func() *titleTables {
	t := &titleTables{
		phrases:  map[string]titleEntry{},
		maxWords: map[string]int{},
		heads:    map[string]bool{},
		abbrev:   map[string]*titleAbbrev{},
	}
	t.loadVocab(titleVocabText)
	t.loadAbbrev(titleAbbrevText)
	return t
})

// titleUmlautSpellings gives both ways German is typed without umlauts:
// "Geschäftsführer" folds to "geschaftsfuhrer", "Geschaeftsfuehrer" is
// typed on keyboards without them; the table holds both.
var titleUmlautSpellings = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss")

// titlePhraseKey is the lookup key of a table phrase, made by the same lexer
// that reads titles so the two can never disagree; a coordinating word
// inside a phrase ("research and development") is kept as "and".
func titlePhraseKey(phrase string) (string, []string) {
	toks := titleLex(phrase, nil)
	words := make([]string, 0, len(toks)+1)
	for _, tk := range toks {
		if tk.sep == titleSepAnd {
			words = append(words, "and")
		}
		words = append(words, tk.key)
	}
	return strings.Join(words, " "), words
}

func (t *titleTables) loadVocab(text string) {
	for ln, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		cols := strings.Split(line, "|")
		if len(cols) != 4 {
			panic("normalize: title vocabulary line " + strconv.Itoa(ln) + ": want 4 columns: " + line)
		}
		e := titleEntry{rank: 0, fn: -1, prio: 3}
		if r := strings.TrimSpace(cols[1]); r != "-" {
			e.rank = int8(titleIndex(titleSeniorities[:], r, line))
		}
		if f := strings.TrimSpace(cols[2]); f != "-" {
			name, p, ok := strings.Cut(f, ":")
			e.fn = int8(titleIndex(titleFunctions[:], name, line))
			if ok {
				n, err := strconv.Atoi(p)
				if err != nil {
					panic("normalize: title vocabulary priority: " + line)
				}
				e.prio = int8(n)
			}
		}
		for _, fl := range strings.Fields(cols[3]) {
			switch fl {
			case "h":
				e.flags |= titleFlagHead
			case "asst":
				e.flags |= titleFlagAsst
			case "mod":
				e.flags |= titleFlagMod
			case "-":
			default:
				panic("normalize: title vocabulary flag " + fl + ": " + line)
			}
		}
		for _, p := range strings.Split(cols[0], ",") {
			t.addPhrase(strings.TrimSpace(p), e)
			if alt := titleUmlautSpellings.Replace(p); alt != p {
				t.addPhrase(strings.TrimSpace(alt), e)
			}
		}
	}
}

func (t *titleTables) addPhrase(p string, e titleEntry) {
	key, words := titlePhraseKey(p)
	if key == "" {
		return
	}
	t.phrases[key] = e
	if len(words) > t.maxWords[words[0]] {
		t.maxWords[words[0]] = len(words)
	}
	// The role noun of a phrase is its last word ("account executive",
	// "vice president", "head of" -> "head"): "Sales" stays a qualifier
	// even though "Sales Executive" is a role.
	if e.flags&titleFlagHead != 0 {
		for i := len(words) - 1; i >= 0; i-- {
			if !titleDropWords[words[i]] {
				t.heads[words[i]] = true
				break
			}
		}
	}
}

func titleIndex(list []string, name, line string) int {
	for i, s := range list {
		if s == name {
			return i
		}
	}
	panic("normalize: title vocabulary: unknown value " + name + ": " + line)
}

func (t *titleTables) loadAbbrev(text string) {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		keys, exp, ok := strings.Cut(line, "=")
		if !ok {
			panic("normalize: title abbreviation line: " + line)
		}
		a := &titleAbbrev{}
		if forms := strings.Split(exp, ";"); len(forms) == 3 {
			a.ctx = true
			a.afterHead = titleLex(strings.TrimSpace(forms[0]), nil)
			a.last = titleLex(strings.TrimSpace(forms[1]), nil)
			a.mid = titleLex(strings.TrimSpace(forms[2]), nil)
		} else {
			a.plain = titleLex(strings.TrimSpace(exp), nil)
		}
		for _, k := range strings.Split(keys, ",") {
			key, _ := titlePhraseKey(strings.TrimSpace(k))
			t.abbrev[key] = a
		}
	}
}

// titleDropWords are English function words the normalized title leaves
// out, so "Vice President of Sales" and "VP, Sales" normalize alike; they
// stay inside table phrases ("head of", "chief of staff").
var titleDropWords = map[string]bool{"of": true, "the": true, "for": true, "a": true, "an": true}

// titleCompound reads German compounds ("Vertriebsleiter", "Produktmanagerin",
// "Softwareentwickler"), which are written as one word: the ending gives the
// level and the front the function.
func (t *titleTables) titleCompound(key string) (titleEntry, bool) {
	for _, s := range titleCompoundEnds {
		if len(key) < len(s.end)+3 || !strings.HasSuffix(key, s.end) {
			continue
		}
		e := titleEntry{rank: s.rank, fn: s.fn, prio: s.prio, flags: titleFlagHead}
		front := strings.TrimSuffix(key[:len(key)-len(s.end)], "-")
		pe, ok := t.phrases[front]
		if !ok && len(front) > 3 && front[len(front)-1] == 's' {
			front = front[:len(front)-1] // the linking s of "Vertriebs-leiter"
			pe, ok = t.phrases[front]
		}
		if ok && pe.fn >= 0 && (e.fn < 0 || pe.prio >= e.prio) {
			e.fn, e.prio = pe.fn, pe.prio
		}
		if s.lead && titleTeamFronts[front] {
			e.rank = 4 // manager
		}
		return e, true
	}
	return titleEntry{}, false
}

// titleCompoundEnds: rank is an index into titleSeniorities, fn into
// titleFunctions (-1 none); fn is the ending's own function, which a front
// with a function of at least the same priority replaces
// ("Softwareingenieur" is engineering either way, "Vertriebsingenieur" sales).
var titleCompoundEnds = []struct {
	end      string
	rank, fn int8
	prio     int8
	lead     bool
}{
	{"leiterin", 5, -1, 0, true}, {"leiter", 5, -1, 0, true}, {"leitung", 5, -1, 0, true},
	{"managerin", 4, -1, 0, false}, {"manager", 4, -1, 0, false},
	{"chefin", 5, -1, 0, false}, {"chef", 5, -1, 0, false},
	{"direktorin", 5, -1, 0, false}, {"direktor", 5, -1, 0, false},
	{"vorstand", 7, -1, 0, false},
	{"referentin", 0, -1, 0, false}, {"referent", 0, -1, 0, false},
	{"beraterin", 0, -1, 0, false}, {"berater", 0, -1, 0, false},
	{"assistentin", 2, -1, 0, false}, {"assistent", 2, -1, 0, false}, {"assistenz", 2, -1, 0, false},
	{"sachbearbeiterin", 2, -1, 0, false}, {"sachbearbeiter", 2, -1, 0, false},
	{"mitarbeiterin", 0, -1, 0, false}, {"mitarbeiter", 0, -1, 0, false},
	{"spezialistin", 0, -1, 0, false}, {"spezialist", 0, -1, 0, false},
	{"ingenieurin", 0, 3, 2, false}, {"ingenieur", 0, 3, 2, false},
	{"entwicklerin", 0, 3, 2, false}, {"entwickler", 0, 3, 2, false},
	{"koordinatorin", 2, -1, 0, false}, {"koordinator", 2, -1, 0, false},
	{"kauffrau", 2, -1, 0, false}, {"kaufmann", 2, -1, 0, false},
	{"technikerin", 0, -1, 0, false}, {"techniker", 0, -1, 0, false},
	{"praktikantin", 1, -1, 0, false}, {"praktikant", 1, -1, 0, false},
	{"werkstudentin", 1, -1, 0, false}, {"werkstudent", 1, -1, 0, false},
	{"analyst", 2, 11, 1, false}, {"controller", 0, 6, 3, false},
}

// titleTeamFronts lead a team, a project or a branch, not a department:
// their "-leiter" is a manager.
var titleTeamFronts = map[string]bool{
	"team": true, "gruppen": true, "gruppe": true, "projekt": true, "filial": true, "filiale": true,
	"schicht": true, "lager": true, "bau": true, "kolonnen": true, "markt": true,
}
