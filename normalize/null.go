package normalize

import "github.com/leadsmith/leadsmith/normalize/internal/fold"

// NullToken reports whether a raw value means "unknown" rather than being
// data: blank, pure punctuation ("-", "--", "?", "#"), or one of the
// placeholders spreadsheets and CRMs write for a missing value ("n/a", "NA",
// "n.a.", "none", "null", "nil", "unknown", "not available", "tbd", "#N/A",
// "nan"). "0" is not a null token: a revenue of 0 is data. Every normalizer,
// here and in the sub-packages title, phone and industry, uses it, so a
// placeholder is an empty value, never a data-quality issue.
func NullToken(s string) bool { return fold.NullToken(s) }
