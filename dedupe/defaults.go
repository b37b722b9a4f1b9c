package dedupe

import "slices"

// DefaultSettings is a strong model for leadsmith's normalized contact
// columns (first_name, last_name, email_key, phone_e164, company_key, city,
// postal_code, title_norm), so a config that says nothing about dedupe still
// gets good results. Use ForColumns when a table lacks some of them.
func DefaultSettings() Settings {
	nameLevels := func(tf bool, swapWith string) []Level {
		lv := []Level{{Type: "null"}, {Type: "exact", TermFrequency: tf}}
		if swapWith != "" {
			lv = append(lv, Level{Type: "swapped", Other: swapWith})
		}
		return append(lv,
			Level{Type: "jaro_winkler", Threshold: 0.92},
			Level{Type: "jaro_winkler", Threshold: 0.8},
			Level{Type: "initials"},
			Level{Type: "else"})
	}
	s := Settings{
		// Rules stay selective at a million records: a phonetic last name
		// with only a first initial makes blocks of thousands for common
		// names, while both names phonetic keep typos and stay small.
		BlockingRules: []BlockingRule{
			{Name: "email", Keys: []string{"email_key"}},
			{Name: "phone", Keys: []string{"phone_e164"}},
			{Name: "names_sound", Keys: []string{"last_name:dmetaphone", "first_name:dmetaphone"}},
			{Name: "first_name_sound_company", Keys: []string{"first_name:dmetaphone", "company_key"}},
			{Name: "last_name_company", Keys: []string{"last_name", "company_key"}},
			{Name: "last_name_postal_code", Keys: []string{"last_name", "postal_code"}},
		},
		TrainingBlockingRules: []BlockingRule{
			{Name: "email", Keys: []string{"email_key"}},
			{Name: "phone", Keys: []string{"phone_e164"}},
			{Name: "full_name", Keys: []string{"first_name", "last_name"}},
		},
		Comparisons: []Comparison{
			{Name: "first_name", Column: "first_name", Levels: nameLevels(true, "last_name")},
			{Name: "last_name", Column: "last_name", Levels: nameLevels(true, "")},
			{Name: "email", Column: "email_key", Levels: []Level{
				// A typo, not Jaro-Winkler: addresses are built from names, so
				// two namesakes' addresses look alike without being one mailbox.
				{Type: "null"}, {Type: "exact"}, {Type: "damerau_levenshtein", Distance: 1},
				{Type: "email_user"}, {Type: "email_domain"}, {Type: "else"}}},
			{Name: "phone", Column: "phone_e164", Levels: []Level{
				{Type: "null"}, {Type: "exact"}, {Type: "damerau_levenshtein", Distance: 1}, {Type: "else"}}},
			{Name: "company", Column: "company_key", Levels: []Level{
				{Type: "null"}, {Type: "exact", TermFrequency: true}, {Type: "jaro_winkler", Threshold: 0.9}, {Type: "else"}}},
			{Name: "city", Column: "city", Levels: []Level{
				{Type: "null"}, {Type: "exact", TermFrequency: true}, {Type: "jaro_winkler", Threshold: 0.9}, {Type: "else"}}},
			{Name: "postal_code", Column: "postal_code", Levels: []Level{
				{Type: "null"}, {Type: "exact"}, {Type: "levenshtein", Distance: 1}, {Type: "else"}}},
			{Name: "title", Column: "title_norm", Levels: []Level{
				{Type: "null"}, {Type: "exact"}, {Type: "jaro_winkler", Threshold: 0.85}, {Type: "else"}}},
		},
		Threshold:      0.9,
		MaxClusterSize: 50,
		Survivorship:   Survivorship{Default: SurviveMostComplete},
	}
	return s.withDefaults()
}

// ForColumns drops the blocking rules, comparisons, swapped levels and
// survivorship fields that need a column the table does not have, so that
// DefaultSettings can run on a source that lacks, say, phone numbers.
func (s Settings) ForColumns(columns []string) Settings {
	has := func(c string) bool { return slices.Contains(columns, c) }
	keepRules := func(rules []BlockingRule) []BlockingRule {
		var out []BlockingRule
	rule:
		for _, r := range rules {
			for _, k := range r.Keys {
				if col, _, err := parseKeyExpr(k); err != nil || !has(col) {
					continue rule
				}
			}
			out = append(out, r)
		}
		return out
	}
	s.BlockingRules = keepRules(s.BlockingRules)
	s.TrainingBlockingRules = keepRules(s.TrainingBlockingRules)
	var comps []Comparison
	for _, c := range s.Comparisons {
		if !has(c.Column) {
			continue
		}
		var levels []Level
		for _, lv := range c.Levels {
			if lv.Other == "" || has(lv.Other) {
				levels = append(levels, lv)
			}
		}
		c.Levels = levels
		comps = append(comps, c)
	}
	s.Comparisons = comps
	if len(s.Survivorship.Fields) > 0 {
		fields := map[string]string{}
		for f, r := range s.Survivorship.Fields {
			if has(f) {
				fields[f] = r
			}
		}
		s.Survivorship.Fields = fields
	}
	if !has(s.Survivorship.TimestampColumn) {
		s.Survivorship.TimestampColumn = ""
	}
	return s
}
