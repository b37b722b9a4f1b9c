package enrich

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leadsmith/leadsmith/normalize/title"
)

// Options is the `enrich:` config section minus the reference sources (the
// etl layer inlines it with yaml ",inline"). Zero values mean the documented
// defaults; WithDefaults fills them in.
type Options struct {
	// FreeEmailDomains are extra domains that never name a company
	// (providers, agencies), beside the built-in lists.
	FreeEmailDomains []string `yaml:"free_email_domains"`
	// FuzzyMinScore is the Jaro-Winkler floor over company keys (default 0.93).
	FuzzyMinScore float64 `yaml:"fuzzy_min_score"`
	// FuzzyMargin is how far the best fuzzy candidate must lead the
	// runner-up once the tie-breaks fail (default 0.02).
	FuzzyMargin float64 `yaml:"fuzzy_margin"`
	// InferAccounts (default true) makes unmatched contacts with a
	// corporate domain form inferred accounts.
	InferAccounts *bool `yaml:"infer_accounts"`
	// Overwrite lists fields of industry_norm, employee_band, revenue_band
	// and country_code whose account value replaces the contact's own.
	Overwrite []string `yaml:"overwrite"`
	// Personas are tried in order; default DefaultPersonas().
	Personas []PersonaRule `yaml:"personas"`
	// BuyingCommittee names the personas whose engagement Rollup.Coverage
	// measures (default Economic buyer, Technical buyer, Champion).
	BuyingCommittee []string `yaml:"buying_committee"`
	// EngagedGrades are the engagement grades that make a contact
	// "engaged" (default A, B).
	EngagedGrades []string `yaml:"engaged_grades"`
	// AccountStages are tried in order, the first that holds wins; default
	// DefaultStages(). An account none holds for is "unaware".
	AccountStages []StageRule `yaml:"account_stages"`
	// AccountGrades cut account fit and engagement scores into grades.
	AccountGrades GradeCuts `yaml:"account_grades"`
}

// PersonaRule gives Persona to contacts whose job function is one of
// Functions and whose seniority is one of Seniorities; an empty list
// accepts any value, including none.
type PersonaRule struct {
	Persona     string   `yaml:"persona"`
	Functions   []string `yaml:"functions"`
	Seniorities []string `yaml:"seniorities"`
}

// StageRule holds for an account that reaches every minimum.
type StageRule struct {
	Stage              string  `yaml:"stage"`
	MinContacts        int     `yaml:"min_contacts"`
	MinEngagedContacts int     `yaml:"min_engaged_contacts"`
	MinMQLs            int     `yaml:"min_mqls"`
	MinEngagedPersonas int     `yaml:"min_engaged_personas"`
	MinEngagementScore float64 `yaml:"min_engagement_score"`
}

// GradeCuts turn account scores into grades: fit grade 1 when the score is
// at least FitA, 2 when at least FitB, else 3; engagement A, B, C likewise.
// Each zero field takes its default: FitA 60 and FitB 35, the score stage's
// contact cuts, because account fit is a mean of contact fit scores;
// EngagementA 100 and EngagementB 40, because account engagement is a sum:
// about two and a half A-grade contacts (contact A starts at 40) make an
// A account, one A contact makes a B.
type GradeCuts struct {
	FitA        float64 `yaml:"fit_1"`
	FitB        float64 `yaml:"fit_2"`
	EngagementA float64 `yaml:"engagement_a"`
	EngagementB float64 `yaml:"engagement_b"`
}

// Defaults of Options.
const (
	DefaultFuzzyMinScore = 0.93
	DefaultFuzzyMargin   = 0.02
	defaultFitA          = 60
	defaultFitB          = 35
	defaultEngagementA   = 100
	defaultEngagementB   = 40
	// StageUnaware is the stage of an account no AccountStages rule holds for.
	StageUnaware = "unaware"
)

// Firmographic field names, as Overwrite spells them.
const (
	FieldIndustry    = "industry_norm"
	FieldEmployees   = "employee_band"
	FieldRevenue     = "revenue_band"
	FieldCountryCode = "country_code"
)

var (
	overwriteFields = []string{FieldIndustry, FieldEmployees, FieldRevenue, FieldCountryCode}
	contactGrades   = []string{"A", "B", "C"}
)

// DefaultStages are the account stages of an account-based funnel, most
// advanced first: "opportunity_ready" (an MQL and
// at least two engaged contacts in two committee personas), "engaged" (one
// engaged contact), "aware" (any engagement at all); else "unaware".
func DefaultStages() []StageRule {
	return []StageRule{
		{Stage: "opportunity_ready", MinMQLs: 1, MinEngagedContacts: 2, MinEngagedPersonas: 2},
		{Stage: "engaged", MinEngagedContacts: 1},
		{Stage: "aware", MinContacts: 1, MinEngagementScore: 1},
	}
}

// DefaultBuyingCommittee is the committee Rollup.Coverage measures.
func DefaultBuyingCommittee() []string {
	return []string{PersonaEconomicBuyer, PersonaTechnicalBuyer, PersonaChampion}
}

// WithDefaults returns o with every zero value replaced by its default.
func (o Options) WithDefaults() Options {
	if o.FuzzyMinScore == 0 {
		o.FuzzyMinScore = DefaultFuzzyMinScore
	}
	if o.FuzzyMargin == 0 {
		o.FuzzyMargin = DefaultFuzzyMargin
	}
	if o.InferAccounts == nil {
		t := true
		o.InferAccounts = &t
	}
	if len(o.Personas) == 0 {
		o.Personas = DefaultPersonas()
	}
	if len(o.BuyingCommittee) == 0 {
		o.BuyingCommittee = DefaultBuyingCommittee()
	}
	if len(o.EngagedGrades) == 0 {
		o.EngagedGrades = []string{"A", "B"}
	}
	if len(o.AccountStages) == 0 {
		o.AccountStages = DefaultStages()
	}
	g := &o.AccountGrades
	for _, f := range []struct {
		v   *float64
		def float64
	}{{&g.FitA, defaultFitA}, {&g.FitB, defaultFitB}, {&g.EngagementA, defaultEngagementA}, {&g.EngagementB, defaultEngagementB}} {
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	return o
}

// inferAccounts reads InferAccounts with its default.
func (o Options) inferAccounts() bool { return o.InferAccounts == nil || *o.InferAccounts }

// Validate returns every problem of o (after defaults), each prefixed by
// its field path under "enrich.", or nil.
func (o Options) Validate() []string {
	o = o.WithDefaults()
	var errs []string
	add := func(path, format string, args ...any) {
		errs = append(errs, "enrich."+path+": "+fmt.Sprintf(format, args...))
	}
	if !(o.FuzzyMinScore > 0 && o.FuzzyMinScore <= 1) {
		add("fuzzy_min_score", "must be in (0,1], got %g", o.FuzzyMinScore)
	}
	if !(o.FuzzyMargin >= 0 && o.FuzzyMargin < 1) {
		add("fuzzy_margin", "must be in [0,1), got %g", o.FuzzyMargin)
	}
	for i, d := range o.FreeEmailDomains {
		if d = strings.TrimSpace(d); d == "" || !strings.Contains(d, ".") || strings.ContainsAny(d, "@/ ") {
			add(fmt.Sprintf("free_email_domains[%d]", i), "not a domain: %q", o.FreeEmailDomains[i])
		}
	}
	seen := map[string]bool{}
	for i, f := range o.Overwrite {
		p := fmt.Sprintf("overwrite[%d]", i)
		switch {
		case !slices.Contains(overwriteFields, f):
			add(p, "unknown field %q (want one of %s)", f, strings.Join(overwriteFields, ", "))
		case seen[f]:
			add(p, "duplicate field %q", f)
		}
		seen[f] = true
	}
	errs = append(errs, validatePersonas(o.Personas)...)
	personas := map[string]bool{PersonaNotABuyer: true}
	for _, r := range o.Personas {
		personas[r.Persona] = true
	}
	for i, p := range o.BuyingCommittee {
		if !personas[p] {
			add(fmt.Sprintf("buying_committee[%d]", i), "%q is not a persona of enrich.personas", p)
		}
	}
	for i, g := range o.EngagedGrades {
		if !slices.Contains(contactGrades, g) {
			add(fmt.Sprintf("engaged_grades[%d]", i), "unknown grade %q (want A, B or C)", g)
		}
	}
	errs = append(errs, validateStages(o.AccountStages)...)
	g := o.AccountGrades
	if g.FitA < g.FitB {
		add("account_grades", "fit_1 (%g) must not be below fit_2 (%g)", g.FitA, g.FitB)
	}
	if g.EngagementA < g.EngagementB {
		add("account_grades", "engagement_a (%g) must not be below engagement_b (%g)", g.EngagementA, g.EngagementB)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"fit_1", g.FitA}, {"fit_2", g.FitB}, {"engagement_a", g.EngagementA}, {"engagement_b", g.EngagementB}} {
		if f.v < 0 {
			add("account_grades."+f.name, "must not be negative, got %g", f.v)
		}
	}
	return errs
}

func validatePersonas(rules []PersonaRule) []string {
	var errs []string
	fns, sens := title.Functions(), title.Seniorities()
	for i, r := range rules {
		p := fmt.Sprintf("enrich.personas[%d]", i)
		if strings.TrimSpace(r.Persona) == "" {
			errs = append(errs, p+".persona: must not be empty")
		}
		for j, f := range r.Functions {
			if !slices.Contains(fns, f) {
				errs = append(errs, fmt.Sprintf("%s.functions[%d]: unknown function %q (want one of %s)", p, j, f, strings.Join(fns, ", ")))
			}
		}
		for j, s := range r.Seniorities {
			if !slices.Contains(sens, s) {
				errs = append(errs, fmt.Sprintf("%s.seniorities[%d]: unknown seniority %q (want one of %s)", p, j, s, strings.Join(sens, ", ")))
			}
		}
		if len(r.Functions) == 0 && len(r.Seniorities) == 0 && i < len(rules)-1 {
			errs = append(errs, p+": has no conditions, so the rules after it can never apply")
		}
	}
	return errs
}

func validateStages(stages []StageRule) []string {
	var errs []string
	seen := map[string]bool{}
	for i, s := range stages {
		p := fmt.Sprintf("enrich.account_stages[%d]", i)
		switch {
		case strings.TrimSpace(s.Stage) == "":
			errs = append(errs, p+".stage: must not be empty")
		case seen[s.Stage]:
			errs = append(errs, fmt.Sprintf("%s.stage: duplicate stage %q", p, s.Stage))
		case s.Stage == StageUnaware:
			errs = append(errs, fmt.Sprintf("%s.stage: %q is the stage when no rule holds", p, s.Stage))
		}
		seen[s.Stage] = true
		if s.MinContacts < 0 || s.MinEngagedContacts < 0 || s.MinMQLs < 0 || s.MinEngagedPersonas < 0 || s.MinEngagementScore < 0 {
			errs = append(errs, p+": minimums must not be negative")
		}
	}
	return errs
}
