package enrich

import (
	_ "embed"
	"strings"
	"sync"

	"github.com/leadsmith/leadsmith/normalize"
)

//go:embed data/providers.txt
var providersTxt string

// providers is data/providers.txt: ISPs and hosting platforms that are not
// in normalize's free-mail list but name no employer either.
var providers = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(providersTxt, "\n") {
		if line = strings.TrimSpace(line); line != "" && line[0] != '#' {
			m[strings.ToLower(line)] = true
		}
	}
	return m
})

// freeDomains decides whether a registrable domain never names a company:
// normalize's free-mail and disposable lists, data/providers.txt, and the
// configured extra domains.
type freeDomains struct {
	extra map[string]bool
}

func newFreeDomains(o Options) freeDomains {
	f := freeDomains{extra: make(map[string]bool, len(o.FreeEmailDomains))}
	for _, d := range o.FreeEmailDomains {
		d = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "@")
		if r := normalize.Domain(d, "", ""); r != "" {
			d = r
		}
		f.extra[d] = true
	}
	return f
}

// has reports whether d is a free or provider domain. corporateChecked
// says the domain already passed normalize.Email's classification as
// "corporate", which saves that lookup.
func (f freeDomains) has(d string, corporateChecked bool) bool {
	if d == "" {
		return false
	}
	if f.extra[d] || providers()[d] {
		return true
	}
	if corporateChecked {
		return false
	}
	t := normalize.Email("x@" + d).Type
	return t == normalize.EmailFree || t == normalize.EmailDisposable
}
