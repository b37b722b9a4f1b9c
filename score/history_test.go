package score

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestHistoryHorizonDays_Default(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		want   float64
	}{
		// 10 x 30-day half-life beats the 90-day funnel window and 7-day caps.
		{"ten half-lives", func(*Config) {}, 300},
		{"ceil of ten half-lives", func(c *Config) { c.Engagement.HalfLifeDays = 12.34 }, 124},
		{"funnel window longer", func(c *Config) { c.Engagement.HalfLifeDays = 7; c.Funnel.WindowDays = 120 }, 120},
		{"cap period longer", func(c *Config) {
			c.Engagement.HalfLifeDays = 7
			c.Engagement.Caps[0].PeriodDays = 200
		}, 200},
		{"explicit", func(c *Config) { c.Engagement.HistoryDays = 95.5 }, 95.5},
		{"huge half-life bounded", func(c *Config) { c.Engagement.HalfLifeDays = 1e6 }, maxHistoryDays},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tt.mutate(&cfg)
			if got := cfg.HistoryHorizonDays(); got != tt.want {
				t.Errorf("HistoryHorizonDays = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestHistoryCutoff(t *testing.T) {
	cfg := DefaultConfig()
	asOf := time.Date(2026, 11, 23, 6, 0, 0, 0, time.UTC)
	if got, want := cfg.HistoryCutoff(asOf), asOf.AddDate(0, 0, -300); !got.Equal(want) {
		t.Errorf("cutoff %v, want %v", got, want)
	}
	cfg.Engagement.HistoryDays = 0.5
	cfg.Funnel.WindowDays = 0.25
	if got, want := cfg.HistoryCutoff(asOf), asOf.Add(-12*time.Hour); !got.Equal(want) {
		t.Errorf("cutoff %v, want %v", got, want)
	}
}

func TestValidate_HistoryDays(t *testing.T) {
	tests := []struct {
		days float64
		want string // "" valid
	}{
		{0, ""},
		{90, ""},
		{400, ""},
		{-1, "score.engagement.history_days: -1 must be a positive number of days up to 36500, or 0 to derive it"},
		{math.NaN(), "score.engagement.history_days: NaN must be a positive number"},
		{math.Inf(1), "score.engagement.history_days: +Inf must be a positive number"},
		{40000, "score.engagement.history_days: 40000 must be a positive number"},
		{30, "score.engagement.history_days: 30 must be at least funnel.window_days (90)"},
	}
	for _, tt := range tests {
		cfg := DefaultConfig()
		cfg.Engagement.HistoryDays = tt.days
		errs := cfg.Validate()
		if tt.want == "" {
			if len(errs) != 0 {
				t.Errorf("history_days %v: unexpected errors %v", tt.days, errs)
			}
			continue
		}
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.want) {
			t.Errorf("history_days %v: errors %v, want one containing %q", tt.days, errs, tt.want)
		}
	}
}

func TestDecodeConfig_HistoryDays(t *testing.T) {
	cfg, err := DecodeConfig([]byte("engagement:\n  history_days: 180\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.HistoryHorizonDays() != 180 || cfg.Engagement.HalfLifeDays != 30 {
		t.Errorf("decoded history_days %v (half-life %v)", cfg.HistoryHorizonDays(), cfg.Engagement.HalfLifeDays)
	}
}
