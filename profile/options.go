package profile

import "strings"

// Options tunes a profile. The zero value is ready to use.
type Options struct {
	// TopN is how many top values and top patterns a column reports.
	// Default 10.
	TopN int
	// Capacity is how many distinct values (and patterns) a column tracks:
	// counts and the distinct count are exact while a column has at most
	// this many distinct values, and memory stays bounded past it.
	// Default 1024.
	Capacity int
	// SampleSize is how many values a numeric or timestamp column keeps for
	// its quantiles; below it quantiles are exact. At 32768 the rank error
	// of a quantile is about 0.3% (one standard deviation at the median).
	// Default 32768.
	SampleSize int
	// Seed seeds the sampling of quantiles, so that the same input gives
	// the same profile on every run. Default 1.
	Seed uint64
	// Identifier tells which columns get pattern shapes. Default
	// IsIdentifier.
	Identifier func(column string) bool

	// SourceColumn names the column of a Dataset's records that says which
	// source a row came from; the Dataset then profiles every source apart
	// as well as all rows. Empty: all rows only.
	SourceColumn string
	// Pairs lists a Dataset's raw columns with the normalized column made
	// from them: a raw value is valid where its normalized value is
	// present, and Dataset.Compare reports each pair before and after.
	Pairs []Pair
}

// Pair is a raw column and the normalized column made from it.
type Pair struct {
	Raw, Norm string
}

// DefaultPairs are the raw and normalized columns of leadsmith's
// `normalized` dataset.
var DefaultPairs = []Pair{
	{"title", "title_norm"},
	{"industry", "industry_norm"},
	{"country", "country_code"},
	{"state", "state_code"},
	{"email", "email_norm"},
	{"phone", "phone_e164"},
	{"annual_revenue", "revenue_usd"},
	{"employees", "employee_count"},
	{"company", "company_key"},
}

func (o Options) withDefaults() Options {
	if o.TopN <= 0 {
		o.TopN = 10
	}
	if o.Capacity <= 0 {
		o.Capacity = 1024
	}
	if o.SampleSize <= 0 {
		o.SampleSize = 32768
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Identifier == nil {
		o.Identifier = IsIdentifier
	}
	return o
}

// IsIdentifier reports whether a column holds identifiers whose shape is
// worth profiling: emails, phones, postcodes, ids and domains. It matches
// the names email*, phone*, postal*, postcode*, zip*, id, *_id, *_ids and
// *domain, in any case.
func IsIdentifier(column string) bool {
	c := strings.ToLower(column)
	for _, p := range []string{"email", "phone", "postal", "postcode", "zip"} {
		if strings.HasPrefix(c, p) {
			return true
		}
	}
	return c == "id" || strings.HasSuffix(c, "_id") || strings.HasSuffix(c, "_ids") ||
		strings.HasSuffix(c, "domain")
}
