package compare

import (
	"fmt"
	"strconv"
	"strings"
)

// Comparison scores one field (or a pair of fields for a swapped-names
// level) with ordered levels; the first level that holds is the pair's level.
type Comparison struct {
	Name   string  `yaml:"name" json:"name"`
	Column string  `yaml:"column" json:"column"`
	Levels []Level `yaml:"levels" json:"levels"`
}

// Level is one outcome of a comparison. Types: null (either value missing),
// exact, jaro_winkler (Threshold), levenshtein and damerau_levenshtein
// (Distance), date_diff (Distance in Unit days|months|years), numeric_ratio
// (Threshold: min/max), email_user, email_domain, swapped (this column equals
// the other record's Other column and vice versa; with a Threshold, by
// Jaro-Winkler on both crossings), initials, else.
type Level struct {
	Type      string  `yaml:"type" json:"type"`
	Threshold float64 `yaml:"threshold,omitempty" json:"threshold,omitempty"`
	Distance  int     `yaml:"distance,omitempty" json:"distance,omitempty"`
	Unit      string  `yaml:"unit,omitempty" json:"unit,omitempty"`
	Other     string  `yaml:"other,omitempty" json:"other,omitempty"`
	// Transform compares transformed values (a key transform such as
	// dmetaphone) instead of the lower-cased value.
	Transform string `yaml:"transform,omitempty" json:"transform,omitempty"`
	// TermFrequency makes an exact level weigh a common value less than a
	// rare one.
	TermFrequency bool `yaml:"term_frequency,omitempty" json:"term_frequency,omitempty"`
	// M and U fix the level's probabilities instead of training them.
	M *float64 `yaml:"m,omitempty" json:"m,omitempty"`
	U *float64 `yaml:"u,omitempty" json:"u,omitempty"`
}

// ValidateLevels lists every problem of c's levels, each an error that
// starts with the path of the offending field below path (the
// comparison's path in the settings). checkColumn checks a column the
// levels name besides c.Column (a swapped level's Other).
func ValidateLevels(path string, c Comparison, checkColumn func(path, col string)) []error {
	var errs []error
	bad := func(p, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", p, fmt.Sprintf(format, args...)))
	}
	if len(c.Levels) < 2 {
		bad(path+".levels", "at least two levels are required (e.g. exact and else)")
	}
	if len(c.Levels) > MaxLevels {
		bad(path+".levels", "at most %d levels", MaxLevels)
	}
	for j, lv := range c.Levels {
		lp := fmt.Sprintf("%s.levels[%d]", path, j)
		kind, ok := levelKinds[lv.Type]
		if !ok {
			bad(lp+".type", "unknown level type %q", lv.Type)
			continue
		}
		switch kind {
		case levelNull:
			if j != 0 {
				bad(lp+".type", "null must be the first level")
			}
		case levelElse:
			if j != len(c.Levels)-1 {
				bad(lp+".type", "else must be the last level")
			}
		case levelJaroWinkler, levelNumericRatio:
			if !(lv.Threshold > 0 && lv.Threshold <= 1) {
				bad(lp+".threshold", "must be in (0,1]")
			}
		case levelLevenshtein, levelDamerau:
			if lv.Distance < 1 {
				bad(lp+".distance", "must be at least 1")
			}
		case levelDateDiff:
			if lv.Distance < 0 {
				bad(lp+".distance", "must not be negative")
			}
			switch lv.Unit {
			case "", "days", "months", "years":
			default:
				bad(lp+".unit", "unknown unit %q (want days, months or years)", lv.Unit)
			}
		case levelSwapped:
			checkColumn(lp+".other", lv.Other)
			if lv.Threshold < 0 || lv.Threshold > 1 {
				bad(lp+".threshold", "must be in (0,1], or absent for an exact swap")
			}
		}
		if lv.Transform != "" {
			if _, err := parseTransform(lv.Transform); err != nil {
				bad(lp+".transform", "%v", err)
			}
		}
		if lv.TermFrequency && kind != levelExact {
			bad(lp+".term_frequency", "only an exact level can be term-frequency adjusted")
		}
		if (lv.M == nil) != (lv.U == nil) {
			bad(lp, "m and u must be fixed together")
		}
		if lv.M != nil && !(*lv.M > 0 && *lv.M <= 1) {
			bad(lp+".m", "must be in (0,1]")
		}
		if lv.U != nil && !(*lv.U > 0 && *lv.U <= 1) {
			bad(lp+".u", "must be in (0,1]")
		}
	}
	if n := len(c.Levels); n > 0 && c.Levels[n-1].Type != "else" {
		bad(fmt.Sprintf("%s.levels[%d].type", path, n-1), "the last level must be else")
	}
	return errs
}

// Label names a level for reports and the waterfall.
func (lv Level) Label() string {
	var b strings.Builder
	b.WriteString(lv.Type)
	switch levelKinds[lv.Type] {
	case levelJaroWinkler, levelNumericRatio:
		b.WriteString(">=" + strconv.FormatFloat(lv.Threshold, 'g', -1, 64))
	case levelLevenshtein, levelDamerau:
		b.WriteString("<=" + strconv.Itoa(lv.Distance))
	case levelDateDiff:
		unit := lv.Unit
		if unit == "" {
			unit = "days"
		}
		b.WriteString("<=" + strconv.Itoa(lv.Distance) + " " + unit)
	case levelSwapped:
		b.WriteString(" with " + lv.Other)
		if lv.Threshold > 0 {
			b.WriteString(" jaro_winkler>=" + strconv.FormatFloat(lv.Threshold, 'g', -1, 64))
		}
	}
	if lv.Transform != "" {
		b.WriteString(" on " + lv.Transform)
	}
	if lv.TermFrequency {
		b.WriteString(" (tf)")
	}
	return b.String()
}
