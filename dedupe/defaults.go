package dedupe

import (
	"slices"

	"github.com/leadsmith/leadsmith/dedupe/compare"
)

// DefaultSettings is a strong model for leadsmith's normalized contact
// columns (first_name, last_name, email_key, phone_e164, company_key, city,
// postal_code, title_norm), so a config that says nothing about dedupe still
// gets good results. Use ForColumns when a table lacks some of them.
//
// Fellegi-Sunter adds the comparisons' weights as if they were independent
// evidence. Contact fields are not: colleagues share a company, its email
// domain and often a city, and mailboxes are built from names and that
// domain. The model is shaped so that one fact is not counted twice:
//   - email compares whole mailboxes only (no partial user or domain level:
//     a different mailbox at the same domain is a colleague, not half a
//     match), and an exact mailbox weighs a fixed ~10 bits instead of its
//     random-pair rarity (~17 bits): mailboxes such as anna@company or
//     info@company are shared by colleagues whose company and first name
//     already agree.
//   - a swap of first and last name (also with a typo or nickname, by
//     Jaro-Winkler on both crossings) is scored once, by first_name; the
//     last_name comparison abstains on it (a fixed level with m = u). So
//     last_name's else holds almost only different people and EM makes it
//     strongly negative.
//   - names are learned only from pairs sharing a phone number: pairs
//     sharing a mailbox include colleagues on a shared one, which look like
//     matches to EM and would teach it that surnames often differ.
//   - no blocking rule pairs records on names alone: at 100k+ records such
//     a rule yields mostly namesakes. At a million generated contacts a
//     names_sound rule (double metaphone of both names) added 17M
//     candidate pairs and found about 1,100 true links (job changers) for
//     600 false ones, which chained into clusters: pairwise F1 fell from
//     0.977 to 0.974 and the stage took a fifth longer. (The prior no
//     longer suffers from such a rule: see estimatePrior.) Duplicates
//     share a mailbox, a phone or a company (with a similar first name or
//     the same last name), or a last name and postcode.
func DefaultSettings() Settings {
	fixed := func(m, u float64) (*float64, *float64) { return &m, &u }
	// m = u: the level carries no weight either way.
	swapM, swapU := fixed(0.01, 0.01)
	// m near the share of duplicate pairs that share a mailbox; u puts the
	// weight at log2(1024) = 10 bits.
	mailM, mailU := fixed(0.55, 0.55/1024)
	nameLevels := func(swap Level) []Level {
		return []Level{{Type: "null"}, {Type: "exact", TermFrequency: true}, swap,
			{Type: "jaro_winkler", Threshold: 0.92},
			{Type: "jaro_winkler", Threshold: 0.8},
			{Type: "initials"},
			{Type: "else"}}
	}
	s := Settings{
		// Rules stay selective at a million records: every key pairs a
		// name with a company or a postcode, or is an identifier.
		BlockingRules: []BlockingRule{
			{Name: "email", Keys: []string{"email_key"}},
			{Name: "phone", Keys: []string{"phone_e164"}},
			{Name: "first_name_sound_company", Keys: []string{"first_name:dmetaphone", "company_key"}},
			{Name: "last_name_company", Keys: []string{"last_name", "company_key"}},
			{Name: "last_name_postal_code", Keys: []string{"last_name", "postal_code"}},
		},
		TrainingBlockingRules: []BlockingRule{
			{Name: "phone", Keys: []string{"phone_e164"}},
			{Name: "full_name", Keys: []string{"first_name", "last_name"}},
		},
		Comparisons: []Comparison{
			{Name: "first_name", Column: "first_name", Levels: nameLevels(
				Level{Type: "swapped", Other: "last_name", Threshold: 0.8})},
			{Name: "last_name", Column: "last_name", Levels: nameLevels(
				Level{Type: "swapped", Other: "first_name", Threshold: 0.8, M: swapM, U: swapU})},
			{Name: "email", Column: "email_key", Levels: []Level{
				{Type: "null"}, {Type: "exact", M: mailM, U: mailU}, {Type: "else"}}},
			{Name: "phone", Column: "phone_e164", Levels: []Level{
				{Type: "null"}, {Type: "exact"}, {Type: "damerau_levenshtein", Distance: 1}, {Type: "else"}}},
			{Name: "company", Column: "company_key", Levels: []Level{
				{Type: "null"}, {Type: "exact", TermFrequency: true}, {Type: "jaro_winkler", Threshold: 0.9}, {Type: "else"}}},
			{Name: "city", Column: "city", Levels: []Level{
				{Type: "null"}, {Type: "exact", TermFrequency: true}, {Type: "jaro_winkler", Threshold: 0.9}, {Type: "else"}}},
			// Term frequencies: some cities have a single postcode (2000,
			// 4000), which then says no more than the city.
			{Name: "postal_code", Column: "postal_code", Levels: []Level{
				{Type: "null"}, {Type: "exact", TermFrequency: true}, {Type: "levenshtein", Distance: 1}, {Type: "else"}}},
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
				if col, _, err := compare.ParseKeyExpr(k); err != nil || !has(col) {
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
