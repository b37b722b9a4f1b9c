package enrich

import (
	"slices"
	"strings"
)

type fuzzyQuery struct{ key, cc string }

// fuzzyPass matches the contacts whose key hit no account exactly. Each
// distinct (key, country) is searched once; the per-contact part (the
// domain guard and the tie-breaks) is cheap.
func (m *matcher) fuzzyPass() {
	qidx := map[fuzzyQuery]int32{}
	var queries []fuzzyQuery
	which := make([]int32, 0, 1024)
	var todo []int32
	for i := range m.cs {
		if m.state[i] != stFuzzy {
			continue
		}
		q := fuzzyQuery{m.cs[i].CompanyKey, m.cs[i].CountryCode}
		qi, ok := qidx[q]
		if !ok {
			qi = int32(len(queries))
			qidx[q] = qi
			queries = append(queries, q)
		}
		todo = append(todo, int32(i))
		which = append(which, qi)
	}
	spelled := make([]int32, len(queries)) // contacts per query
	for _, qi := range which {
		spelled[qi]++
	}
	results := make([]fuzzyResult, len(queries))
	parallel(len(queries), func(_, lo, hi int) {
		var scratch []int32
		for i := lo; i < hi; i++ {
			results[i], scratch = m.r.fuzzy.search(m.r, queries[i].key, queries[i].cc, m.o.FuzzyMinScore, scratch)
		}
	})
	parallel(len(todo), func(_, lo, hi int) {
		var keep []fuzzyCand
		for j := lo; j < hi; j++ {
			keep = m.fuzzyOne(int(todo[j]), results[which[j]], spelled[which[j]], keep[:0])
		}
	})
}

func (m *matcher) fuzzyOne(i int, res fuzzyResult, spelled int32, keep []fuzzyCand) []fuzzyCand {
	if len(m.r.byKey[m.cs[i].CompanyKey]) > 0 {
		// The name exists exactly, in another country: the company abroad
		// or a namesake, never a look-alike's typo.
		m.out[i].Reason = ReasonOtherCountry
		m.state[i] = stNone
		return keep
	}
	d := m.dom[i]
	confirmed := d != "" && domainSpells(d, m.cs[i].CompanyKey)
	for _, c := range res.cands {
		ds := m.r.accounts[c.acc].Domains
		switch {
		case !tokensCompatible(m.cs[i].CompanyKey, m.r.accounts[c.acc].CompanyKey):
			// another distinctive name, or other words than abbreviations of these
		case d != "" && len(ds) > 0 && !slices.Contains(ds, d):
			// the account's known domains are not the contact's: another company
		case confirmed && !slices.Contains(ds, d):
			// the contact's domain spells its company as written: no typo
		case spelled > fuzzyTypoMaxSpellings && spelled >= m.exactHit[c.acc]:
			// as many contacts write it this way as the account's own spelling: a name, not a typo
		default:
			keep = append(keep, c)
		}
	}
	switch {
	case len(keep) == 0 && len(res.cands) == 0 && res.seen:
		m.out[i].Reason = ReasonBelowFloor
		m.state[i] = stNone
		return keep
	case len(keep) == 0:
		m.out[i].Reason = ReasonNoCandidate
		m.state[i] = stNone
		return keep
	}
	n := 1
	for n < len(keep) && keep[n].score >= keep[0].score-m.o.FuzzyMargin {
		n++
	}
	if n == 1 {
		m.set(i, keep[0].acc, MethodCompanyFuzzy, keep[0].score)
		return keep
	}
	ids := make([]int32, n)
	for j := range n {
		ids[j] = keep[j].acc
	}
	if a, ok := m.tieBreak(ids); ok {
		for _, c := range keep[:n] {
			if c.acc == a {
				m.set(i, a, MethodCompanyFuzzy, c.score)
			}
		}
		return keep
	}
	m.out[i].Reason = ReasonAmbiguous
	m.state[i] = stNone
	return keep
}

// tokensCompatible reports whether two company keys can be spellings of
// one name: the same words in the same order, the first (the distinctive
// name) identical or, when long, one typo apart ("revion" and "revon" are
// two companies; "bluewaev" is "bluewave"), each later one identical or an
// abbreviation of the other ("ptnrs" for "partners", "med" for "medical",
// "anlytcs" for "analytics": the shorter's letters in order, starting
// with the same letter).
func tokensCompatible(a, b string) bool {
	ta, tb := strings.Fields(a), strings.Fields(b)
	if len(ta) != len(tb) || len(ta) == 0 {
		return false
	}
	if ta[0] != tb[0] && !(min(len(ta[0]), len(tb[0])) >= fuzzyTypoMinLen && oneEdit(ta[0], tb[0])) {
		return false
	}
	for k := 1; k < len(ta); k++ {
		if ta[k] != tb[k] && !abbreviates(ta[k], tb[k]) && !abbreviates(tb[k], ta[k]) {
			return false
		}
	}
	return true
}

// fuzzyTypoMinLen is the shortest distinctive word in which a fuzzy match
// takes a typo: shorter names one letter apart ("revion", "revon") are as
// often two companies as one misspelled.
const fuzzyTypoMinLen = 7

// oneEdit reports whether a and b differ by one insertion, deletion,
// substitution or transposition of neighbours.
func oneEdit(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	switch {
	case len(a) < len(b):
		return a[i:] == b[i+1:]
	case i == len(a):
		return false // equal
	case a[i+1:] == b[i+1:]:
		return true
	default:
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	}
}

// abbreviates reports whether short is an abbreviation of long: at least
// two letters, long's first letter, the rest of its letters in order.
func abbreviates(short, long string) bool {
	if len(short) < 2 || len(short) >= len(long) || short[0] != long[0] {
		return false
	}
	j := 1
	for k := 1; k < len(long) && j < len(short); k++ {
		if long[k] == short[j] {
			j++
		}
	}
	return j == len(short)
}

// fuzzyTypoMaxSpellings is how many contacts may share a spelling that
// matched no account exactly before it counts as a company of its own
// rather than a typo, unless the look-alike account has more exact hits.
const fuzzyTypoMaxSpellings = 2

// domainSpells reports whether the first label of domain d is the whole
// company key with spaces removed ("lexnorpharma.com" for "lexnor
// pharma"): the contact's domain then confirms its spelling of the name.
// A domain of the first word alone confirms nothing about the rest.
func domainSpells(d, key string) bool {
	label, _, _ := strings.Cut(d, ".")
	label = strings.ReplaceAll(label, "-", "")
	return len(label) >= fuzzyMinKeyLen && label == strings.ReplaceAll(key, " ", "")
}

// infer groups unmatched, unambiguous contacts by their corporate domain
// into inferred accounts.
func (m *matcher) infer() []Account {
	groups := map[string][]int32{}
	for i := range m.cs {
		d := m.dom[i]
		if m.state[i] != stNone || d == "" || m.out[i].Reason == ReasonAmbiguous || len(m.r.byDomain[d]) > 0 {
			continue
		}
		groups[d] = append(groups[d], int32(i))
	}
	domains := make([]string, 0, len(groups))
	for d := range groups {
		domains = append(domains, d)
	}
	slices.Sort(domains) // "inf-"+domain sorts as domain does
	accs := make([]Account, len(domains))
	parallel(len(domains), func(_, lo, hi int) {
		counts := map[string]int{}
		for g := lo; g < hi; g++ {
			d, members := domains[g], groups[domains[g]]
			mode := func(field func(*Contact) string) string {
				clear(counts)
				best, bestN := "", 0
				for _, i := range members {
					v := field(&m.cs[i])
					if v == "" {
						continue
					}
					counts[v]++
					if n := counts[v]; n > bestN || (n == bestN && strings.Compare(v, best) < 0) {
						best, bestN = v, n
					}
				}
				return best
			}
			a := Account{ID: "inf-" + d, Name: d, Domains: []string{d}, Source: "inferred", Inferred: true,
				CompanyKey:   mode(func(c *Contact) string { return c.CompanyKey }),
				IndustryNorm: mode(func(c *Contact) string { return c.IndustryNorm }),
				EmployeeBand: mode(func(c *Contact) string { return c.EmployeeBand }),
				RevenueBand:  mode(func(c *Contact) string { return c.RevenueBand }),
				CountryCode:  mode(func(c *Contact) string { return c.CountryCode }),
			}
			accs[g] = a
			for _, i := range members {
				m.out[i] = Match{AccountID: a.ID, Method: MethodInferredDomain, Score: 1}
			}
		}
	})
	return accs
}
