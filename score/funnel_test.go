package score

import "testing"

func TestFunnel_StrongestRecentBehaviour(t *testing.T) {
	tests := []struct {
		name   string
		attrs  map[string]any
		events []Event
		want   string
	}{
		{"no events is awareness", nil, nil, "awareness"},
		{"email open is interest", nil, []Event{{Type: "email_open", At: daysAgo(1)}}, "interest"},
		{"web visit is interest", nil, []Event{{Type: "web_visit", URL: "/blog/x", At: daysAgo(1)}}, "interest"},
		{"email click is interest", nil, []Event{{Type: "email_click", At: daysAgo(1)}}, "interest"},
		{"download is consideration", nil, []Event{{Type: "email_open", At: daysAgo(1)}, {Type: "content_download", At: daysAgo(5)}}, "consideration"},
		{"webinar attended is consideration", nil, []Event{{Type: "webinar_attended", At: daysAgo(20)}}, "consideration"},
		{"pricing visit is decision", nil, []Event{{Type: "webinar_attended", At: daysAgo(2)}, {Type: "web_visit", URL: "/pricing", At: daysAgo(30)}}, "decision"},
		{"demo page visit is decision", nil, []Event{{Type: "web_visit", URL: "https://x.example/demo?x=1", At: daysAgo(30)}}, "decision"},
		{"demo form fill is decision", nil, []Event{{Type: "form_fill", URL: "/demo", At: daysAgo(89)}}, "decision"},
		{"old behaviour is outside the window", nil, []Event{{Type: "web_visit", URL: "/pricing", At: daysAgo(91)}, {Type: "email_open", At: daysAgo(3)}}, "interest"},
		{"careers visits are not interest", nil, []Event{{Type: "web_visit", URL: "/careers", At: daysAgo(1)}}, "awareness"},
		{"negative events are not interest", nil, []Event{{Type: "unsubscribe", At: daysAgo(1)}}, "awareness"},
		{"unknown types are not interest", nil, []Event{{Type: "sms", At: daysAgo(1)}}, "awareness"},
		{"customer flag wins", map[string]any{"is_customer": "true"}, []Event{{Type: "web_visit", URL: "/pricing", At: daysAgo(1)}}, "customer"},
		{"customer flag false", map[string]any{"is_customer": "false"}, nil, "awareness"},
	}
	m := mustCompile(t, DefaultConfig())
	s := m.NewScorer()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.Score(row(tt.attrs), tt.events).FunnelStage; got != tt.want {
				t.Fatalf("funnel_stage = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestFunnel_CustomerFlag(t *testing.T) {
	t.Run("configured expression", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.Funnel.CustomerWhen = `company_key in ["acme"]`
		m := mustCompile(t, cfg)
		if got := m.NewScorer().Score(row(map[string]any{"company_key": "acme"}), nil).FunnelStage; got != "customer" {
			t.Fatalf("funnel_stage = %s", got)
		}
	})
	t.Run("no is_customer column and no expression: nobody is a customer", func(t *testing.T) {
		var cols []Column
		for _, c := range testCols {
			if c.Name != "is_customer" {
				cols = append(cols, c)
			}
		}
		m, err := Compile(DefaultConfig(), cols, runTime)
		if err != nil {
			t.Fatal(err)
		}
		if m.customer != nil {
			t.Fatal("customer predicate compiled without an is_customer column")
		}
	})
	t.Run("window is configurable", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.Funnel.WindowDays = 30
		m := mustCompile(t, cfg)
		if got := m.NewScorer().Score(row(nil), []Event{{Type: "content_download", At: daysAgo(31)}}).FunnelStage; got != "awareness" {
			t.Fatalf("funnel_stage = %s, want awareness", got)
		}
	})
}
