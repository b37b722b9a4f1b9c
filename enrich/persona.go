package enrich

import (
	"fmt"
	"strings"
)

// The default personas.
const (
	PersonaEconomicBuyer  = "Economic buyer"
	PersonaTechnicalBuyer = "Technical buyer"
	PersonaChampion       = "Champion"
	PersonaEndUser        = "End user"
	PersonaNotABuyer      = "Not a buyer"
)

// DefaultPersonas are the buying roles of a B2B software sale, first match
// wins:
//   - Economic buyer: c_level and vp of any function; they sign.
//   - Not a buyer: interns, whatever their function.
//   - Technical buyer: directors and managers of it, engineering, data and
//     product, who judge the technical fit. Senior individual contributors
//     ("Senior Software Engineer") are end users: they use, others decide.
//   - Champion: directors and managers of the other buying functions
//     (executive, sales, marketing, operations, finance, customer_success),
//     who carry the purchase inside.
//   - End user: entry and senior individual contributors of the buying
//     functions above.
//
// Everyone else falls back to Not a buyer: hr and legal below vp (they
// review a contract, they do not buy), function "other" or unknown below
// vp, seniority "other" or unknown.
func DefaultPersonas() []PersonaRule {
	tech := []string{"it", "engineering", "data", "product"}
	business := []string{"executive", "sales", "marketing", "operations", "finance", "customer_success"}
	return []PersonaRule{
		{Persona: PersonaEconomicBuyer, Seniorities: []string{"c_level", "vp"}},
		{Persona: PersonaNotABuyer, Seniorities: []string{"intern"}},
		{Persona: PersonaTechnicalBuyer, Functions: tech, Seniorities: []string{"director", "manager"}},
		{Persona: PersonaChampion, Functions: business, Seniorities: []string{"director", "manager"}},
		{Persona: PersonaEndUser, Functions: append(append([]string(nil), tech...), business...),
			Seniorities: []string{"entry", "senior"}},
	}
}

// PersonaTable maps job function and seniority to a persona by its rules.
// The zero value has no rules: every non-empty input is Not a buyer.
type PersonaTable struct {
	rules []personaRule
}

type personaRule struct {
	persona     string
	functions   map[string]bool // nil accepts any
	seniorities map[string]bool
}

// NewPersonaTable checks rules (names non-empty, functions and seniorities
// known to normalize/title) and compiles them.
func NewPersonaTable(rules []PersonaRule) (PersonaTable, error) {
	if errs := validatePersonas(rules); len(errs) > 0 {
		return PersonaTable{}, fmt.Errorf("persona rules: %s", strings.Join(errs, "; "))
	}
	t := PersonaTable{rules: make([]personaRule, len(rules))}
	set := func(vs []string) map[string]bool {
		if len(vs) == 0 {
			return nil
		}
		m := make(map[string]bool, len(vs))
		for _, v := range vs {
			m[v] = true
		}
		return m
	}
	for i, r := range rules {
		t.rules[i] = personaRule{persona: r.Persona, functions: set(r.Functions), seniorities: set(r.Seniorities)}
	}
	return t, nil
}

// Persona returns the persona of the first rule that holds, Not a buyer
// when none does, and "" only when both inputs are empty (nothing is known
// about the person's role).
func (p PersonaTable) Persona(jobFunction, seniority string) string {
	if jobFunction == "" && seniority == "" {
		return ""
	}
	for _, r := range p.rules {
		if (r.functions == nil || r.functions[jobFunction]) && (r.seniorities == nil || r.seniorities[seniority]) {
			return r.persona
		}
	}
	return PersonaNotABuyer
}
