package normalize

import (
	"testing"
	"time"
)

func TestTimestamp_Formats(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want string // RFC3339, "" for not ok
		null bool
	}{
		{"2025-03-11T14:22:05Z", "2025-03-11T14:22:05Z", false},
		{"2025-03-11T14:22:05+02:00", "2025-03-11T12:22:05Z", false},
		{"2025-03-11 14:22:05", "2025-03-11T14:22:05Z", false},
		{"2025-03-11", "2025-03-11T00:00:00Z", false},
		{"11/03/2025 14:22", "2025-11-03T14:22:00Z", false},
		{"3/11/2025", "2025-03-11T00:00:00Z", false},
		{"11.03.2025", "2025-03-11T00:00:00Z", false},
		{"11.03.2025 08:30", "2025-03-11T08:30:00Z", false},
		{"1741702925000", "2025-03-11T14:22:05Z", false},
		{"1741702925", "2025-03-11T14:22:05Z", false},
		{"Mar 11, 2025", "2025-03-11T00:00:00Z", false},
		{"11-Mar-2025", "2025-03-11T00:00:00Z", false},
		{"  2025-03-11  ", "2025-03-11T00:00:00Z", false},
		{"", "", true},
		{"N/A", "", true},
		{"yesterday", "", false},
		{"1850-01-01", "", false},
		{"2031-01-01", "", false},
		{"32/13/2025", "", false},
		{"12345", "", false},
	}
	for _, tc := range tests {
		got, ok, empty := Timestamp(tc.in, now)
		if empty != tc.null {
			t.Errorf("Timestamp(%q) empty = %v, want %v", tc.in, empty, tc.null)
		}
		if tc.want == "" {
			if ok {
				t.Errorf("Timestamp(%q) = %v, want not ok", tc.in, got)
			}
			continue
		}
		if !ok || got.Format(time.RFC3339) != tc.want {
			t.Errorf("Timestamp(%q) = %v, %v; want %s", tc.in, got.Format(time.RFC3339), ok, tc.want)
		}
	}
}

func BenchmarkTimestamp(b *testing.B) {
	in := []string{"2025-03-11T14:22:05Z", "11/03/2025 14:22", "1741702925000", "11.03.2025"}
	now := time.Now()
	for i := 0; i < b.N; i++ {
		Timestamp(in[i%len(in)], now)
	}
}
