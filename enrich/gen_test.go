package enrich

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/leadsmith/leadsmith/normalize"
)

// synth is a synthetic world for the quality test and the benchmark:
// companies with look-alike names (syllable compounds share prefixes and
// differ by a letter, the hard case for fuzzy matching), a clean-ish CRM
// export, a firmographic file with other spellings and gaps, and contacts
// drawn from all companies, some of which no reference file lists.
type synth struct {
	rows     []RawAccount
	contacts []Contact
	truth    []string // expected account id of each contact, "" when its company is in no file
}

type synthCompany struct {
	base, legal, domain, country string
	inCRM, inFirmo               bool
}

var (
	synthSyll  = strings.Fields("blu war neo tek sol vin cor lum ar zen ka ri mo da fen tor pra lex ver ion sta gri nor hal qua")
	synthNouns = strings.Fields("Analytics Systems Labs Logistics Partners Software Foods Capital Energy Health Media Robotics Textiles Metals Pharma Security Networks Solutions Dynamics Works")
	synthLegal = []string{"Inc.", "LLC", "Ltd", "GmbH", "S.A.", "Corp.", "Co., Ltd.", "AG", "B.V.", ""}
	synthCC    = strings.Fields("US US US US GB DE FR NL CA AU IN ES")
	synthFree  = strings.Fields("gmail.com yahoo.com hotmail.com outlook.com gmx.de orange.fr")
)

// newSynth builds nCompanies companies and nContacts contacts. inRef of the
// companies are listed by at least one reference file.
func newSynth(seed uint64, nCompanies, nContacts int) *synth {
	r := rand.New(rand.NewPCG(seed, 7))
	cs := make([]synthCompany, 0, nCompanies)
	seenKey, seenDom := map[string]bool{}, map[string]bool{}
	for len(cs) < nCompanies {
		var w strings.Builder
		for range 2 + r.IntN(2) {
			w.WriteString(synthSyll[r.IntN(len(synthSyll))])
		}
		word := w.String()
		base := strings.ToUpper(word[:1]) + word[1:]
		if r.Float64() < 0.8 {
			base += " " + synthNouns[r.IntN(len(synthNouns))]
		}
		key := normalize.CompanyKey(base)
		dom := strings.ToLower(strings.ReplaceAll(base, " ", "")) + ".com"
		if r.Float64() < 0.3 {
			dom = word + ".io"
		}
		if len(key) < 5 || seenKey[key] || seenDom[dom] {
			continue
		}
		seenKey[key], seenDom[dom] = true, true
		c := synthCompany{base: base, legal: synthLegal[r.IntN(len(synthLegal))], domain: dom,
			country: synthCC[r.IntN(len(synthCC))]}
		switch x := r.Float64(); {
		case x < 0.55:
			c.inCRM, c.inFirmo = true, true
		case x < 0.75:
			c.inCRM = true
		case x < 0.9:
			c.inFirmo = true
		}
		cs = append(cs, c)
	}
	s := &synth{}
	for i, c := range cs {
		name := strings.TrimSpace(c.base + " " + c.legal)
		if c.inCRM {
			s.rows = append(s.rows, RawAccount{Source: "crm", Priority: 1, ID: fmt.Sprintf("crm-%d", i), Name: name,
				Domain: "https://www." + c.domain + "/", Country: c.country, Industry: "Software",
				Employees: "51-200", Tier: fmt.Sprintf("Tier %d", 1+i%3)})
		}
		if c.inFirmo {
			row := RawAccount{Source: "firmo", Priority: 2, ID: fmt.Sprintf("fm-%d", i), Name: synthSpelling(r, c),
				Domain: c.domain, Country: c.country, Revenue: "$10M-$50M", Employees: "120"}
			if r.Float64() < 0.3 {
				row.Domain = ""
			}
			if r.Float64() < 0.1 {
				row.Country = ""
			}
			s.rows = append(s.rows, row)
		}
	}
	keys := map[string]string{}
	companyKey := func(name string) string {
		k, ok := keys[name]
		if !ok {
			k = normalize.CompanyKey(name)
			keys[name] = k
		}
		return k
	}
	s.contacts = make([]Contact, nContacts)
	s.truth = make([]string, nContacts)
	for i := range s.contacts {
		ci := int(float64(len(cs)) * r.Float64() * r.Float64()) // big accounts have more contacts
		c := cs[ci]
		switch {
		case c.inCRM:
			s.truth[i] = fmt.Sprintf("crm-%d", ci)
		case c.inFirmo:
			s.truth[i] = fmt.Sprintf("fm-%d", ci)
		}
		ct := Contact{CompanyKey: companyKey(synthSpelling(r, c)), CountryCode: c.country, IndustryNorm: "Software"}
		if r.Float64() < 0.1 {
			ct.CountryCode = ""
		}
		if r.Float64() < 0.3 {
			ct.EmailType, ct.EmailDomain = normalize.EmailFree, synthFree[r.IntN(len(synthFree))]
			if r.Float64() < 0.2 {
				ct.Domain = c.domain // a website typed into the form
			}
		} else {
			ct.EmailType, ct.EmailDomain, ct.Domain = normalize.EmailCorporate, c.domain, c.domain
		}
		s.contacts[i] = ct
	}
	return s
}

// synthSpelling writes a company name the way one record does: other legal
// forms, case, a leading "The", and one typo in one of eight records.
func synthSpelling(r *rand.Rand, c synthCompany) string {
	name := c.base
	if r.Float64() < 0.6 {
		name += " " + synthLegal[r.IntN(len(synthLegal))]
	}
	switch x := r.Float64(); {
	case x < 0.05:
		name = strings.ToUpper(name)
	case x < 0.1:
		name = "The " + name
	}
	if r.Float64() < 0.125 {
		b := []byte(name)
		i := 1 + r.IntN(len(c.base)-1)
		switch r.IntN(3) {
		case 0:
			b[i] = "aeioutnrs"[r.IntN(9)]
		case 1:
			b = append(b[:i], b[i+1:]...)
		default:
			if i+1 < len(b) {
				b[i], b[i+1] = b[i+1], b[i]
			}
		}
		name = string(b)
	}
	return name
}
