package enrich

import (
	"slices"
	"strings"
	"testing"
)

func TestOptions_ZeroValueIsValidAndGetsDefaults(t *testing.T) {
	if errs := (Options{}).Validate(); len(errs) > 0 {
		t.Fatalf("zero Options invalid: %v", errs)
	}
	d := Options{}.WithDefaults()
	if d.FuzzyMinScore != 0.93 || d.FuzzyMargin != 0.02 || !*d.InferAccounts || len(d.Personas) != 5 ||
		!slices.Equal(d.EngagedGrades, []string{"A", "B"}) || len(d.AccountStages) != 3 ||
		d.AccountGrades != (GradeCuts{FitA: 60, FitB: 35, EngagementA: 100, EngagementB: 40}) {
		t.Errorf("defaults: %+v", d)
	}
	f := false
	if (Options{InferAccounts: &f}).WithDefaults().inferAccounts() {
		t.Error("infer_accounts: false was overridden")
	}
}

func TestOptions_ValidateNamesEveryProblemByPath(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		want []string
	}{
		{"floor above one", Options{FuzzyMinScore: 1.5}, []string{"enrich.fuzzy_min_score: must be in (0,1], got 1.5"}},
		{"negative floor", Options{FuzzyMinScore: -0.1}, []string{"enrich.fuzzy_min_score:"}},
		{"margin", Options{FuzzyMargin: 1}, []string{"enrich.fuzzy_margin:"}},
		{"free domain", Options{FreeEmailDomains: []string{"agency.com", "not a domain"}}, []string{"enrich.free_email_domains[1]:"}},
		{"overwrite", Options{Overwrite: []string{"industry_norm", "phone", "industry_norm"}},
			[]string{`enrich.overwrite[1]: unknown field "phone"`, `enrich.overwrite[2]: duplicate field`}},
		{"persona", Options{Personas: []PersonaRule{{Persona: "", Functions: []string{"sales", "astrology"}, Seniorities: []string{"boss"}}}},
			[]string{"enrich.personas[0].persona: must not be empty", `enrich.personas[0].functions[1]: unknown function "astrology"`,
				`enrich.personas[0].seniorities[0]: unknown seniority "boss"`, `enrich.buying_committee[0]: "Economic buyer" is not a persona`,
				`enrich.buying_committee[1]:`, `enrich.buying_committee[2]:`}},
		{"catch-all before others", Options{Personas: []PersonaRule{{Persona: "Any"}, {Persona: "Never", Seniorities: []string{"vp"}}},
			BuyingCommittee: []string{"Any"}}, []string{"enrich.personas[0]: has no conditions"}},
		{"grades", Options{EngagedGrades: []string{"A", "D"}}, []string{`enrich.engaged_grades[1]: unknown grade "D"`}},
		{"stages", Options{AccountStages: []StageRule{{Stage: "hot"}, {Stage: ""}, {Stage: "hot"}, {Stage: "unaware"}, {Stage: "x", MinMQLs: -1}}},
			[]string{"enrich.account_stages[1].stage: must not be empty", `enrich.account_stages[2].stage: duplicate stage "hot"`,
				"enrich.account_stages[3].stage:", "enrich.account_stages[4]: minimums must not be negative"}},
		{"cuts", Options{AccountGrades: GradeCuts{FitA: 10, FitB: 20, EngagementB: -5}},
			[]string{"enrich.account_grades: fit_1 (10) must not be below fit_2 (20)", "enrich.account_grades.engagement_b: must not be negative"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := tt.o.Validate()
			if len(errs) != len(tt.want) {
				t.Errorf("got %d problems %q, want %d", len(errs), errs, len(tt.want))
			}
			for _, w := range tt.want {
				if !slices.ContainsFunc(errs, func(e string) bool { return strings.HasPrefix(e, w) }) {
					t.Errorf("no problem starting %q in %q", w, errs)
				}
			}
		})
	}
}
