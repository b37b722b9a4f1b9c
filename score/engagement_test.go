package score

import (
	"math"
	"testing"
	"time"
)

// engConfig is a config with one event type per behaviour and no caps, so
// each test adds exactly what it pins.
func engConfig() Config {
	cfg := DefaultConfig()
	cfg.Engagement.Caps = nil
	return cfg
}

func engScore(t *testing.T, cfg Config, events []Event) engOut {
	t.Helper()
	m := mustCompile(t, cfg)
	var acc []capAcc
	return m.eng.score(events, &acc, nil)
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestEngagement_DecayArithmeticIsExact(t *testing.T) {
	tests := []struct {
		name     string
		halfLife float64
		points   float64
		at       time.Time
		want     float64
	}{
		{"now scores in full", 30, 10, runTime, 10},
		{"one half-life halves", 30, 10, daysAgo(30), 5},
		{"two half-lives quarter", 30, 10, daysAgo(60), 2.5},
		{"three half-lives eighth", 30, 10, daysAgo(90), 1.25},
		{"half a half-life is 1/sqrt2", 30, 10, daysAgo(15), 10 / math.Sqrt2},
		{"7-day half-life, 14 days", 7, 8, daysAgo(14), 2},
		{"future events count as now", 30, 10, runTime.Add(48 * time.Hour), 10},
		{"negative points decay too", 30, -10, daysAgo(30), -5},
		{"a year at 30 days is almost nothing", 30, 10, daysAgo(360), 10.0 / 4096},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := engConfig()
			cfg.Engagement.HalfLifeDays = tt.halfLife
			cfg.Engagement.Events = map[string]float64{"form_fill": tt.points}
			cfg.Engagement.URLs = nil
			cfg.Funnel = FunnelConfig{WindowDays: 90}
			got := engScore(t, cfg, []Event{{Type: "form_fill", At: tt.at}})
			if got.score != tt.want && !near(got.score, tt.want) {
				t.Fatalf("score = %.17g, want %.17g", got.score, tt.want)
			}
		})
	}
}

func TestEngagement_PointsPerTypeURLAndNegativeEvents(t *testing.T) {
	tests := []struct {
		name    string
		events  []Event
		want    float64
		unknown int
	}{
		{"default points per type", []Event{
			{Type: "email_open", At: runTime}, {Type: "email_click", At: runTime}, {Type: "content_download", At: runTime},
			{Type: "webinar_registered", At: runTime}, {Type: "webinar_attended", At: runTime},
		}, 1 + 3 + 8 + 5 + 12, 0},
		{"pricing page is high", []Event{{Type: "web_visit", URL: "/pricing", At: runTime}}, 10, 0},
		{"pricing under a full URL with query", []Event{{Type: "web_visit", URL: "https://www.leadsmith.example/pricing?utm_source=g", At: runTime}}, 10, 0},
		{"pricing sub-page matches the prefix", []Event{{Type: "web_visit", URL: "/Pricing/enterprise", At: runTime}}, 10, 0},
		{"prefix stops at segment boundary", []Event{{Type: "web_visit", URL: "/pricingfaq", At: runTime}}, 1, 0},
		{"demo page", []Event{{Type: "web_visit", URL: "/demo", At: runTime}}, 10, 0},
		{"demo form fill", []Event{{Type: "form_fill", URL: "/demo", At: runTime}}, 30, 0},
		{"other form fill keeps type points", []Event{{Type: "form_fill", URL: "/resources/ebook-lead-scoring", At: runTime}}, 10, 0},
		{"URL rule limited to its event types", []Event{{Type: "email_click", URL: "/pricing", At: runTime}}, 3, 0},
		{"careers pages are negative", []Event{{Type: "web_visit", URL: "/careers/senior-go-engineer", At: runTime}, {Type: "web_visit", URL: "/jobs", At: runTime}}, -4, 0},
		{"job seeker stays below a buyer", []Event{
			{Type: "web_visit", URL: "/careers", At: runTime}, {Type: "web_visit", URL: "/careers/ae", At: runTime},
			{Type: "web_visit", URL: "/blog/company-news", At: runTime}}, -3, 0},
		{"unsubscribe", []Event{{Type: "unsubscribe", At: runTime}}, -10, 0},
		{"hard bounce", []Event{{Type: "hard_bounce", At: runTime}}, -15, 0},
		{"spam complaint", []Event{{Type: "spam_complaint", At: runTime}}, -25, 0},
		{"unknown types score 0 and are counted", []Event{{Type: "sms_reply", At: runTime}, {Type: "", At: runTime}, {Type: "email_open", At: runTime}}, 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := engScore(t, engConfig(), tt.events)
			if !near(got.score, tt.want) || got.unknown != tt.unknown || got.events != len(tt.events) {
				t.Fatalf("got score %v unknown %d events %d, want %v, %d, %d", got.score, got.unknown, got.events, tt.want, tt.unknown, len(tt.events))
			}
		})
	}
}

func TestEngagement_CapsPerCategoryPerPeriod(t *testing.T) {
	opens := func(n int, age float64) []Event {
		var evs []Event
		for range n {
			evs = append(evs, Event{Type: "email_open", At: daysAgo(age)})
		}
		return evs
	}
	tests := []struct {
		name   string
		events []Event
		want   float64
	}{
		{"under the cap counts in full", opens(4, 0), 4},
		{"over the cap is limited", opens(12, 0), 5},
		{"each period has its own cap", append(opens(12, 1), opens(12, 8)...), 5*math.Exp2(-1.0/30) + 5*math.Exp2(-8.0/30)},
		{"cap scales decayed points in proportion", append(opens(5, 0), opens(5, 6)...), 5 * (5 + 5*math.Exp2(-6.0/30)) / 10},
		{"uncapped categories are untouched", []Event{
			{Type: "email_click", At: runTime}, {Type: "email_click", At: runTime}, {Type: "email_click", At: runTime}}, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Engagement.Caps = []Cap{{Category: "email_open", MaxPoints: 5, PeriodDays: 7}}
			got := engScore(t, cfg, tt.events)
			if !near(got.score, tt.want) {
				t.Fatalf("score = %.12g, want %.12g", got.score, tt.want)
			}
		})
	}
}

func TestEngagement_CapResultIsOrderIndependent(t *testing.T) {
	evs := []Event{
		{Type: "web_visit", At: daysAgo(0.5)}, {Type: "web_visit", URL: "/pricing", At: daysAgo(3)},
		{Type: "web_visit", At: daysAgo(6)}, {Type: "email_open", At: daysAgo(1)},
	}
	for range 9 {
		evs = append(evs, Event{Type: "web_visit", At: daysAgo(2)})
	}
	cfg := DefaultConfig()
	a := engScore(t, cfg, evs)
	rev := make([]Event, len(evs))
	for i := range evs {
		rev[len(evs)-1-i] = evs[i]
	}
	b := engScore(t, cfg, rev)
	if !near(a.score, b.score) {
		t.Fatalf("order changed the score: %v vs %v", a.score, b.score)
	}
}

func TestEngagement_Grades(t *testing.T) {
	tests := []struct {
		score float64
		want  string
	}{{100, "A"}, {40, "A"}, {39.99, "B"}, {15, "B"}, {14.9, "C"}, {0, "C"}, {-30, "C"}}
	m := mustCompile(t, DefaultConfig())
	for _, tt := range tests {
		if got := m.eng.grade(tt.score); got != tt.want {
			t.Errorf("grade(%v) = %s, want %s", tt.score, got, tt.want)
		}
	}
}

func TestURLMatching(t *testing.T) {
	paths := []struct{ in, want string }{
		{"/pricing", "/pricing"},
		{"https://x.example/pricing?a=1", "/pricing"},
		{"https://x.example", "/"},
		{"x.example/demo#top", "/demo"},
		{"plain", "/"},
		{"", ""},
	}
	for _, p := range paths {
		if got := urlPath(p.in); got != p.want {
			t.Errorf("urlPath(%q) = %q, want %q", p.in, got, p.want)
		}
	}
	globs := []struct {
		pat, path string
		want      bool
	}{
		{"/careers*", "/careers/senior-go-engineer", true},
		{"/*/pricing", "/en/pricing", true},
		{"/*/pricing", "/en/us/pricing", true},
		{"/*/pricing", "/en/pricing/x", false},
		{"/product/?", "/product/a", true},
		{"/product/?", "/product/ab", false},
		{"*", "", true},
		{"/DEMO*", "/demo-request", true},
		{"/a*b*c", "/aXbYbZc", true},
		{"/a*b*c", "/aXbYbZ", false},
	}
	for _, g := range globs {
		if got := globMatch(g.pat, g.path); got != g.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", g.pat, g.path, got, g.want)
		}
	}
	prefixes := []struct {
		pat, path string
		want      bool
	}{
		{"/careers", "/careers", true}, {"/careers", "/careers/x", true}, {"/careers", "/careersfair", false},
		{"/careers/", "/careers/x", true}, {"/careers", "/care", false},
	}
	for _, p := range prefixes {
		if got := prefixMatch(p.pat, p.path); got != p.want {
			t.Errorf("prefixMatch(%q, %q) = %v, want %v", p.pat, p.path, got, p.want)
		}
	}
}

func TestEngagement_GlobURLRule(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Engagement.URLs = append([]URLRule{{Name: "localized_pricing", Patterns: []string{"/*/pricing*"}, Points: 12}}, cfg.Engagement.URLs...)
	got := engScore(t, cfg, []Event{{Type: "web_visit", URL: "/de/pricing/team", At: runTime}, {Type: "email_click", URL: "/fr/pricing", At: runTime}})
	if !near(got.score, 24) {
		t.Fatalf("score = %v, want 24 (a rule without event_types applies to every type)", got.score)
	}
}
