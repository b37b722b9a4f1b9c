package enrich

import "slices"

// Firmographics are the account-level values a contact carries.
type Firmographics struct {
	IndustryNorm, EmployeeBand, RevenueBand, CountryCode string
}

// Provenance tells, per field of Firmographics, where the value came from:
// "contact" (its own value was kept), "account" (taken from the account) or
// "" (neither has one).
type Provenance struct {
	IndustryNorm, EmployeeBand, RevenueBand, CountryCode string
}

// Provenance values.
const (
	FromContact = "contact"
	FromAccount = "account"
)

// Append fills the contact's missing industry_norm, employee_band,
// revenue_band and country_code from its account a (nil when unmatched).
// A value the contact has is never replaced unless its field is in
// o.Overwrite and the account has a value: the account knows the company
// better than a form fill does, but an empty account value erases nothing.
func Append(c Contact, a *Account, o Options) (Firmographics, Provenance) {
	var f Firmographics
	var p Provenance
	var acc Account
	if a != nil {
		acc = *a
	}
	pick := func(field, own, theirs string, v, prov *string) {
		switch {
		case theirs != "" && (own == "" || slices.Contains(o.Overwrite, field)):
			*v, *prov = theirs, FromAccount
		case own != "":
			*v, *prov = own, FromContact
		}
	}
	pick(FieldIndustry, c.IndustryNorm, acc.IndustryNorm, &f.IndustryNorm, &p.IndustryNorm)
	pick(FieldEmployees, c.EmployeeBand, acc.EmployeeBand, &f.EmployeeBand, &p.EmployeeBand)
	pick(FieldRevenue, c.RevenueBand, acc.RevenueBand, &f.RevenueBand, &p.RevenueBand)
	pick(FieldCountryCode, c.CountryCode, acc.CountryCode, &f.CountryCode, &p.CountryCode)
	return f, p
}
