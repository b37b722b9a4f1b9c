package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// finite turns NaN and ±Inf into 0, so that no chart coordinate or bar
// length is ever "NaN" in the SVG (which a browser rejects silently,
// leaving an empty chart).
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// FormatInt formats a count as the report shows it, with thousands
// separators (the CLI's run summary prints the same figures).
func FormatInt(n int64) string { return fmtInt(n) }

// fmtInt formats n with thousands separators: 1234567 is "1,234,567".
// Tests elsewhere look these strings up in the page text.
func fmtInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 && !(neg && b.Len() == 1) {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// fmtFloat formats v with prec decimals, saying what a non-finite value
// is instead of printing Go's NaN or +Inf.
func fmtFloat(v float64, prec int) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "−∞"
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

// fmtSigned is fmtFloat with an explicit plus sign, for match weights.
func fmtSigned(v float64, prec int) string {
	s := fmtFloat(v, prec)
	if v > 0 || math.IsInf(v, 1) {
		return "+" + s
	}
	return s
}

// fmtPct formats a share in [0, 1] as a percentage.
func fmtPct(share float64) string {
	if math.IsNaN(share) || math.IsInf(share, 0) {
		return "n/a"
	}
	p := share * 100
	if p != 0 && p != 100 && math.Abs(p) < 10 {
		return strconv.FormatFloat(p, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(p, 'f', 0, 64) + "%"
}

// share is n/of, or NaN when of is 0, so that fmtPct says "n/a" instead of
// pretending 0%.
func share(n, of int64) float64 {
	if of == 0 {
		return math.NaN()
	}
	return float64(n) / float64(of)
}

// shareNote is "12% of what", or "" when of is 0 and there is no share
// to speak of.
func shareNote(n, of int64, what string) string {
	if of == 0 {
		return ""
	}
	return fmtPct(share(n, of)) + " " + what
}

// fmtCompact formats an axis tick: 0, 250, 1.5k, 20k, 1M.
func fmtCompact(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e9:
		return trimFloat(v/1e9) + "G"
	case a >= 1e6:
		return trimFloat(v/1e6) + "M"
	case a >= 1e3:
		return trimFloat(v/1e3) + "k"
	}
	return trimFloat(v)
}

// trimFloat prints v with at most two decimals and no trailing zeros.
func trimFloat(v float64) string {
	s := strconv.FormatFloat(finite(v), 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "-0" {
		return "0"
	}
	return s
}

// fmtDuration formats milliseconds for people: 850 ms, 12.4 s, 3 m 05 s.
func fmtDuration(ms int64) string {
	d := time.Duration(ms) * time.Millisecond
	switch {
	case d < time.Second:
		return fmt.Sprintf("%d ms", ms)
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%d m %02d s", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%d h %02d m", int(d.Hours()), int(d.Minutes())%60)
}

// fmtBytes formats a size in binary units.
func fmtBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmtInt(n) + " B"
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// fmtTime formats a timestamp, or says it is unknown.
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}
