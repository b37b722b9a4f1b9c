package score

import "testing"

func TestSegments_FirstMatchWinsElseDefault(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Segments = []Segment{
		{Name: "na_software_mid", When: `industry_norm in ["Computer Software", "Internet"] and employee_band >= "201-500" and region == "NA"`},
		{Name: "na", When: `region == "NA"`},
		{Name: "hot.mql", When: `is_mql`},
	}
	cfg.DefaultSegment = "rest_of_world"
	m := mustCompile(t, cfg)
	s := m.NewScorer()
	tests := []struct {
		name   string
		attrs  map[string]any
		events []Event
		want   string
	}{
		{"first rule", map[string]any{"industry_norm": "Internet", "employee_band": "501-1000", "region": "NA"}, nil, "na_software_mid"},
		{"first rule fails on band order, second matches", map[string]any{"industry_norm": "Internet", "employee_band": "51-200", "region": "NA"}, nil, "na"},
		{"computed field", map[string]any{"seniority": "vp", "job_function": "marketing", "industry_norm": "Internet", "employee_band": "501-1000", "region": "EMEA", "email_type": "corporate", "revenue_band": "1B+"}, engA, "hot.mql"},
		{"default", map[string]any{"region": "APAC"}, nil, "rest_of_world"},
		{"nulls fall through to default", nil, nil, "rest_of_world"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.Score(row(tt.attrs), tt.events).Segment; got != tt.want {
				t.Fatalf("segment = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestSegments_DefaultsSplitBySize(t *testing.T) {
	m := mustCompile(t, DefaultConfig())
	s := m.NewScorer()
	for band, want := range map[string]string{"10001+": "enterprise", "1001-5000": "enterprise", "501-1000": "mid_market", "1-10": "smb"} {
		if got := s.Score(row(map[string]any{"employee_band": band}), nil).Segment; got != want {
			t.Errorf("band %s: segment %s, want %s", band, got, want)
		}
	}
	if got := s.Score(row(nil), nil).Segment; got != "other" {
		t.Errorf("unknown band: segment %s, want other", got)
	}
}
