package score

import (
	"testing"
	"time"
)

// Attribute sets that land on each fit grade with the default rules, and
// event sets that land on each engagement grade.
var (
	fit1 = map[string]any{"seniority": "vp", "job_function": "marketing", "industry_norm": "Computer Software",
		"employee_band": "201-500", "revenue_band": "10M-50M", "region": "NA", "email_type": "corporate"}
	fit2 = map[string]any{"seniority": "director", "job_function": "it", "region": "NA"}
	fit3 = map[string]any{"seniority": "entry", "email_type": "free"}
	engA = []Event{{Type: "form_fill", URL: "/demo", At: runTime}, {Type: "web_visit", URL: "/pricing", At: runTime}}
	engB = []Event{{Type: "webinar_attended", At: runTime}, {Type: "email_click", At: runTime}}
	engC = []Event{{Type: "email_open", At: daysAgo(3)}}
)

func TestRank_GradePairsAndActionPolicy(t *testing.T) {
	tests := []struct {
		rank   string
		attrs  map[string]any
		events []Event
		mql    bool
		queue  string
		sla    time.Duration // 0: none
	}{
		{"1A", fit1, engA, true, "field_sales", 24 * time.Hour},
		{"1B", fit1, engB, true, "field_sales", 72 * time.Hour},
		{"1C", fit1, engC, false, "inside_sales", 120 * time.Hour},
		{"2A", fit2, engA, true, "inside_sales", 120 * time.Hour},
		{"2B", fit2, engB, false, "inside_sales", 120 * time.Hour},
		{"2C", fit2, engC, false, "nurture", 0},
		{"3A", fit3, engA, false, "nurture", 0},
		{"3B", fit3, engB, false, "nurture", 0},
		{"3C", fit3, nil, false, "nurture", 0},
	}
	m := mustCompile(t, DefaultConfig())
	s := m.NewScorer()
	for _, tt := range tests {
		t.Run(tt.rank, func(t *testing.T) {
			r := s.Score(row(tt.attrs), tt.events)
			if r.LeadRank != tt.rank || r.IsMQL != tt.mql || r.Queue != tt.queue {
				t.Fatalf("got rank %s mql %v queue %s, want %s %v %s", r.LeadRank, r.IsMQL, r.Queue, tt.rank, tt.mql, tt.queue)
			}
			if tt.sla == 0 && !r.SLADueAt.IsZero() || tt.sla != 0 && !r.SLADueAt.Equal(runTime.Add(tt.sla)) {
				t.Fatalf("sla_due_at = %v, want run time + %v", r.SLADueAt, tt.sla)
			}
		})
	}
}

func TestRank_ConfigurableMQLAndActions(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MQLWhen = `fit_score >= 80 or (engagement_grade == "A" and funnel_stage == "decision")`
	cfg.Actions["2C"] = Action{Queue: "sdr", SLAHours: 8, Route: true}
	m := mustCompile(t, cfg)
	s := m.NewScorer()
	tests := []struct {
		name   string
		attrs  map[string]any
		events []Event
		mql    bool
		queue  string
	}{
		{"high fit alone is MQL", fit1, nil, true, "inside_sales"},
		{"decision-stage A is MQL at fit 3", fit3, engA, true, "nurture"},
		{"overridden 2C action", fit2, engC, false, "sdr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.Score(row(tt.attrs), tt.events)
			if r.IsMQL != tt.mql || r.Queue != tt.queue {
				t.Fatalf("mql %v queue %s, want %v %s", r.IsMQL, r.Queue, tt.mql, tt.queue)
			}
		})
	}
}

func TestRank_ComputedFieldsWinOverStaleColumns(t *testing.T) {
	cols := append(append([]Column(nil), testCols...), Column{"lead_rank", String})
	m, err := Compile(DefaultConfig(), cols, runTime)
	if err != nil {
		t.Fatal(err)
	}
	rw := append(row(fit1), Str("3C")) // last run's rank carried in the row
	if r := m.NewScorer().Score(rw, engA); r.LeadRank != "1A" || !r.IsMQL {
		t.Fatalf("rank %s mql %v: the MQL rule read the stale column", r.LeadRank, r.IsMQL)
	}
}
