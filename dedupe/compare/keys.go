package compare

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/antzucaro/matchr"
)

// Transform maps a raw value to a key once per record; "" means null. Keys
// are computed per record, never per pair, because phonetic codes cost
// hundreds of nanoseconds and allocate.
type Transform struct {
	name string
	fn   func(string) string
}

// Name is the transform's canonical name ("exact" for none, "prefix:3").
func (t Transform) Name() string { return t.name }

// ParseKeyExpr splits "column[:transform[:arg]]", a blocking key or a
// level's column and transform. The transforms are exact and lower (the
// value as BuildColumn prepares it), prefix:N, dmetaphone, nysiis, soundex,
// email_key, digits, year and sorted_tokens.
func ParseKeyExpr(expr string) (column string, tr Transform, err error) {
	col, rest, hasTr := strings.Cut(expr, ":")
	col = strings.TrimSpace(col)
	if col == "" {
		return "", Transform{}, fmt.Errorf("key %q: column is empty", expr)
	}
	if !hasTr {
		tr, _ = parseTransform("")
		return col, tr, nil
	}
	tr, err = parseTransform(rest)
	if err != nil {
		return "", Transform{}, fmt.Errorf("key %q: %w", expr, err)
	}
	return col, tr, nil
}

// parseTransform resolves a transform name such as "prefix:3"; "" and
// "exact" keep the value as given.
func parseTransform(spec string) (Transform, error) {
	name, arg, hasArg := strings.Cut(strings.TrimSpace(spec), ":")
	if hasArg && name != "prefix" {
		return Transform{}, fmt.Errorf("transform %q takes no argument", name)
	}
	switch name {
	case "", "exact":
		return Transform{"exact", func(s string) string { return s }}, nil
	case "lower":
		return Transform{"lower", lowerTrim}, nil
	case "prefix":
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 {
			return Transform{}, fmt.Errorf("transform %q: prefix needs a positive length, e.g. prefix:3", spec)
		}
		return Transform{"prefix:" + strconv.Itoa(n), func(s string) string { return prefixRunes(lowerTrim(s), n) }}, nil
	case "dmetaphone":
		return Transform{name, func(s string) string { return phonetic(s, dmetaphone) }}, nil
	case "nysiis":
		return Transform{name, func(s string) string { return phonetic(s, matchr.NYSIIS) }}, nil
	case "soundex":
		return Transform{name, func(s string) string { return phonetic(s, matchr.Soundex) }}, nil
	case "email_key":
		return Transform{name, emailKey}, nil
	case "digits":
		return Transform{name, digitsOnly}, nil
	case "year":
		return Transform{name, yearOf}, nil
	case "sorted_tokens":
		return Transform{name, sortedTokens}, nil
	}
	return Transform{}, fmt.Errorf("unknown transform %q (want exact, lower, prefix:N, dmetaphone, nysiis, soundex, email_key, digits, year, sorted_tokens)", spec)
}

func lowerTrim(s string) string {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return strings.ToLower(s)
		}
	}
	return s
}

func prefixRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

func dmetaphone(s string) string {
	primary, _ := matchr.DoubleMetaphone(s)
	return primary
}

// phonetic feeds only letters to a phonetic coder: the coders were written
// for names and misbehave on digits and punctuation, and a panic inside one
// must not take the run down.
func phonetic(s string, coder func(string) string) (out string) {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) && r < utf8.RuneSelf {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	defer func() {
		if recover() != nil {
			out = ""
		}
	}()
	return coder(b.String())
}

// emailKey folds an address to the mailbox it reaches: lower case, a +tag
// dropped, and for Gmail the dots of the local part ignored.
func emailKey(s string) string {
	s = lowerTrim(s)
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return ""
	}
	user, domain := s[:at], s[at+1:]
	if plus := strings.IndexByte(user, '+'); plus > 0 {
		user = user[:plus]
	}
	if domain == "googlemail.com" {
		domain = "gmail.com"
	}
	if domain == "gmail.com" {
		user = strings.ReplaceAll(user, ".", "")
	}
	if user == "" {
		return ""
	}
	return user + "@" + domain
}

func digitsOnly(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			b = append(b, c)
		}
	}
	return string(b)
}

// yearOf takes the year of ISO (2006-01-02), compact (20060102) or
// day-first (02/01/2006) dates.
func yearOf(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 4 && allDigits(s[:4]) && (len(s) == 4 || !isDigit(s[4]) || len(s) == 8) {
		return s[:4]
	}
	if len(s) >= 4 && allDigits(s[len(s)-4:]) && len(s) > 4 && !isDigit(s[len(s)-5]) {
		return s[len(s)-4:]
	}
	return ""
}

func sortedTokens(s string) string {
	f := strings.FieldsFunc(lowerTrim(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	sort.Strings(f)
	return strings.Join(f, " ")
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return len(s) > 0
}

// Normalizer is the function BuildColumn applies to a raw value under the
// transform named tr ("" keeps the trimmed, lower-cased value): two values
// that come out equal are equal for blocking and exact levels in any
// table, so keys computed with it compare across tables.
func Normalizer(tr string) (func(string) string, error) {
	if tr == "" {
		return lowerTrim, nil
	}
	t, err := parseTransform(tr)
	if err != nil {
		return nil, err
	}
	return func(s string) string { return t.fn(lowerTrim(s)) }, nil
}
