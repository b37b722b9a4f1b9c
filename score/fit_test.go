package score

import "testing"

func TestFit_DefaultRules(t *testing.T) {
	tests := []struct {
		name  string
		attrs map[string]any
		score int
		grade int
	}{
		{"nothing known scores the base", nil, 0, 3},
		{"c-level", map[string]any{"seniority": "c_level"}, 25, 3},
		{"vp", map[string]any{"seniority": "vp"}, 25, 3},
		{"director", map[string]any{"seniority": "director"}, 20, 3},
		{"manager", map[string]any{"seniority": "manager"}, 12, 3},
		{"intern is below entry", map[string]any{"seniority": "intern"}, 0, 3}, // -5 clamped
		{"other seniority is unordered, no junior penalty", map[string]any{"seniority": "other", "region": "NA"}, 10, 3},
		{"buying function", map[string]any{"job_function": "marketing", "region": "NA"}, 25, 3},
		{"other function loses points", map[string]any{"job_function": "other", "region": "NA"}, 5, 3},
		{"mid-market band by order", map[string]any{"employee_band": "1001-5000"}, 15, 3},
		{"revenue band by order", map[string]any{"revenue_band": "1B+"}, 10, 3},
		{"free mail", map[string]any{"seniority": "vp", "email_type": "free"}, 15, 3},
		{"role address", map[string]any{"seniority": "vp", "email_type": "role"}, 5, 3},
		{"ideal buyer is grade 1", map[string]any{"seniority": "vp", "job_function": "marketing", "industry_norm": "Computer Software",
			"employee_band": "201-500", "revenue_band": "10M-50M", "region": "NA", "email_type": "corporate"}, 85, 1},
		{"strong person at a small unknown company is grade 2", map[string]any{"seniority": "vp", "job_function": "marketing", "employee_band": "201-500", "email_type": "corporate"}, 55, 2},
		{"grade 2", map[string]any{"seniority": "director", "job_function": "it", "region": "NA"}, 38, 2},
	}
	m := mustCompile(t, DefaultConfig())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := row(tt.attrs)
			score, grade := m.fitScore(&env{row: r, ext: &[numVirtual]Value{}})
			if score != tt.score || grade != tt.grade {
				t.Fatalf("fit = %d grade %d, want %d grade %d\n%s", score, grade, tt.score, tt.grade, m.Explain(r, nil))
			}
		})
	}
}

func TestFit_BaseClampAndThresholds(t *testing.T) {
	tests := []struct {
		name  string
		base  int
		rules []FitRule
		score int
		grade int
	}{
		{"clamped at 100", 50, []FitRule{{Name: "a", When: `region == "NA"`, Points: 80}}, 100, 1},
		{"clamped at 0", 10, []FitRule{{Name: "a", When: `region == "NA"`, Points: -80}}, 0, 3},
		{"negative points subtract", 50, []FitRule{{Name: "a", When: `region == "NA"`, Points: -5}}, 45, 2},
		{"every matching rule adds", 0, []FitRule{{Name: "a", When: `region == "NA"`, Points: 30}, {Name: "b", When: `region is not null`, Points: 30}}, 60, 1},
		{"non-matching rule adds nothing", 0, []FitRule{{Name: "a", When: `region == "EMEA"`, Points: 30}}, 0, 3},
		{"exactly grade 2 threshold", 35, nil, 35, 2},
		{"one below grade 2 threshold", 34, nil, 34, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Fit.Base, cfg.Fit.Rules = tt.base, tt.rules
			m := mustCompile(t, cfg)
			score, grade := m.fitScore(&env{row: row(map[string]any{"region": "NA"}), ext: &[numVirtual]Value{}})
			if score != tt.score || grade != tt.grade {
				t.Fatalf("fit = %d grade %d, want %d grade %d", score, grade, tt.score, tt.grade)
			}
		})
	}
}
