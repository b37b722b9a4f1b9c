package normalize

import (
	"strconv"
	"strings"
	"time"
)

// timeLayouts are the date and time forms seen in CRM exports, form tools
// and list vendors, tried in order. Day-first forms use '.', month-first
// use '/', the convention of the markets that write them.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/01/02",
	"01/02/2006 15:04:05",
	"01/02/2006 15:04",
	"01/02/2006 3:04 PM",
	"1/2/2006 15:04",
	"1/2/2006 3:04 PM",
	"01/02/2006",
	"1/2/2006",
	"02.01.2006 15:04:05",
	"02.01.2006 15:04",
	"02.01.2006",
	"2.1.2006",
	"02-Jan-2006",
	"2 Jan 2006",
	"Jan 2, 2006",
	"January 2, 2006",
	"Mon, 02 Jan 2006 15:04:05 MST",
	time.RFC1123Z,
}

// Timestamp parses a date or time as written by the systems contacts come
// from, into UTC. Numbers are Unix epoch seconds or milliseconds (by
// magnitude). Times without a zone are taken as UTC. Dates before 1900 or
// more than a year ahead of now are refused as typos.
func Timestamp(raw string, now time.Time) (t time.Time, ok bool, empty bool) {
	s := strings.TrimSpace(raw)
	if NullToken(s) {
		return time.Time{}, false, true
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && len(s) >= 9 {
		switch {
		case n > 1e14: // microseconds
			t = time.UnixMicro(n)
		case n > 1e11: // milliseconds
			t = time.UnixMilli(n)
		default:
			t = time.Unix(n, 0)
		}
		return plausible(t.UTC(), now)
	}
	for _, layout := range timeLayouts {
		if p, err := time.Parse(layout, s); err == nil {
			return plausible(p.UTC(), now)
		}
	}
	return time.Time{}, false, false
}

func plausible(t, now time.Time) (time.Time, bool, bool) {
	if t.Year() < 1900 || (!now.IsZero() && t.After(now.AddDate(1, 0, 0))) {
		return time.Time{}, false, false
	}
	return t, true, false
}
