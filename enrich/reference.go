package enrich

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/leadsmith/leadsmith/internal/par"
	"github.com/leadsmith/leadsmith/normalize"
	"github.com/leadsmith/leadsmith/normalize/industry"
)

// RawAccount is one row of a reference source, values as the file has them
// (canonical columns mapped by the config).
type RawAccount struct {
	Source                                                                                              string // reference source name
	Priority                                                                                            int    // 1 = most trusted (CRM export), larger = less
	ID, Name, Domain, OtherDomains, Industry, Employees, Revenue, Country, State, ParentID, Owner, Tier string
}

// Account is a normalized reference (or inferred) account.
type Account struct {
	ID, Name, CompanyKey                                            string
	Domains                                                         []string // registrable domains, primary first
	IndustryNorm, EmployeeBand, RevenueBand, CountryCode, StateCode string
	ParentID, Owner, Tier, Source                                   string
	Inferred                                                        bool
}

// Reference is the set of known accounts with its indexes, built once per
// run by BuildReference and read-only afterwards (safe for concurrent use).
type Reference struct {
	accounts []Account // sorted by ID
	byDomain map[string][]int32
	byKey    map[string][]int32
	topLevel []bool  // no parent: preferred over a child on a tie
	tierRank []int32 // smaller is better
	fuzzy    fuzzyIndex
}

// Problems BuildReference counts.
const (
	ProblemNoNameOrDomain = "no_name_or_domain" // row dropped: nothing to match on
	ProblemDuplicateID    = "duplicate_id"      // a source repeats an id: merged into its first row
	ProblemIDCollision    = "id_collision"      // two sources use one id for different companies: the less trusted is prefixed by its source
	ProblemMergedRow      = "merged_row"        // a row was the same company as a more trusted one
	ProblemFreeDomain     = "free_domain"       // a free-mail or provider domain was dropped from an account
	ProblemSharedDomain   = "shared_domain"     // accounts that remain separate list one domain
	ProblemUnknownParent  = "unknown_parent"    // parent_id names no account of the reference
)

type refAccount struct {
	Account
	sources   []string
	parentSrc string // source whose id space ParentID is in
}

type srcID struct{ source, id string }

// BuildReference normalizes raw rows with the same normalize functions as
// contacts and merges rows that are the same company across sources: same
// registrable domain, else same company key and country (a row without a
// country merges with the only account of its key). Rows are taken most
// trusted first (Priority, then source name, then row order), so the most
// trusted source's id and values win and the others fill gaps. Two rows of
// one source are merged only when they repeat an id. A row with no usable
// name and no domain is dropped. Free-mail and provider domains (see
// Options.FreeEmailDomains) never identify an account and are dropped.
// ParentIDs are translated into the ids the merged accounts carry. It
// returns the per-problem counts of the Problem constants.
func BuildReference(rows []RawAccount, o Options) (*Reference, map[string]int) {
	problems := map[string]int{}
	free := newFreeDomains(o)
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(rows[a].Priority, rows[b].Priority), strings.Compare(rows[a].Source, rows[b].Source))
	})
	// Rows are normalized on every core (each is independent), then merged
	// in trust order on one.
	normed, drops := make([]*refAccount, len(rows)), make([]int, len(rows))
	rates := normalize.DefaultRates()
	const chunk = 1024
	par.Each((len(rows)+chunk-1)/chunk, func(_, k int) {
		for i := k * chunk; i < min(len(rows), (k+1)*chunk); i++ {
			normed[i], drops[i] = normalizeRow(&rows[i], free, rates)
		}
	})
	var accs []*refAccount
	bySrcID := map[srcID]int{}
	byDomain := map[string][]int{}
	byKey := map[string][]int{}
	for _, ri := range order {
		a, n := normed[ri], drops[ri]
		problems[ProblemFreeDomain] += n
		if a.CompanyKey == "" && len(a.Domains) == 0 {
			problems[ProblemNoNameOrDomain]++
			continue
		}
		target := -1
		if a.ID != "" {
			if t, ok := bySrcID[srcID{a.Source, a.ID}]; ok {
				target = t
				problems[ProblemDuplicateID]++
			}
		}
		if target < 0 {
			target = sameCompany(accs, a, byDomain, byKey)
			if target >= 0 {
				problems[ProblemMergedRow]++
			}
		}
		if target < 0 {
			target = len(accs)
			accs = append(accs, &refAccount{Account: a.Account, sources: []string{a.Source}, parentSrc: a.Source})
		} else {
			mergeInto(accs[target], a)
		}
		if a.ID != "" {
			bySrcID[srcID{a.Source, a.ID}] = target
		}
		for _, d := range a.Domains {
			if !slices.Contains(byDomain[d], target) {
				byDomain[d] = append(byDomain[d], target)
			}
		}
		if a.CompanyKey != "" && !slices.Contains(byKey[a.CompanyKey], target) {
			byKey[a.CompanyKey] = append(byKey[a.CompanyKey], target)
		}
	}
	finalIDs(accs, bySrcID, problems)
	r := newReference(accs, problems)
	for k, v := range problems {
		if v == 0 {
			delete(problems, k)
		}
	}
	return r, problems
}

// normalizeRow reads one raw row; it returns the account and how many free
// domains it dropped.
func normalizeRow(raw *RawAccount, free freeDomains, rates normalize.Rates) (*refAccount, int) {
	a := &refAccount{parentSrc: raw.Source}
	a.Source = strings.TrimSpace(raw.Source)
	a.ID = cleanValue(raw.ID)
	a.Name = cleanValue(raw.Name)
	a.CompanyKey = normalize.CompanyKey(raw.Name)
	dropped := 0
	for _, d := range append([]string{raw.Domain}, splitDomains(raw.OtherDomains)...) {
		d = normalize.Domain(d, "", "")
		switch {
		case d == "" || slices.Contains(a.Domains, d):
		case free.has(d, false):
			dropped++
		default:
			a.Domains = append(a.Domains, d)
		}
	}
	if in := industry.Parse(raw.Industry); in.OK {
		a.IndustryNorm = in.Name
	}
	a.EmployeeBand = normalize.Employees(raw.Employees).Band
	a.RevenueBand = normalize.Revenue(raw.Revenue, rates).Band
	if cc, ok, _ := normalize.Country(raw.Country); ok {
		a.CountryCode = cc
	}
	if st, ok, _ := normalize.State(raw.State, a.CountryCode); ok {
		a.StateCode = st
	}
	a.ParentID = cleanValue(raw.ParentID)
	a.Owner = cleanValue(raw.Owner)
	a.Tier = normalizeTier(raw.Tier)
	return a, dropped
}

func cleanValue(s string) string {
	if normalize.NullToken(s) {
		return ""
	}
	return strings.TrimSpace(s)
}

func splitDomains(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || r == '|' || r == ' ' || r == '\t' || r == '\n'
	})
}

// normalizeTier keeps the number of "Tier 1", "T2", "1" so tiers compare
// as numbers; a tier without a number is kept as written.
func normalizeTier(raw string) string {
	s := cleanValue(raw)
	i := strings.IndexAny(s, "0123456789")
	if i < 0 {
		return s
	}
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	n, err := strconv.Atoi(s[i:j])
	if err != nil {
		return s
	}
	return strconv.Itoa(n)
}

// tierRank orders tiers: numbers ascending, then named tiers, then none.
func tierRank(t string) int32 {
	if t == "" {
		return 1 << 30
	}
	if n, err := strconv.Atoi(t); err == nil && n >= 0 && n < 1<<20 {
		return int32(n)
	}
	return 1 << 29
}

// sameCompany finds the earlier (more trusted) account of another source
// that a is the same company as, or -1.
func sameCompany(accs []*refAccount, a *refAccount, byDomain, byKey map[string][]int) int {
	other := func(i int) bool { return !slices.Contains(accs[i].sources, a.Source) }
	for _, d := range a.Domains {
		for _, i := range byDomain[d] {
			if other(i) {
				return i
			}
		}
	}
	if a.CompanyKey == "" {
		return -1
	}
	compatible := -1
	n := 0
	for _, i := range byKey[a.CompanyKey] {
		if !other(i) {
			continue
		}
		if a.CountryCode != "" && accs[i].CountryCode == a.CountryCode {
			return i
		}
		if a.CountryCode == "" || accs[i].CountryCode == "" {
			if compatible < 0 {
				compatible = i
			}
			n++
		}
	}
	if n == 1 {
		return compatible
	}
	return -1
}

// mergeInto fills t's gaps from the less trusted row a.
func mergeInto(t, a *refAccount) {
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&t.ID, a.ID)
	fill(&t.Name, a.Name)
	fill(&t.CompanyKey, a.CompanyKey)
	for _, d := range a.Domains {
		if !slices.Contains(t.Domains, d) {
			t.Domains = append(t.Domains, d)
		}
	}
	fill(&t.IndustryNorm, a.IndustryNorm)
	fill(&t.EmployeeBand, a.EmployeeBand)
	fill(&t.RevenueBand, a.RevenueBand)
	fill(&t.CountryCode, a.CountryCode)
	if t.StateCode == "" && (a.CountryCode == t.CountryCode || a.CountryCode == "") {
		t.StateCode = a.StateCode
	}
	if t.ParentID == "" && a.ParentID != "" {
		t.ParentID, t.parentSrc = a.ParentID, a.Source
	}
	fill(&t.Owner, a.Owner)
	fill(&t.Tier, a.Tier)
	if !slices.Contains(t.sources, a.Source) {
		t.sources = append(t.sources, a.Source)
	}
}

// finalIDs gives every account a unique id (its own, prefixed by its
// source on a collision, or one made from its source and domain or key)
// and translates parent ids into final ids.
func finalIDs(accs []*refAccount, bySrcID map[srcID]int, problems map[string]int) {
	used := make(map[string]bool, len(accs))
	final := make([]string, len(accs))
	unique := func(id string) string {
		for n := 2; used[id]; n++ {
			id = strings.TrimSuffix(id, "#"+strconv.Itoa(n-1)) + "#" + strconv.Itoa(n)
		}
		used[id] = true
		return id
	}
	for i, a := range accs {
		id := a.ID
		switch {
		case id == "" && len(a.Domains) > 0:
			id = a.Source + ":" + a.Domains[0]
		case id == "":
			id = a.Source + ":" + a.CompanyKey + ":" + a.CountryCode
		case used[id]:
			problems[ProblemIDCollision]++
			id = a.Source + ":" + id
		}
		final[i] = unique(id)
	}
	for i, a := range accs {
		a.ID = final[i]
		if a.ParentID == "" {
			continue
		}
		if p, ok := bySrcID[srcID{a.parentSrc, a.ParentID}]; ok && p != i {
			a.ParentID = final[p]
		} else if !ok {
			problems[ProblemUnknownParent]++
		} else {
			a.ParentID = ""
		}
	}
}

func newReference(accs []*refAccount, problems map[string]int) *Reference {
	r := &Reference{accounts: make([]Account, len(accs)), byDomain: map[string][]int32{}, byKey: map[string][]int32{}}
	for i, a := range accs {
		r.accounts[i] = a.Account
	}
	slices.SortFunc(r.accounts, func(a, b Account) int { return strings.Compare(a.ID, b.ID) })
	r.topLevel = make([]bool, len(r.accounts))
	r.tierRank = make([]int32, len(r.accounts))
	for i := range r.accounts {
		a := &r.accounts[i]
		r.topLevel[i] = a.ParentID == ""
		r.tierRank[i] = tierRank(a.Tier)
		for _, d := range a.Domains {
			r.byDomain[d] = append(r.byDomain[d], int32(i))
		}
		if a.CompanyKey != "" {
			r.byKey[a.CompanyKey] = append(r.byKey[a.CompanyKey], int32(i))
		}
	}
	for _, ids := range r.byDomain {
		if len(ids) > 1 {
			problems[ProblemSharedDomain]++
		}
	}
	r.fuzzy = newFuzzyIndex(r.byKey)
	return r
}

// Accounts returns the accounts sorted by ID. The slice is the caller's.
func (r *Reference) Accounts() []Account { return slices.Clone(r.accounts) }

// Len is the number of accounts.
func (r *Reference) Len() int { return len(r.accounts) }
