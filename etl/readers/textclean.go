package readers

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// CleanField makes a value fit the data contract's strings: valid UTF-8
// (each byte that is not part of a valid sequence is read as
// Windows-1252, the usual culprit) and NFC. repaired tells whether bytes
// had to be re-read. Every reader's values pass through here, so no
// reader's gap can put invalid text into Parquet.
func CleanField(s string) (out string, repaired bool) {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s, false
	}
	if !utf8.ValidString(s) {
		var b strings.Builder
		b.Grow(len(s) + 8)
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size <= 1 {
				b.WriteRune(charmap.Windows1252.DecodeByte(s[i]))
				i++
				continue
			}
			b.WriteString(s[i : i+size])
			i += size
		}
		s, repaired = b.String(), true
	}
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	return s, repaired
}

// HeaderKey folds a header for matching: "First Name" ~ "first_name".
func HeaderKey(s string) string {
	var b strings.Builder
	underscore := false
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			underscore = false
		} else if !underscore && b.Len() > 0 {
			b.WriteByte('_')
			underscore = true
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}
