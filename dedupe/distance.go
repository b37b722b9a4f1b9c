package dedupe

import "github.com/leadsmith/leadsmith/dedupe/compare"

// EditDistance is the Levenshtein distance between a and b in runes, or
// limit+1 when it is more than limit (see compare.EditDistance).
func EditDistance(a, b string, limit int) int { return compare.EditDistance(a, b, limit) }

// OSADistance is EditDistance where an adjacent transposition counts as
// one edit (see compare.OSADistance).
func OSADistance(a, b string, limit int) int { return compare.OSADistance(a, b, limit) }
