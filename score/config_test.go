package score

import (
	"strings"
	"testing"
)

func TestDefaultConfig_IsValidAndCompiles(t *testing.T) {
	cfg := DefaultConfig()
	if errs := cfg.Validate(); len(errs) != 0 {
		t.Fatalf("default config invalid: %v", errs)
	}
	mustCompile(t, cfg)
}

func TestValidate_ErrorsNameTheFieldPath(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"fit points out of range", func(c *Config) { c.Fit.Rules[2].Points = 150 }, `score.fit.rules[2].points: 150 must be between -100 and 100`},
		{"fit rule syntax", func(c *Config) { c.Fit.Rules[0].When = `seniority in ["vp"` }, `score.fit.rules[0].when: syntax error at position 19: expected "," or "]" in list, found end of expression`},
		{"fit rule without condition", func(c *Config) { c.Fit.Rules[1].When = "" }, `score.fit.rules[1].when: missing expression`},
		{"segment syntax names the position", func(c *Config) {
			c.Segments = []Segment{{Name: "a", When: `region == "NA"`}, {Name: "b", When: `region == and x`}}
		}, `score.segments[1].when: syntax error at position 11: expected value after "=="`},
		{"segment name unsafe for a partition", func(c *Config) { c.Segments[0].Name = "big/co" }, `score.segments[0].name: "big/co" must be letters, digits, _ - . only`},
		{"segment name dot-dot", func(c *Config) { c.Segments[0].Name = ".." }, `score.segments[0].name: ".." must be`},
		{"duplicate segment", func(c *Config) { c.Segments[1].Name = "enterprise" }, `score.segments[1].name: duplicate segment "enterprise"`},
		{"default segment", func(c *Config) { c.DefaultSegment = "" }, `score.default_segment: "" must be`},
		{"fit grades order", func(c *Config) { c.Fit.Grades.Grade2 = 70 }, `score.fit.grades.grade_2: 70 must be at least 0 and below grade_1 (60)`},
		{"half-life", func(c *Config) { c.Engagement.HalfLifeDays = 0 }, `score.engagement.half_life_days: 0 must be a positive number of days`},
		{"cap category", func(c *Config) { c.Engagement.Caps[1].Category = "web_vist" }, `score.engagement.caps[1].category: "web_vist" is neither an event type nor a URL rule name`},
		{"cap period", func(c *Config) { c.Engagement.Caps[0].PeriodDays = -7 }, `score.engagement.caps[0].period_days: -7 must be above 0`},
		{"url rule event type", func(c *Config) { c.Engagement.URLs[1].EventTypes = []string{"visit"} }, `score.engagement.urls[1].event_types[0]: unknown event type "visit"`},
		{"url rule clashes with type", func(c *Config) { c.Engagement.URLs[0].Name = "form_fill" }, `score.engagement.urls[0].name: "form_fill" is already an event type or URL rule`},
		{"url rule without patterns", func(c *Config) { c.Engagement.URLs[0].Patterns = nil }, `score.engagement.urls[0].patterns: must list at least one path pattern`},
		{"engagement grades", func(c *Config) { c.Engagement.Grades.B = 50 }, `score.engagement.grades.b: 50 must be below a (40)`},
		{"missing action", func(c *Config) { delete(c.Actions, "2B") }, `score.actions.2B: missing`},
		{"bad rank", func(c *Config) { c.Actions["4A"] = Action{Queue: "x"} }, `score.actions.4A: not a lead rank (1A..3C)`},
		{"negative SLA", func(c *Config) { c.Actions["1A"] = Action{Queue: "field_sales", SLAHours: -1} }, `score.actions.1A.sla_hours: -1 must be between 0`},
		{"funnel category", func(c *Config) { c.Funnel.Decision = append(c.Funnel.Decision, "pricing") }, `score.funnel.decision[3]: "pricing" is neither an event type`},
		{"funnel window", func(c *Config) { c.Funnel.WindowDays = 0 }, `score.funnel.window_days: 0 must be above 0`},
		{"customer expression syntax", func(c *Config) { c.Funnel.CustomerWhen = `is_customer ==` }, `score.funnel.customer_when: syntax error at position 15`},
		{"mql syntax", func(c *Config) { c.MQLWhen = `lead_rank in ["1A",]` }, `score.mql_when: syntax error at position 20: expected value after ","`},
		{"ordinal duplicate", func(c *Config) { c.Ordinals["seniority"] = []string{"vp", "vp"} }, `score.ordinals.seniority[1]: duplicate value "vp"`},
		{"fallback queue", func(c *Config) { c.Routing.FallbackQueue = "" }, `score.routing.fallback_queue: "" must be`},
		{"territory team", func(c *Config) {
			c.Routing.Territories = []Territory{{Name: "t", When: `region == "NA"`, Team: "ghost"}}
		}, `score.routing.territories[0].team: unknown team "ghost"`},
		{"duplicate member", func(c *Config) { c.Routing.Teams = []Team{{Name: "t", Members: []string{"a", "b", "a"}}} }, `score.routing.teams[0].members[2]: duplicate member "a"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.mutate(&cfg)
			errs := cfg.Validate()
			var msgs []string
			for _, e := range errs {
				msgs = append(msgs, e.Error())
				if strings.HasPrefix(e.Error(), tt.want) {
					return
				}
			}
			t.Fatalf("no error starting %q in\n%s", tt.want, strings.Join(msgs, "\n"))
		})
	}
}

func TestCompile_ErrorsNameRuleAndColumn(t *testing.T) {
	cfg := routingConfig()
	cfg.Segments[1].When = `employe_band >= "201-500"`
	cfg.Routing.Territories[2].When = `region == "EMEA" and revenue_usd > "big"`
	_, err := Compile(cfg, testCols, runTime)
	for _, want := range []string{
		`score.segments[1].when (rule "mid_market"): name error at position 1: unknown column "employe_band"`,
		`score.routing.territories[2].when (rule "emea_software"): type error at position 36: cannot compare number column revenue_usd with string "big"`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v\nwant it to contain %q", err, want)
		}
	}
}

func TestDecodeConfig_OverridesOnTopOfDefaults(t *testing.T) {
	cfg, err := DecodeConfig([]byte(`
engagement:
  half_life_days: 14
  events:
    email_open: 0.5
actions:
  "2C": {queue: sdr, sla_hours: 48, route: true}
segments:
  - name: strategic
    when: 'employee_band >= "5001-10000"'
routing:
  teams:
    - name: west
      members: [ana, ben]
`))
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case cfg.Engagement.HalfLifeDays != 14:
		t.Errorf("half_life_days = %v", cfg.Engagement.HalfLifeDays)
	case cfg.Engagement.Events["email_open"] != 0.5 || cfg.Engagement.Events["form_fill"] != 10:
		t.Errorf("events not merged: %v", cfg.Engagement.Events)
	case cfg.Actions["2C"].Queue != "sdr" || cfg.Actions["1A"].SLAHours != 24:
		t.Errorf("actions not merged: %v", cfg.Actions)
	case len(cfg.Segments) != 1 || cfg.Segments[0].Name != "strategic":
		t.Errorf("segments not replaced: %v", cfg.Segments)
	case len(cfg.Fit.Rules) != len(DefaultConfig().Fit.Rules) || cfg.DefaultSegment != "other":
		t.Errorf("untouched defaults lost")
	case cfg.Routing.FallbackQueue != "unassigned" || len(cfg.Routing.Teams) != 1:
		t.Errorf("routing = %+v", cfg.Routing)
	}
	if errs := cfg.Validate(); len(errs) != 0 {
		t.Errorf("Validate: %v", errs)
	}
}

func TestDecodeConfig_UnknownFieldIsAnError(t *testing.T) {
	_, err := DecodeConfig([]byte("engagement:\n  half_life: 14\n"))
	if err == nil || !strings.Contains(err.Error(), "half_life") {
		t.Fatalf("err = %v", err)
	}
	cfg, err := DecodeConfig(nil)
	if err != nil || cfg.Engagement.HalfLifeDays != 30 {
		t.Fatalf("empty body: %v %v", cfg.Engagement.HalfLifeDays, err)
	}
}

func TestConfigColumns_ListsWhatExpressionsRead(t *testing.T) {
	cfg := routingConfig()
	cfg.Funnel.CustomerWhen = `is_customer == "true" or company_key in ["acme"]`
	if got, want := columnNames(t, cfg), "company_key email_type employee_band employee_count industry_norm is_customer job_function region revenue_band seniority state_code"; got != want {
		t.Fatalf("columns = %v\nwant %s", got, want)
	}
	cfg.MQLWhen = "lead_rank =="
	if _, err := cfg.Columns(); err == nil || !strings.Contains(err.Error(), "score.mql_when: syntax error at position 13") {
		t.Fatalf("err = %v", err)
	}
}

func TestConfigColumns_DeclaresCustomerFlagWhenNoCustomerRule(t *testing.T) {
	cfg := routingConfig()
	cfg.Funnel.CustomerWhen = ""
	cols, err := cfg.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var flag *Column
	for i := range cols {
		if cols[i].Name == CustomerFlag {
			flag = &cols[i]
		} else if cols[i].Kind != String {
			t.Errorf("%s: kind %v, want string", cols[i].Name, cols[i].Kind)
		}
	}
	if flag == nil || flag.Kind != Bool {
		t.Fatalf("columns = %v: want %s as bool", cols, CustomerFlag)
	}
	cfg.Funnel.CustomerWhen = `company_key in ["acme"]`
	if got := columnNames(t, cfg); strings.Contains(got, CustomerFlag) {
		t.Fatalf("columns = %s: %s is read only without a customer rule", got, CustomerFlag)
	}
}

func columnNames(t *testing.T, cfg Config) string {
	t.Helper()
	cols, err := cfg.Columns()
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return strings.Join(names, " ")
}

func TestValidate_ZeroConfigReportsInsteadOfPanicking(t *testing.T) {
	var cfg Config
	errs := cfg.Validate()
	if len(errs) < 5 {
		t.Fatalf("zero config gave only %v", errs)
	}
	if _, err := Compile(cfg, testCols, runTime); err == nil || !strings.Contains(err.Error(), "score.engagement.half_life_days") {
		t.Fatalf("Compile(zero) = %v", err)
	}
}
