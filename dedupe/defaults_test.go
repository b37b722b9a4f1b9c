package dedupe

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/leadsmith/leadsmith/dedupe/compare"
)

// normalizedColumns are the columns of the normalize stage's output, the
// table dedupe sees in a run: the canonical contact columns
// (etl.CanonicalColumns) followed by what normalize derives
// (normalizedStrings in etl/stage_normalize.go).
var normalizedColumns = []string{
	"record_id", "source", "first_name", "last_name", "full_name",
	"email", "phone", "title", "company", "website", "industry",
	"annual_revenue", "employees", "street", "city", "state",
	"postal_code", "country", "created_at", "updated_at",
	"first_name_key", "last_name_key",
	"email_norm", "email_domain", "email_type", "email_key", "phone_e164",
	"title_norm", "seniority", "job_function", "industry_norm", "naics_sector",
	"revenue_band", "employee_band", "country_code", "state_code", "region",
	"company_key", "domain",
}

func defaultComparison(t *testing.T, s Settings, name string) Comparison {
	t.Helper()
	for _, c := range s.Comparisons {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("default settings have no %q comparison", name)
	return Comparison{}
}

func TestDefaultSettings_ValidForNormalizedColumns(t *testing.T) {
	s := DefaultSettings()
	if errs := s.Validate(normalizedColumns...); len(errs) > 0 {
		t.Fatalf("default settings invalid for the normalized columns: %v", errs)
	}
	// A normalized table has every column the defaults use: ForColumns must
	// not drop anything from them.
	trimmed := s.ForColumns(normalizedColumns)
	if len(trimmed.Comparisons) != len(s.Comparisons) || len(trimmed.BlockingRules) != len(s.BlockingRules) ||
		len(trimmed.TrainingBlockingRules) != len(s.TrainingBlockingRules) {
		t.Errorf("ForColumns(normalized) dropped parts of the defaults: %d/%d comparisons, %d/%d rules, %d/%d training rules",
			len(trimmed.Comparisons), len(s.Comparisons), len(trimmed.BlockingRules), len(s.BlockingRules),
			len(trimmed.TrainingBlockingRules), len(s.TrainingBlockingRules))
	}
	for _, c := range s.Comparisons {
		if len(defaultComparison(t, trimmed, c.Name).Levels) != len(c.Levels) {
			t.Errorf("ForColumns(normalized) dropped levels of %s", c.Name)
		}
	}
	if s.Threshold != 0.9 {
		t.Errorf("threshold %v: the defaults were measured at 0.9", s.Threshold)
	}
}

// A different mailbox at the same domain is what colleagues have: the email
// comparison must not score it (or a similar user name) as partial
// agreement, and an exact mailbox, which colleagues share too (anna@,
// info@), must not outweigh the names.
func TestDefaultSettings_EmailComparesWholeMailboxes(t *testing.T) {
	c := defaultComparison(t, DefaultSettings(), "email")
	var types []string
	for _, lv := range c.Levels {
		types = append(types, lv.Type)
	}
	if !slices.Equal(types, []string{"null", "exact", "else"}) {
		t.Fatalf("email levels %v, want [null exact else]: no email_user, email_domain or fuzzy level", types)
	}
	exact := c.Levels[1]
	if exact.M == nil || exact.U == nil || exact.TermFrequency || exact.Transform != "" {
		t.Fatalf("exact email level %+v: want a fixed m and u, no term frequencies, no transform", exact)
	}
	if w := math.Log2(*exact.M / *exact.U); math.Abs(w-10) > 0.01 {
		t.Errorf("exact email weight %.2f bits, want 10", w)
	}
	if *exact.M <= 0.3 || *exact.M >= 0.9 {
		t.Errorf("exact email m = %v: duplicates show the same mailbox about half the time", *exact.M)
	}
}

// A swap is scored once: by first_name, trained; last_name abstains.
func TestDefaultSettings_SwappedNamesCountOnce(t *testing.T) {
	s := DefaultSettings()
	first, last := defaultComparison(t, s, "first_name"), defaultComparison(t, s, "last_name")
	swapped := func(c Comparison) Level {
		for _, lv := range c.Levels {
			if lv.Type == "swapped" {
				return lv
			}
		}
		t.Fatalf("%s has no swapped level", c.Name)
		return Level{}
	}
	fs, ls := swapped(first), swapped(last)
	if fs.Other != "last_name" || ls.Other != "first_name" {
		t.Errorf("swapped levels cross %q and %q, want last_name and first_name", fs.Other, ls.Other)
	}
	if fs.M != nil {
		t.Errorf("first_name's swap is fixed at m=%v; EM should learn it", *fs.M)
	}
	if ls.M == nil || ls.U == nil || *ls.M != *ls.U {
		t.Errorf("last_name's swap must be neutral (fixed m = u), got %+v", ls)
	}
	if fs.Threshold != ls.Threshold {
		t.Errorf("swap thresholds differ (%v, %v): the two levels must hold for the same pairs", fs.Threshold, ls.Threshold)
	}
	for _, c := range []Comparison{first, last} {
		if c.Levels[len(c.Levels)-1].M != nil {
			t.Errorf("%s else is fixed; EM should learn it", c.Name)
		}
	}
}

func TestDefaultSettings_BlockingAndTrainingRules(t *testing.T) {
	s := DefaultSettings()
	names := map[string]bool{"first_name": true, "last_name": true}
	for _, r := range s.BlockingRules {
		onlyNames := true
		for _, k := range r.Keys {
			col, _, err := compare.ParseKeyExpr(k)
			if err != nil {
				t.Fatal(err)
			}
			onlyNames = onlyNames && names[col]
		}
		if onlyNames {
			t.Errorf("blocking rule %q pairs records on names alone: namesakes swamp it at scale", r.Name)
		}
	}
	// Names learn m from pairs that share a phone number, never from pairs
	// sharing a mailbox (shared mailboxes pair colleagues).
	st := newEMState(s)
	var trainsNames []string
	for _, r := range s.TrainingBlockingRules {
		for _, k := range r.Keys {
			if strings.HasPrefix(k, "email") {
				t.Errorf("training rule %q blocks on %s", r.Name, k)
			}
		}
		if st.activeFor(r)[0] {
			trainsNames = append(trainsNames, r.Name)
		}
	}
	if !slices.Equal(trainsNames, []string{"phone"}) {
		t.Errorf("rules training first_name: %v, want [phone]", trainsNames)
	}
}

// Trained on synthetic contacts, the defaults keep colleagues on a shared
// mailbox apart and still link a duplicate whose names are swapped.
func TestDefaultSettings_SharedMailboxIsNotAMatch(t *testing.T) {
	tab, _ := genContacts(3000, 5)
	add := func(rec ...string) int {
		cols := []string{"first_name", "last_name", "email_key", "phone_e164", "company_key", "city", "postal_code", "title_norm"}
		tab.IDs = append(tab.IDs, "extra/"+rec[0]+rec[1]+rec[3])
		for c, name := range cols {
			tab.Cols[name] = append(tab.Cols[name], rec[c])
		}
		return tab.Len() - 1
	}
	annaB := add("anna", "bachhofer", "anna@vertexpartners.ch", "+41441234567", "vertex partners", "zurich", "8001", "sales manager")
	annaF := add("anna", "ferrari", "anna@vertexpartners.ch", "+41447654321", "vertex partners", "zurich", "8004", "marketing manager")
	dup := add("bachhofer", "anna", "anna.bachhofer@gmail.com", "+41441234567", "vertex partners", "zurich", "8001", "")
	s := DefaultSettings()
	s.USampleSize = 200_000
	m, _, err := Train(tab, s)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := NewScorer(m, tab)
	if err != nil {
		t.Fatal(err)
	}
	colleagues, err := sc.Explain(annaB, annaF)
	if err != nil {
		t.Fatal(err)
	}
	if colleagues.Probability >= s.Threshold {
		t.Errorf("colleagues on a shared mailbox score %.4f (weight %.1f), want < %v", colleagues.Probability, colleagues.MatchWeight, s.Threshold)
	}
	swapped, err := sc.Explain(annaB, dup)
	if err != nil {
		t.Fatal(err)
	}
	if swapped.Probability < s.Threshold {
		t.Errorf("duplicate with swapped names scores %.4f (weight %.1f), want >= %v", swapped.Probability, swapped.MatchWeight, s.Threshold)
	}
}
