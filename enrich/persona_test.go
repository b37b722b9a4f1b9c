package enrich

import "testing"

func TestPersona_DefaultRules(t *testing.T) {
	p, err := NewPersonaTable(DefaultPersonas())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ function, seniority, want string }{
		{"finance", "c_level", PersonaEconomicBuyer},
		{"hr", "vp", PersonaEconomicBuyer},
		{"", "c_level", PersonaEconomicBuyer},
		{"engineering", "intern", PersonaNotABuyer},
		{"it", "director", PersonaTechnicalBuyer},
		{"data", "manager", PersonaTechnicalBuyer},
		{"engineering", "senior", PersonaEndUser},
		{"marketing", "director", PersonaChampion},
		{"customer_success", "manager", PersonaChampion},
		{"sales", "entry", PersonaEndUser},
		{"hr", "director", PersonaNotABuyer},
		{"legal", "entry", PersonaNotABuyer},
		{"other", "manager", PersonaNotABuyer},
		{"sales", "other", PersonaNotABuyer},
		{"sales", "", PersonaNotABuyer},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := p.Persona(tt.function, tt.seniority); got != tt.want {
			t.Errorf("Persona(%q, %q) = %q, want %q", tt.function, tt.seniority, got, tt.want)
		}
	}
}

func TestPersona_FirstRuleWinsAndBadRulesAreRejected(t *testing.T) {
	p, err := NewPersonaTable([]PersonaRule{
		{Persona: "Sales leader", Functions: []string{"sales"}, Seniorities: []string{"vp", "director"}},
		{Persona: "Leader", Seniorities: []string{"vp", "director"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ f, s, want string }{
		{"sales", "vp", "Sales leader"}, {"it", "vp", "Leader"}, {"it", "entry", PersonaNotABuyer},
	} {
		if got := p.Persona(tt.f, tt.s); got != tt.want {
			t.Errorf("Persona(%q, %q) = %q, want %q", tt.f, tt.s, got, tt.want)
		}
	}
	if _, err := NewPersonaTable([]PersonaRule{{Persona: "X", Functions: []string{"astrology"}}}); err == nil {
		t.Error("unknown function accepted")
	}
}
