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

// TestTimeParser_SameAsTimestamp feeds one parser values whose shapes
// collide with different layouts ("1/2/2006 15:04" and "01/02/2006
// 15:04", a day-first date after a month-first one, values that fail
// after their shape was learned) and checks every answer against the
// memo-less Timestamp.
func TestTimeParser_SameAsTimestamp(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	in := []string{
		"12/12/2023 15:01", "1/2/2024 15:04", "01/02/2024 15:04", "13/12/2023 15:01", "12/32/2023 15:01",
		"3/11/2025", "03/11/2025", "31/12/2025", "11.03.2025", "31.12.2025", "1.3.2025", "31.13.2025",
		"2025-03-11T14:22:05Z", "2025-03-11T14:22:05.123Z", "2025-03-11T14:22:05+02:00", "2025-13-11T14:22:05Z",
		"2025-03-11 14:22:05", "2025-03-11 14:22", "2025-03-11", "2025-02-30", "2025/03/11",
		"1/2/2006 3:04 PM", "01/02/2006 3:04 PM", "12/31/2025 11:59 PM",
		"Mar 11, 2025", "March 11, 2025", "Mat 11, 2025", "11-Mar-2025", "11 Mar 2025",
		"Tue, 11 Mar 2025 14:22:05 GMT", "Tue, 11 Mar 2025 14:22:05 +0100",
		"1741702925000", "1741702925", "-1741702925", "+1741702925", "12345", "yesterday", "", "N/A",
		"2031-01-01", "1850-01-01", "2025-03-11T14:22:05Zjunk", "１２/１２/２０２３",
	}
	var p TimeParser
	for round := 0; round < 3; round++ {
		for i := range in {
			s := in[i]
			if round == 1 {
				s = in[len(in)-1-i]
			}
			wt, wok, wempty := Timestamp(s, now)
			gt, gok, gempty := p.Parse(s, now)
			if !gt.Equal(wt) || gok != wok || gempty != wempty {
				t.Errorf("round %d: Parse(%q) = %v, %v, %v; Timestamp gives %v, %v, %v", round, s, gt, gok, gempty, wt, wok, wempty)
			}
		}
	}
	if len(p.shapes) == 0 {
		t.Fatal("the parser learned no shape")
	}
}

func BenchmarkTimestamp(b *testing.B) {
	in := []string{"2025-03-11T14:22:05Z", "11/03/2025 14:22", "1741702925000", "11.03.2025"}
	now := time.Now()
	for i := 0; i < b.N; i++ {
		Timestamp(in[i%len(in)], now)
	}
}

func BenchmarkTimeParser(b *testing.B) {
	in := []string{"2025-03-11T14:22:05Z", "11/03/2025 14:22", "1741702925000", "11.03.2025"}
	now := time.Now()
	var p TimeParser
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p.Parse(in[i%len(in)], now)
	}
}
