package enrich

import (
	"runtime"
	"sync"

	"github.com/leadsmith/leadsmith/normalize"
)

// Contact is what matching and append need from one golden record
// (strings "" = null).
type Contact struct {
	EmailDomain, EmailType, Domain, CompanyKey, CountryCode string
	IndustryNorm, EmployeeBand, RevenueBand                 string
	JobFunction, Seniority                                  string
}

// Match is the outcome for one contact.
type Match struct {
	AccountID string  // "" when unmatched
	Method    string  // one of the Method constants, "" when unmatched
	Score     float64 // 1 for exact methods, the Jaro-Winkler for fuzzy, 0 unmatched
	Reason    string  // one of the Reason constants when unmatched, "" when matched
}

// Match methods, most trusted first.
const (
	MethodDomain         = "domain"
	MethodCompanyCountry = "company_country"
	MethodCompanyFuzzy   = "company_fuzzy"
	MethodInferredDomain = "inferred_domain"
)

// Reasons a contact is left unmatched.
const (
	ReasonNoCompany   = "no_company"   // no corporate domain and no company key
	ReasonNoCandidate = "no_candidate" // no account has a similar key in a compatible country
	ReasonBelowFloor  = "below_floor"  // similar keys, none at FuzzyMinScore
	ReasonAmbiguous   = "ambiguous"    // several accounts fit equally well
	// ReasonOtherCountry: an account has the contact's company key exactly,
	// but in another country; a look-alike is not taken instead.
	ReasonOtherCountry = "other_country"
)

// contact states between the passes of MatchAll.
const (
	stNone uint8 = iota
	stMatched
	stMultiDomain
	stMultiKey
	stFuzzy
)

// matcher is one MatchAll call's working state.
type matcher struct {
	r        *Reference
	o        Options
	cs       []Contact
	out      []Match
	state    []uint8
	acc      []int32
	dom      []string // the contact's corporate domain, "" for none
	exactHit []int32  // contacts per account matched by a unique exact hit
}

// MatchAll matches every contact (index i of the result is contacts[i]),
// in the order a RevOps team trusts:
//
//  1. the exact registrable domain of the contact's website or corporate
//     email (Contact.Domain, else EmailDomain when EmailType is
//     "corporate"), never a free-mail, provider or configured domain;
//  2. the exact company key within the contact's country (an account or a
//     contact without a country is compatible with any; accounts of the
//     same country are preferred to those without one);
//  3. Jaro-Winkler over company keys of compatible countries (see
//     fuzzyIndex for the candidates), at least FuzzyMinScore, skipping
//     accounts whose domains are known and do not include the contact's
//     corporate domain: such a look-alike name is another company.
//
// Several accounts on one domain are first narrowed to those with the
// contact's company key. Remaining ties (exact hits on several accounts,
// fuzzy candidates within FuzzyMargin of the best) go to the account with
// more contacts matched by a unique exact hit, then a top-level account
// over a child, then the better tier ("1" < "2" < ... < named < none);
// still tied is "ambiguous", left unmatched: a wrong account costs more
// than none.
//
// With InferAccounts, unmatched contacts with a corporate domain that no
// reference account lists, and that are not ambiguous, are grouped by
// domain into inferred accounts (ID "inf-" + domain, Name the domain,
// CompanyKey and firmographics the most common non-empty values of their
// contacts, ties to the lexically smaller), Method "inferred_domain".
// The inferred accounts are returned sorted by ID. The work is spread over
// GOMAXPROCS goroutines; the result does not depend on their number.
func (r *Reference) MatchAll(contacts []Contact, o Options) ([]Match, []Account) {
	o = o.WithDefaults()
	m := &matcher{r: r, o: o, cs: contacts, out: make([]Match, len(contacts)),
		state: make([]uint8, len(contacts)), acc: make([]int32, len(contacts)), dom: make([]string, len(contacts))}
	m.exactPass()
	m.resolveMulti()
	m.fuzzyPass()
	var inferred []Account
	if o.inferAccounts() {
		inferred = m.infer()
	}
	return m.out, inferred
}

// parallel runs fn over [0,n) in one contiguous chunk per worker.
func parallel(n int, fn func(worker, lo, hi int)) int {
	w := min(runtime.GOMAXPROCS(0), max(1, n/4096))
	var wg sync.WaitGroup
	for i := range w {
		lo, hi := n*i/w, n*(i+1)/w
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(i, lo, hi)
		}()
	}
	wg.Wait()
	return w
}

func (m *matcher) exactPass() {
	free := newFreeDomains(m.o)
	counts := make([][]int32, runtime.GOMAXPROCS(0))
	parallel(len(m.cs), func(w, lo, hi int) {
		cnt := make([]int32, len(m.r.accounts))
		cache := map[string]bool{}
		isFree := func(d string, checked bool) bool {
			if checked {
				return free.has(d, true)
			}
			v, ok := cache[d]
			if !ok {
				v = free.has(d, false)
				cache[d] = v
			}
			return v
		}
		for i := lo; i < hi; i++ {
			m.exactOne(i, isFree)
			if m.state[i] == stMatched {
				cnt[m.acc[i]]++
			}
		}
		counts[w] = cnt
	})
	m.exactHit = make([]int32, len(m.r.accounts))
	for _, cnt := range counts {
		for a, n := range cnt {
			m.exactHit[a] += n
		}
	}
}

func (m *matcher) exactOne(i int, isFree func(string, bool) bool) {
	c := &m.cs[i]
	corporate := c.EmailType == normalize.EmailCorporate
	for _, d := range [2]string{c.Domain, c.EmailDomain} {
		if d == "" || (d == c.EmailDomain && !corporate) || isFree(d, corporate && d == c.EmailDomain) {
			continue
		}
		if m.dom[i] == "" {
			m.dom[i] = d
		}
		switch ids := m.r.byDomain[d]; len(ids) {
		case 0:
			continue
		case 1:
			m.set(i, ids[0], MethodDomain, 1)
			return
		default:
			m.state[i], m.dom[i] = stMultiDomain, d
			return
		}
	}
	if c.CompanyKey == "" {
		if m.dom[i] == "" {
			m.out[i].Reason = ReasonNoCompany
		} else {
			m.out[i].Reason = ReasonNoCandidate
		}
		return
	}
	switch ids := m.keyCandidates(c); len(ids) {
	case 0:
		m.state[i] = stFuzzy
	case 1:
		m.set(i, ids[0], MethodCompanyCountry, 1)
	default:
		m.state[i] = stMultiKey
	}
}

// keyCandidates returns the accounts with the contact's company key in its
// country, else those where either country is unknown.
func (m *matcher) keyCandidates(c *Contact) []int32 {
	ids := m.r.byKey[c.CompanyKey]
	if len(ids) == 1 {
		if cc := m.r.accounts[ids[0]].CountryCode; cc == c.CountryCode || cc == "" || c.CountryCode == "" {
			return ids
		}
		return nil
	}
	var same, compatible []int32
	for _, a := range ids {
		switch cc := m.r.accounts[a].CountryCode; {
		case c.CountryCode != "" && cc == c.CountryCode:
			same = append(same, a)
		case c.CountryCode == "" || cc == "":
			compatible = append(compatible, a)
		}
	}
	if len(same) == 0 {
		return compatible
	}
	return same
}

func (m *matcher) set(i int, acc int32, method string, score float64) {
	m.state[i], m.acc[i] = stMatched, acc
	m.out[i] = Match{AccountID: m.r.accounts[acc].ID, Method: method, Score: score}
}

// resolveMulti settles exact hits on several accounts by the tie-breaks.
func (m *matcher) resolveMulti() {
	parallel(len(m.cs), func(_, lo, hi int) {
		for i := lo; i < hi; i++ {
			st := m.state[i]
			if st != stMultiDomain && st != stMultiKey {
				continue
			}
			ids := m.keyCandidates(&m.cs[i])
			method := MethodCompanyCountry
			if st == stMultiDomain {
				ids, method = m.r.byDomain[m.dom[i]], MethodDomain
				var sameKey []int32
				for _, a := range ids {
					if k := m.cs[i].CompanyKey; k != "" && m.r.accounts[a].CompanyKey == k {
						sameKey = append(sameKey, a)
					}
				}
				if len(sameKey) > 0 {
					ids = sameKey
				}
			}
			if a, ok := m.tieBreak(ids); ok {
				m.set(i, a, method, 1)
			} else {
				m.state[i], m.out[i].Reason = stNone, ReasonAmbiguous
			}
		}
	})
}

// better compares accounts a and b by the tie-breaks: negative when a wins.
func (m *matcher) better(a, b int32) int {
	if x, y := m.exactHit[a], m.exactHit[b]; x != y {
		return int(y - x)
	}
	if x, y := m.r.topLevel[a], m.r.topLevel[b]; x != y {
		if x {
			return -1
		}
		return 1
	}
	return int(m.r.tierRank[a] - m.r.tierRank[b])
}

// tieBreak returns the account of ids that beats all others, if one does.
func (m *matcher) tieBreak(ids []int32) (int32, bool) {
	if len(ids) == 0 {
		return 0, false
	}
	best, tied := ids[0], false
	for _, a := range ids[1:] {
		switch c := m.better(a, best); {
		case c < 0:
			best, tied = a, false
		case c == 0:
			tied = true
		}
	}
	return best, !tied
}
