package dedupe

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var canonicalColumns = []string{"first_name", "last_name", "email_key", "phone_e164", "company_key", "city", "postal_code", "title_norm"}

func TestValidate_DefaultSettingsAreValidForCanonicalColumns(t *testing.T) {
	if errs := DefaultSettings().Validate(canonicalColumns...); len(errs) > 0 {
		t.Fatalf("default settings invalid: %v", errs)
	}
}

func TestValidate_NamesTheFieldPath(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Settings)
		want   string
	}{
		{"jaro-winkler threshold above 1", func(s *Settings) { s.Comparisons[0].Levels[3].Threshold = 1.5 },
			"dedupe.comparisons[0].levels[3].threshold: must be in (0,1]"},
		{"unknown blocking column", func(s *Settings) { s.BlockingRules[0].Keys[0] = "emial" },
			`dedupe.blocking_rules[0].keys[0]: unknown column "emial"`},
		{"unknown transform", func(s *Settings) { s.BlockingRules[2].Keys[0] = "last_name:metaphone" },
			`dedupe.blocking_rules[2].keys[0]: key "last_name:metaphone": unknown transform "metaphone"`},
		{"unknown comparison column", func(s *Settings) { s.Comparisons[1].Column = "surname" },
			`dedupe.comparisons[1].column: unknown column "surname"`},
		{"truth column compared", func(s *Settings) { s.TruthColumn = "city" },
			`dedupe.comparisons[5].column: uses truth_column "city"`},
		{"else not last", func(s *Settings) {
			c := &s.Comparisons[3]
			c.Levels[len(c.Levels)-1] = Level{Type: "exact"}
		}, "dedupe.comparisons[3].levels[3].type: the last level must be else"},
		{"null not first", func(s *Settings) { s.Comparisons[2].Levels[1] = Level{Type: "null"} },
			"dedupe.comparisons[2].levels[1].type: null must be the first level"},
		{"term frequency on fuzzy level", func(s *Settings) { s.Comparisons[0].Levels[3].TermFrequency = true },
			"dedupe.comparisons[0].levels[3].term_frequency: only an exact level"},
		{"m without u", func(s *Settings) { m := 0.9; s.Comparisons[3].Levels[1].M = &m },
			"dedupe.comparisons[3].levels[1]: m and u must be fixed together"},
		{"bad date unit", func(s *Settings) { s.Comparisons[7].Levels[2] = Level{Type: "date_diff", Distance: 1, Unit: "weeks"} },
			`dedupe.comparisons[7].levels[2].unit: unknown unit "weeks"`},
		{"threshold zero", func(s *Settings) { s.Threshold = -1 }, "dedupe.threshold: must be in (0,1]"},
		{"duplicate comparison", func(s *Settings) { s.Comparisons[1].Name = "first_name" },
			`dedupe.comparisons[1].name: duplicate comparison name "first_name"`},
		{"unknown survivorship rule", func(s *Settings) { s.Survivorship.Fields = map[string]string{"city": "newest"} },
			`dedupe.survivorship.fields.city: unknown rule "newest"`},
		{"no blocking rules", func(s *Settings) { s.BlockingRules = nil }, "dedupe.blocking_rules: at least one rule is required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := DefaultSettings()
			tc.mutate(&s)
			errs := s.Validate(canonicalColumns...)
			var msgs []string
			for _, e := range errs {
				msgs = append(msgs, e.Error())
				if strings.Contains(e.Error(), tc.want) {
					return
				}
			}
			t.Fatalf("want an error containing %q, got %q", tc.want, msgs)
		})
	}
}

func TestParseSettings_OverlaysTheDefaults(t *testing.T) {
	s, err := ParseSettings([]byte("dedupe:\n  threshold: 0.97\n  max_cluster_size: 9\n"))
	if err != nil {
		t.Fatal(err)
	}
	def := DefaultSettings()
	if s.Threshold != 0.97 || s.MaxClusterSize != 9 {
		t.Errorf("threshold %v max %v, want 0.97 and 9", s.Threshold, s.MaxClusterSize)
	}
	if len(s.BlockingRules) != len(def.BlockingRules) || len(s.Comparisons) != len(def.Comparisons) {
		t.Errorf("defaults lost: %d rules, %d comparisons", len(s.BlockingRules), len(s.Comparisons))
	}
}

func TestParseSettings_ReplacesListsItGives(t *testing.T) {
	s, err := ParseSettings([]byte("dedupe:\n  blocking_rules:\n    - {name: e, keys: [email_key]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.BlockingRules) != 1 || s.BlockingRules[0].Name != "e" {
		t.Errorf("blocking rules = %+v, want just e", s.BlockingRules)
	}
}

func TestParseSettings_RejectsUnknownFields(t *testing.T) {
	_, err := ParseSettings([]byte("dedupe:\n  treshold: 0.9\n"))
	if err == nil || !strings.Contains(err.Error(), "treshold") {
		t.Fatalf("err = %v, want one naming treshold", err)
	}
}

func TestParseSettings_EmptyDocumentGivesDefaults(t *testing.T) {
	s, err := ParseSettings(nil)
	if err != nil {
		t.Fatal(err)
	}
	if errs := s.Validate(canonicalColumns...); len(errs) > 0 {
		t.Fatal(errs)
	}
}

func TestParseSettings_BenchmarkFixturesAreValid(t *testing.T) {
	cols := map[string][]string{
		"febrl3.yaml":    {"given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode", "state", "date_of_birth", "soc_sec_id", "entity"},
		"fake_1000.yaml": {"first_name", "surname", "dob", "city", "email", "cluster"},
	}
	for name, columns := range cols {
		doc, err := os.ReadFile(filepath.Join("..", "fixtures", "benchmarks", name))
		if err != nil {
			t.Fatal(err)
		}
		s, err := ParseSettings(doc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if errs := s.Validate(columns...); len(errs) > 0 {
			t.Errorf("%s: %v", name, errs)
		}
		if s.TruthColumn == "" {
			t.Errorf("%s: no truth_column, so nothing guards it", name)
		}
	}
}

func TestForColumns_DropsWhatTheTableLacks(t *testing.T) {
	s := DefaultSettings().ForColumns([]string{"first_name", "last_name", "email_key"})
	if errs := s.Validate("first_name", "last_name", "email_key"); len(errs) > 0 {
		t.Fatalf("trimmed defaults invalid: %v", errs)
	}
	if len(s.Comparisons) != 3 {
		t.Errorf("%d comparisons, want first_name, last_name, email", len(s.Comparisons))
	}
	for _, r := range s.BlockingRules {
		if strings.Contains(strings.Join(r.Keys, ","), "phone_e164") {
			t.Errorf("rule %q kept without a phone column", r.Name)
		}
	}
}
