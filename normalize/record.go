package normalize

import (
	"strings"
	"time"

	"github.com/leadsmith/leadsmith/normalize/industry"
	"github.com/leadsmith/leadsmith/normalize/phone"
	"github.com/leadsmith/leadsmith/normalize/title"
)

// Input is one contact's raw values, as extract staged them.
type Input struct {
	FirstName, LastName, FullName                   string
	Email, Phone, Title, Company, Website, Industry string
	Revenue, Employees, State, Country              string
	CreatedAt, UpdatedAt                            string
}

// Output is one contact's normalized values. A string "" and a zero time
// mean null; HasRevenue and HasEmployees tell a real zero from null.
type Output struct {
	FirstName, LastName, FirstKey, LastKey      string
	EmailNorm, EmailDomain, EmailType, EmailKey string
	PhoneE164                                   string
	TitleNorm, Seniority, JobFunction           string
	IndustryNorm, NAICSSector                   string
	RevenueUSD                                  float64
	HasRevenue                                  bool
	RevenueBand                                 string
	EmployeeCount                               int64
	HasEmployees                                bool
	EmployeeBand                                string
	CountryCode, StateCode, Region              string
	CompanyKey, Domain                          string
	CreatedAt, UpdatedAt                        time.Time
	// Issues are dq codes, one per value that could not be interpreted.
	Issues []string
}

// Options configure a Normalizer.
type Options struct {
	Rates Rates     // currency conversion (DefaultRates() unless overridden)
	Now   time.Time // timestamps after Now + 1 year are refused as typos
	// CacheEntries bounds each per-column cache (default 1<<18): real data
	// repeats titles, industries and revenue texts heavily, but a cache
	// must not grow with a column of unique values.
	CacheEntries int
}

// Normalizer applies every normalizer to a record, caching results by raw
// value. It is not safe for concurrent use: give each worker its own.
type Normalizer struct {
	o         Options
	title     cache[title.Result]
	industry  cache[industry.Result]
	revenue   cache[RevenueResult]
	employees cache[EmployeesResult]
	country   cache[countryResult]
	state     cache[countryResult]
	company   cache[string]
	hosts     cache[registrable]
	names     nameCache
	reg       hostDomain // n.registrable, bound once
	times     TimeParser
}

type countryResult struct {
	code      string
	ok, empty bool
}

// cache is a bounded map from raw value to result. The key is cloned before
// the result is computed from it, because callers pass strings that alias
// reusable buffers (Arrow batches) and a result may be a substring of its
// key.
//
// A cache pays only where values repeat: a lookup in a map of a few hundred
// thousand entries misses the CPU caches and costs about as much as
// cleaning a company name again. So the cache watches its hit rate over
// windows of cacheWindow lookups; below its minimum hit rate
// (cacheMinHitRate, lower for a costly computation) it drops its map
// and computes directly for cacheBypass values, then tries again (the
// sources of a run come one after another, and one may repeat more).
type cache[T any] struct {
	m             map[string]T
	max           int
	lookups, hits int
	bypass        int     // values still to compute without the cache
	minHitRate    float64 // 0: cacheMinHitRate
}

const (
	cacheWindow     = 1 << 15
	cacheMinHitRate = 0.8
	cacheBypass     = 1 << 18
)

func (c *cache[T]) get(key string, compute func(string) T) T {
	if c.bypass > 0 {
		c.bypass--
		return compute(key)
	}
	if c.lookups++; c.lookups == cacheWindow {
		hits := c.hits
		c.lookups, c.hits = 0, 0
		min := c.minHitRate
		if min == 0 {
			min = cacheMinHitRate
		}
		if float64(hits) < min*cacheWindow {
			c.m, c.bypass = nil, cacheBypass
			return compute(key)
		}
	}
	if v, ok := c.m[key]; ok {
		c.hits++
		return v
	}
	key = strings.Clone(key)
	v := compute(key)
	if c.m == nil || len(c.m) >= c.max {
		c.m = make(map[string]T, 1024) // start over rather than evict: cheap, and hot values return at once
	}
	c.m[key] = v
	return v
}

// New returns a Normalizer.
func New(o Options) *Normalizer {
	if o.Rates.PerUSD == nil {
		o.Rates = DefaultRates()
	}
	if o.CacheEntries <= 0 {
		o.CacheEntries = 1 << 18
	}
	n := &Normalizer{o: o}
	max := o.CacheEntries
	n.title.max, n.industry.max, n.revenue.max, n.employees.max = max, max, max, max
	n.country.max, n.state.max, n.company.max, n.hosts.max = max, max, max, max
	n.names.first.max, n.names.last.max = max, max
	n.reg = n.registrable
	// The public-suffix walk costs several map lookups of its own.
	n.hosts.minHitRate = 0.3
	return n
}

// registrable is emailRegistrableDomain with the Normalizer's own cache
// (the shared one is for callers without a Normalizer).
func (n *Normalizer) registrable(host string) (string, bool) {
	r := n.hosts.get(host, func(h string) registrable {
		d, ok := emailRegistrableDomainUncached(h)
		return registrable{d, ok}
	})
	return r.domain, r.ok
}

// Apply normalizes in into out (out is overwritten; its Issues slice is reused).
func (n *Normalizer) Apply(in *Input, out *Output) {
	issues := out.Issues[:0]
	*out = Output{}
	issue := func(code string) { issues = append(issues, code) }

	nm := namesWith(in.FirstName, in.LastName, in.FullName, &n.names)
	out.FirstName, out.LastName, out.FirstKey, out.LastKey = nm.First, nm.Last, nm.FirstKey, nm.LastKey
	if !nm.OK && (strings.TrimSpace(in.FirstName+in.LastName+in.FullName) != "") {
		issue("name_unparsed")
	}

	// Emails and phones are near-unique per record: caching them would only
	// hold memory, so they are computed every time.
	em := emailWith(in.Email, n.reg)
	switch {
	case em.OK:
		out.EmailNorm, out.EmailDomain, out.EmailType, out.EmailKey = em.Norm, em.Domain, em.Type, em.MatchKey
	case !em.Empty:
		out.EmailType = "invalid"
		issue("email_invalid")
	}

	cc := n.country.get(in.Country, func(s string) countryResult {
		code, ok, empty := Country(s)
		return countryResult{code, ok, empty}
	})
	out.CountryCode = cc.code
	if !cc.ok && !cc.empty {
		issue("country_unknown")
	}
	st := n.state.get(in.State+"\x00"+out.CountryCode, func(key string) countryResult {
		raw, country, _ := strings.Cut(key, "\x00")
		code, ok, empty := State(raw, country)
		return countryResult{code, ok, empty}
	})
	out.StateCode = st.code
	// Subdivision tables cover the US, Canada and Australia; elsewhere an
	// unresolved state is not a data problem.
	if !st.ok && !st.empty && (out.CountryCode == "" || StateSupported(out.CountryCode)) {
		issue("state_unknown")
	}
	if out.CountryCode == "" && out.StateCode != "" {
		out.CountryCode = CountryOfState(out.StateCode)
	}
	out.Region = Region(out.CountryCode)

	region := out.CountryCode
	if region == "" {
		region = "US"
	}
	ph := phone.Parse(in.Phone, region)
	out.PhoneE164 = ph.E164
	if !ph.OK && !ph.Empty {
		issue("phone_invalid")
	}

	t := n.title.get(in.Title, title.Parse)
	out.TitleNorm, out.Seniority, out.JobFunction = t.Norm, t.Seniority, t.Function
	if !t.OK && !t.Empty {
		issue("title_unparsed")
	}

	ind := n.industry.get(in.Industry, industry.Parse)
	out.IndustryNorm, out.NAICSSector = ind.Name, ind.NAICS
	if !ind.OK && !ind.Empty {
		issue("industry_unmatched")
	}

	rv := n.revenue.get(in.Revenue, func(s string) RevenueResult { return Revenue(s, n.o.Rates) })
	out.RevenueUSD, out.HasRevenue, out.RevenueBand = rv.USD, rv.OK, rv.Band
	if !rv.OK && !rv.Empty {
		issue("revenue_unparsed")
	}
	emp := n.employees.get(in.Employees, Employees)
	out.EmployeeCount, out.HasEmployees, out.EmployeeBand = emp.Count, emp.OK, emp.Band
	if !emp.OK && !emp.Empty {
		issue("employees_unparsed")
	}

	out.CompanyKey = n.company.get(in.Company, CompanyKey)
	out.Domain = domainWith(in.Website, out.EmailDomain, out.EmailType, n.reg)

	var ok, empty bool
	if out.CreatedAt, ok, empty = n.times.Parse(in.CreatedAt, n.o.Now); !ok && !empty {
		issue("created_at_unparsed")
	}
	if out.UpdatedAt, ok, empty = n.times.Parse(in.UpdatedAt, n.o.Now); !ok && !empty {
		issue("updated_at_unparsed")
	}
	out.Issues = issues
}
