package normalize

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Domain gives the company's registrable domain: that of website when it
// holds a usable host ("https://www.Acme.co.uk/about" -> "acme.co.uk",
// "acme.com", "www.acme.com:8080", "//acme.com", "Acme.com/contact?x=1";
// internationalized names become punycode), else emailDomain when
// emailType is "corporate" (a free or disposable mailbox says nothing about
// the employer, and a role address's domain is taken only from website).
// "" when neither yields a domain.
//
// A website on a platform that hosts many companies' pages (linkedin.com,
// facebook.com, x.com, google.com, ...) is not the company's domain and
// falls back to the email, as do IP addresses and hosts under unknown
// suffixes ("intranet.local").
func Domain(website, emailDomain, emailType string) string {
	return domainWith(website, emailDomain, emailType, emailRegistrableDomain)
}

func domainWith(website, emailDomain, emailType string, registrable hostDomain) string {
	if d := domainOfWebsite(website, registrable); d != "" {
		return d
	}
	if emailType != EmailCorporate {
		return ""
	}
	host := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(emailDomain)), ".")
	if !emailValidHost(host) {
		return ""
	}
	d, ok := registrable(host)
	if !ok {
		return ""
	}
	return d
}

func domainOfWebsite(website string, registrable hostDomain) string {
	if NullToken(website) {
		return ""
	}
	s := strings.TrimSpace(website)
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	s = strings.TrimLeft(s, "/")
	if i := strings.IndexAny(s, "/?#\\ "); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:] // "user:pass@host" or an email typed into the website field
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	host := strings.TrimSuffix(strings.ToLower(s), ".")
	if !domainIsASCII(host) {
		a, err := idna.Lookup.ToASCII(host)
		if err != nil {
			return ""
		}
		host = a
	}
	if !emailValidHost(host) {
		return ""
	}
	d, ok := registrable(host)
	if !ok {
		return ""
	}
	if _, platform := domainPlatforms[d]; platform {
		return ""
	}
	return d
}

func domainIsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// domainPlatforms host profile pages of many companies.
var domainPlatforms = nameSet("linkedin.com", "facebook.com", "fb.com", "twitter.com", "x.com", "instagram.com",
	"youtube.com", "google.com", "goo.gl", "bit.ly", "crunchbase.com", "wikipedia.org", "yelp.com", "github.com",
	"angel.co", "glassdoor.com", "xing.com", "tiktok.com", "pinterest.com", "medium.com", "bloomberg.com",
	"zoominfo.com", "apollo.io")
