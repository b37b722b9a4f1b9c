// Package normalize turns the raw strings of a contact record into the
// normalized columns of the data contract: one pure, concurrency-safe
// function per kind of value (Title, Industry, Revenue, Employees, Email,
// Phone, geography, names, company and domain keys).
//
// Each function takes the raw string and returns a result that says what
// the value is, whether it was understood (OK) and whether it was empty or a
// placeholder (Empty, see NullToken). The normalize stage records a
// dq_issues code for a non-empty value that is not OK ("title_unparsed",
// "industry_unmatched", ...), and null for an empty one. The functions do
// not cache: values repeat heavily, so the stage keeps a cache per raw value.
//
// Lookup tables (job-title vocabulary, the industry taxonomy in
// data/industries.csv, exchange rates) are built once on first use and only
// read afterwards.
//
// The package knows nothing of records, datasets, stages or storage: etl's
// normalize stage applies it to columns and writes the results.
package normalize
