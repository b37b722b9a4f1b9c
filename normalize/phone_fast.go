package normalize

// phoneNANPFast formats the commonest case, a North American number in
// ordinary punctuation, without libphonenumber, whose regular expressions
// cost about 10 µs a number: most phone values are unique, so no cache
// helps. It takes only numbers whose answer it knows to be libphonenumber's
// own (10 national digits, area code and exchange starting 2-9, optional
// +1 or 1, digits-only extension) and reports ok=false for anything else,
// which then goes the full way.
func phoneNANPFast(s, region string) (PhoneResult, bool) {
	nanpRegion := region == "US" || region == "CA"
	var digits [11]byte
	nd := 0
	plus := false
	ext := ""
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if nd == len(digits) {
				return PhoneResult{}, false
			}
			digits[nd] = c
			nd++
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		case c == '+':
			if plus || nd > 0 {
				return PhoneResult{}, false
			}
			plus = true
		case c == 'x' || c == 'X' || c == '#' || c == 'e' || c == 'E':
			e, ok := phoneFastExt(s[i:])
			if !ok {
				return PhoneResult{}, false
			}
			ext = e
			i = len(s)
		default:
			return PhoneResult{}, false
		}
	}
	var national []byte
	switch {
	case nd == 11 && digits[0] == '1' && (plus || nanpRegion):
		national = digits[1:11]
	case nd == 10 && !plus && nanpRegion:
		national = digits[:10]
	default:
		return PhoneResult{}, false
	}
	if national[0] < '2' || national[3] < '2' {
		return PhoneResult{}, false
	}
	return PhoneResult{E164: "+1" + string(national), Ext: ext, OK: true}, true
}

// phoneFastExt reads "x204", "ext. 12", "ext 12", "extension 12", "#12".
func phoneFastExt(s string) (string, bool) {
	i := 0
	switch {
	case len(s) >= 9 && (s[:9] == "extension" || s[:9] == "Extension"):
		i = 9
	case len(s) >= 3 && (s[:3] == "ext" || s[:3] == "Ext" || s[:3] == "EXT"):
		i = 3
	case s[0] == 'x' || s[0] == 'X' || s[0] == '#':
		i = 1
	default:
		return "", false
	}
	for i < len(s) && (s[i] == '.' || s[i] == ' ' || s[i] == ':') {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i != len(s) || i == start || i-start > 7 {
		return "", false
	}
	return s[start:], true
}
