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
	var p TimeParser
	return p.Parse(raw, now)
}

// TimeParser is Timestamp for a column of values: it remembers which layout
// parsed each shape of value ("99/99/9999 99:99"), so a column written by
// one system is parsed with one time.Parse per value instead of trying
// every layout before the right one. Its results are Timestamp's. The zero
// value is ready; it is not safe for concurrent use.
type TimeParser struct {
	shapes map[string]int // shape -> index in timeLayouts
}

// timeShapesMax bounds the shape memo against columns of garbage.
const timeShapesMax = 4096

// Parse is Timestamp.
func (p *TimeParser) Parse(raw string, now time.Time) (t time.Time, ok bool, empty bool) {
	s := strings.TrimSpace(raw)
	if NullToken(s) {
		return time.Time{}, false, true
	}
	if len(s) >= 9 && timeIsInteger(s) {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
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
	}
	var buf [40]byte
	shape, cacheable := timeShape(buf[:0], s)
	if cacheable {
		if i, hit := p.shapes[string(shape)]; hit {
			// Layouts that both accept one shape read the same fields, so
			// the one that parsed this shape before gives the same time as
			// the first that would in order.
			if t, err := time.Parse(timeLayouts[i], s); err == nil {
				return plausible(t.UTC(), now)
			}
		}
	}
	for i, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if cacheable {
				if p.shapes == nil || len(p.shapes) >= timeShapesMax {
					p.shapes = make(map[string]int, 16)
				}
				p.shapes[string(shape)] = i
			}
			return plausible(t.UTC(), now)
		}
	}
	return time.Time{}, false, false
}

// timeIsInteger reports whether s is an optionally signed run of digits,
// the only form strconv.ParseInt can accept (checked first so that dates
// cost no error value).
func timeIsInteger(s string) bool {
	if s[0] == '+' || s[0] == '-' {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// timeShape maps digits to '9' and ASCII letters to 'a', keeping the rest;
// false when s does not fit dst or is not ASCII.
func timeShape(dst []byte, s string) ([]byte, bool) {
	if len(s) > cap(dst) {
		return dst, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			c = '9'
		case c|0x20 >= 'a' && c|0x20 <= 'z':
			c = 'a'
		case c >= 0x80:
			return dst, false
		}
		dst = append(dst, c)
	}
	return dst, true
}

func plausible(t, now time.Time) (time.Time, bool, bool) {
	if t.Year() < 1900 || (!now.IsZero() && t.After(now.AddDate(1, 0, 0))) {
		return time.Time{}, false, false
	}
	return t, true, false
}
