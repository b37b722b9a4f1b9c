package normalize

import (
	_ "embed"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/publicsuffix"
	"golang.org/x/text/unicode/norm"
)

// EmailResult is one normalized email address.
//
// Norm is the address lower-cased and trimmed; Domain its registrable
// domain (publicsuffix eTLD+1: "eu.acme.co.uk" gives "acme.co.uk"); Type
// one of the contract's email types; MatchKey the address folded so that
// the spellings one mailbox accepts compare equal. Empty means a null
// token. For an invalid address OK is false, Type is "invalid" and the other
// strings are "".
type EmailResult struct {
	Norm, Domain, Type, MatchKey string
	OK, Empty                    bool
}

// Email types, as published in email_type.
const (
	EmailCorporate  = "corporate"
	EmailFree       = "free"
	EmailRole       = "role"
	EmailDisposable = "disposable"
	EmailInvalid    = "invalid"
)

var (
	//go:embed data/freemail.txt
	emailFreeTxt string
	//go:embed data/role_accounts.txt
	emailRoleTxt string
	//go:embed data/disposable.txt
	emailDisposableTxt string
)

type emailTables struct {
	free, freeAnyTLD, role, disposable map[string]struct{}
}

var emailLists = sync.OnceValue(func() *emailTables {
	t := &emailTables{free: emailSet(emailFreeTxt), freeAnyTLD: map[string]struct{}{},
		role: emailSet(emailRoleTxt), disposable: emailSet(emailDisposableTxt)}
	for k := range t.free {
		if name, ok := strings.CutSuffix(k, ".*"); ok {
			t.freeAnyTLD[name] = struct{}{}
			delete(t.free, k)
		}
	}
	return t
})

func emailSet(txt string) map[string]struct{} {
	m := map[string]struct{}{}
	for _, line := range strings.Split(txt, "\n") {
		if line = strings.TrimSpace(line); line != "" && line[0] != '#' {
			m[strings.ToLower(line)] = struct{}{}
		}
	}
	return m
}

// emailTagProviders accept "local+tag@" as "local@"; for Gmail the dots in
// the local part do not count either, and googlemail.com is gmail.com.
var emailTagProviders = map[string]struct{}{
	"gmail.com": {}, "googlemail.com": {}, "outlook.com": {}, "hotmail.com": {}, "live.com": {},
	"hotmail.co.uk": {}, "hotmail.fr": {}, "hotmail.de": {}, "hotmail.it": {}, "hotmail.es": {},
	"outlook.de": {}, "outlook.fr": {}, "live.co.uk": {}, "live.fr": {}, "live.de": {}, "msn.com": {},
	"icloud.com": {}, "me.com": {}, "mac.com": {}, "fastmail.com": {}, "fastmail.fm": {},
	"protonmail.com": {}, "protonmail.ch": {}, "proton.me": {}, "pm.me": {},
}

// Email normalizes and classifies an address. It trims, lower-cases, and
// strips a "mailto:" prefix, a "?subject=" tail, surrounding <> and a
// display name ("Jane <jane@acme.com>"), then checks the syntax: one "@";
// a local part of 1-64 ASCII characters from RFC 5322's atext with dots not
// leading, trailing or doubled; a host of at most 253 characters with two
// or more labels of [a-z0-9-] (no leading or trailing hyphen) under a
// public suffix that ICANN or the PSL's private section knows, so
// "jane@acme.local" is invalid. Quoted local parts, IP-literal hosts and
// non-ASCII addresses are treated as invalid: none reach a mail campaign.
//
// Type is decided in the order disposable (the domain is a throw-away
// service), role (the local part names a function, like info@ or
// noreply@, even at a free provider: it is not a person), free (a consumer
// provider; "yahoo.*" entries match any suffix), else corporate.
func Email(raw string) EmailResult { return emailWith(raw, emailRegistrableDomain) }

// hostDomain gives the registrable domain of a host: emailRegistrableDomain
// or a Normalizer's own cached lookup of it.
type hostDomain func(host string) (string, bool)

func emailWith(raw string, registrable hostDomain) EmailResult {
	if NullToken(raw) {
		return EmailResult{Empty: true}
	}
	s := emailStrip(raw)
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') {
		return EmailResult{Type: EmailInvalid}
	}
	local, host := s[:at], strings.TrimSuffix(s[at+1:], ".")
	if !emailValidLocal(local) || !emailValidHost(host) {
		return EmailResult{Type: EmailInvalid}
	}
	domain, ok := registrable(host)
	if !ok {
		return EmailResult{Type: EmailInvalid}
	}
	r := EmailResult{Norm: local + "@" + host, Domain: domain, OK: true}
	t := emailLists()
	base, _, _ := strings.Cut(local, "+")
	switch {
	case emailHas(t.disposable, domain):
		r.Type = EmailDisposable
	case emailHas(t.role, emailRoleKey(base)):
		r.Type = EmailRole
	case emailHas(t.free, domain) || emailHas(t.freeAnyTLD, domain[:strings.IndexByte(domain, '.')]):
		r.Type = EmailFree
	default:
		r.Type = EmailCorporate
	}
	r.MatchKey = r.Norm
	if _, tags := emailTagProviders[host]; tags {
		if host == "gmail.com" || host == "googlemail.com" {
			base, host = strings.ReplaceAll(base, ".", ""), "gmail.com"
		}
		if base != "" {
			r.MatchKey = base + "@" + host
		}
	}
	return r
}

func emailHas(m map[string]struct{}, k string) bool {
	_, ok := m[k]
	return ok
}

// emailStrip removes the wrapping people and exports put around an address.
func emailStrip(raw string) string {
	s := strings.TrimSpace(raw)
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		if j := strings.IndexByte(s[i:], '>'); j > 0 {
			s = s[i+1 : i+j]
		}
	}
	s = strings.ToLower(strings.TrimSpace(s))
	if !isASCII(s) {
		s = norm.NFC.String(s) // "mu\u0308ller@" and "müller@" are one address
	}
	s = strings.TrimPrefix(s, "mailto:")
	if i := strings.IndexByte(s, '?'); i >= 0 {
		s = s[:i]
	}
	return strings.Trim(s, " \t<>\"'")
}

// emailRoleKey drops the separators people put inside role names
// ("no-reply", "no_reply", "customer.service").
func emailRoleKey(base string) string {
	if !strings.ContainsAny(base, ".-_") {
		return base
	}
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '-' || r == '_' {
			return -1
		}
		return r
	}, base)
}

func emailValidLocal(l string) bool {
	if len(l) == 0 || len(l) > 64 || l[0] == '.' || l[len(l)-1] == '.' || strings.Contains(l, "..") {
		return false
	}
	for _, r := range l {
		if r < utf8.RuneSelf {
			c := byte(r)
			if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte(".!#$%&'*+/=?^_`{|}~-", c) >= 0 {
				continue
			}
			return false
		}
		// Internationalized addresses (RFC 6531) allow any letter, digit
		// or combining mark: müller@, kovač@, josé@ are real mailboxes.
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) {
			continue
		}
		return false
	}
	return true
}

// emailValidHost checks the DNS host name syntax (already lower-cased).
func emailValidHost(h string) bool {
	if len(h) < 3 || len(h) > 253 || !strings.Contains(h, ".") {
		return false
	}
	for label := range strings.SplitSeq(h, ".") {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	tld := h[strings.LastIndexByte(h, '.')+1:]
	for i := 0; i < len(tld); i++ {
		if tld[i] >= '0' && tld[i] <= '9' {
			// all-numeric TLDs do not exist: this is an IP address
			return strings.HasPrefix(tld, "xn--")
		}
	}
	return true
}

// emailRegistrableDomain is the eTLD+1 of a syntactically valid lower-case host,
// refusing hosts whose suffix no registry manages ("acme.local",
// "intranet.corp") and hosts that are themselves a public suffix
// ("co.uk").
func emailRegistrableDomain(host string) (string, bool) {
	// Hosts repeat (a company's domain, the free-mail providers) while
	// addresses do not: the public-suffix walk is cached per host.
	if v, ok := registrableCache.Load(host); ok {
		r := v.(registrable)
		return r.domain, r.ok
	}
	if registrableCount.Add(1) > registrableCacheMax {
		return emailRegistrableDomainUncached(host)
	}
	host = strings.Clone(host) // the domain is a substring of host
	d, ok := emailRegistrableDomainUncached(host)
	registrableCache.Store(host, registrable{d, ok})
	return d, ok
}

type registrable struct {
	domain string
	ok     bool
}

// registrableCacheMax bounds the cache against inputs of unique hosts.
const registrableCacheMax = 1 << 18

var (
	registrableCache sync.Map
	registrableCount atomic.Int64
)

func emailRegistrableDomainUncached(host string) (string, bool) {
	suffix, icann := publicsuffix.PublicSuffix(host)
	if !icann && !strings.Contains(suffix, ".") {
		return "", false
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return "", false
	}
	return d, true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
