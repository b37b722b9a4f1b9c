// Package normalize turns the raw strings of a contact record into the
// normalized columns of the data contract: one pure, concurrency-safe
// function per kind of value (Revenue, Employees, Email, geography, names,
// company and domain keys here; job titles, phone numbers and industries in
// the sub-packages title, phone and industry), and a Normalizer that applies
// them all to one record (Input to Output).
//
// Each function takes the raw string and returns a result that says what
// the value is, whether it was understood (OK) and whether it was empty or a
// placeholder (Empty, see NullToken). The normalize stage records a
// dq_issues code for a non-empty value that is not OK ("title_unparsed",
// "industry_unmatched", ...), and null for an empty one. The functions do
// not cache: values repeat heavily, so the Normalizer keeps a cache per
// column of raw values.
//
// Lookup tables (job-title vocabulary, the industry taxonomy in
// industry/data/industries.csv, exchange rates) are built once on first use
// and only read afterwards.
//
// The sub-packages never import normalize or one another; the rules they
// share (NullToken, the folded lookup key) live in internal/fold.
//
// The package knows nothing of datasets, stages or storage: etl's
// normalize stage applies it to columns and writes the results.
package normalize
