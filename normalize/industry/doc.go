// Package industry maps a free-text industry onto the shipped taxonomy
// (data/industries.csv, embedded in the binary) and its two-digit NAICS
// sector: Parse tries an exact name or alias, then a name contained in the
// value, then a Jaro-Winkler match for typos, and accepts nothing under
// ConfidenceFloor. It is pure and safe for concurrent use; the taxonomy is
// loaded once on first use. It must never know other fields (a company name
// or a job title is no hint here), records, caches, storage, Arrow or
// configuration files: the taxonomy is a file of this package, not a
// setting, and normalize.Normalizer applies Parse to a column and records
// "industry_unmatched".
package industry
