package score

import (
	"strings"
	"testing"
)

func TestExplain_AddsUpToTheScores(t *testing.T) {
	m := mustCompile(t, DefaultConfig())
	rw := row(fit1)
	events := []Event{
		{Type: "form_fill", URL: "/demo", At: daysAgo(30)},
		{Type: "web_visit", URL: "/careers", At: daysAgo(1)},
		{Type: "sms_reply", At: daysAgo(1)},
	}
	for range 8 {
		events = append(events, Event{Type: "email_open", At: daysAgo(2)})
	}
	x := m.Explain(rw, events)
	res := m.NewScorer().Score(rw, events)
	if x.Result != res {
		t.Fatalf("explain result %+v differs from Score %+v", x.Result, res)
	}
	sumFit := x.Fit.Base
	for _, l := range x.Fit.Rules {
		if l.Matched {
			sumFit += l.Points
		}
	}
	if sumFit != x.Fit.Raw || x.Fit.Score != res.FitScore {
		t.Fatalf("fit lines add to %d (raw %d), score %d vs %d", sumFit, x.Fit.Raw, x.Fit.Score, res.FitScore)
	}
	var sumEng float64
	cats := map[string]CategoryLine{}
	for _, c := range x.Engagement.Categories {
		sumEng += c.Scored
		cats[c.Category] = c
	}
	if !near(sumEng, res.EngagementScore) {
		t.Fatalf("categories add to %v, engagement score %v", sumEng, res.EngagementScore)
	}
	if c := cats["demo_request"]; !near(c.Scored, 15) || c.Events != 1 {
		t.Errorf("demo_request = %+v, want 30 points halved by 30 days = 15", c)
	}
	if c := cats["email_open"]; c.CappedPeriods != 1 || c.CapPoints != 5 || !near(c.RawPoints, 8) {
		t.Errorf("email_open = %+v, want 8 raw points capped at 5 in one period", c)
	}
	if c := cats["unknown"]; c.Events != 1 || c.Scored != 0 || x.Engagement.Unknown != 1 {
		t.Errorf("unknown = %+v", c)
	}
	out := x.String()
	for _, want := range []string{"lead rank 1", "fit score 85", "+ executive", "+30 x 0.5000 = +15.000", "careers_page", "cap 5 per 7 d, hit in 1 period(s)", "1 event(s) of unknown type scored 0"} {
		if !strings.Contains(out, want) {
			t.Errorf("explanation lacks %q:\n%s", want, out)
		}
	}
}
