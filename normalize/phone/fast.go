package phone

import (
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// The fast path formats the common cases without running libphonenumber,
// whose regular expressions (extension, viability, alpha detection) cost
// about 10 µs a number: most phone values are unique, so no cache helps.
// It mirrors phoneLib (phonenumbers.Parse, IsPossibleNumberWithReason,
// Format E164, and the "00" retry) step by step on a digit string, using
// libphonenumber's own metadata and, where a region's pattern is not a
// plain literal, the very same regular expression; whenever an input
// leaves the charted ground (letters, unusual punctuation, a region with a
// national-prefix transform rule such as JP, BR or AR, a non-geographic
// calling code, fewer than 7 national digits, ...) it reports ok=false and
// the number goes the full way. It answers definite rejections too (a
// length the plan does not allow), as phoneLib would. The
// TestPhoneFast_Agrees* tests pin that every answer it gives is
// phoneLib's own.

// phoneScanMax bounds the digits the fast path reads: a 3-digit IDD, a
// 3-digit country code and a 17-digit national number.
const phoneScanMax = 24

// phoneScan is an input reduced to what libphonenumber keeps of it.
type phoneScan struct {
	digits [phoneScanMax]byte
	nd     int
	plus   bool   // a leading '+'
	slash  bool   // a '/' somewhere
	ext    string // extension digits
}

// scan accepts only digits, the ASCII punctuation libphonenumber ignores
// (space - . ( ) /), one '+' before the first digit and a trailing
// extension as phoneFastExt reads it.
func (sc *phoneScan) scan(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if sc.nd == phoneScanMax {
				return false
			}
			sc.digits[sc.nd] = c
			sc.nd++
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		case c == '/':
			sc.slash = true
		case c == '+':
			if sc.plus || sc.nd > 0 {
				return false
			}
			sc.plus = true
		case c == 'x' || c == 'X' || c == '#' || c == 'e' || c == 'E':
			if sc.nd < 3 {
				// libphonenumber strips an extension only after a viable
				// number (3 digits); otherwise 'x' is mere punctuation.
				return false
			}
			if c == 'x' && strings.HasSuffix(strings.TrimRight(s[:i], " "), "/") {
				// extractPossibleNumber cuts "/ x12" off as a second number.
				return false
			}
			e, ok := phoneFastExt(s[i:])
			if !ok {
				return false
			}
			sc.ext = e
			i = len(s)
		default:
			return false
		}
	}
	return true
}

// phoneNANPFast is the fast path Parse tries before libphonenumber (the
// name is historical: it started as North America only). It first takes
// the commonest case, a North American number in ordinary punctuation
// (10 national digits, area code and exchange starting 2-9, optional +1
// or 1, digits-only extension), then hands anything else to
// phoneIntlFast. ok=false means "not known here": take the full way.
func phoneNANPFast(s, region string) (Result, bool) {
	var sc phoneScan
	if !sc.scan(s) {
		return Result{}, false
	}
	if r, ok := phoneNANPOnly(&sc, region); ok {
		return r, true
	}
	return phoneIntlFast(&sc, s, region)
}

func phoneNANPOnly(sc *phoneScan, region string) (Result, bool) {
	if sc.slash || sc.nd > 11 {
		return Result{}, false
	}
	nanpRegion := region == "US" || region == "CA"
	digits := sc.digits[:sc.nd]
	var national []byte
	switch {
	case sc.nd == 11 && digits[0] == '1' && (sc.plus || nanpRegion):
		national = digits[1:11]
	case sc.nd == 10 && !sc.plus && nanpRegion:
		national = digits[:10]
	default:
		return Result{}, false
	}
	if national[0] < '2' || national[3] < '2' {
		return Result{}, false
	}
	return Result{E164: "+1" + string(national), Ext: sc.ext, OK: true}, true
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
	// libphonenumber allows one '.' or ':' after the label, then spaces.
	if i < len(s) && (s[i] == '.' || s[i] == ':') {
		i++
	}
	for i < len(s) && s[i] == ' ' {
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

// phoneStatus is the outcome of mirroring phoneParse on one input.
type phoneStatus uint8

const (
	phoneUnsure phoneStatus = iota // not modelled here: take the full way
	phoneFail                      // phoneParse certainly rejects it
	phoneOK                        // phoneParse certainly accepts it, as computed
)

// phoneIntlFast mirrors phoneLib on a scanned input.
func phoneIntlFast(sc *phoneScan, s, region string) (Result, bool) {
	t := phoneFastTables()
	d := sc.digits[:sc.nd]
	var (
		e164 string
		st   phoneStatus
	)
	if sc.plus {
		e164, st = t.parseAfterPlus(d)
	} else {
		e164, st = t.parseNational(d, region)
		if st == phoneFail && strings.HasPrefix(strings.TrimLeft(s, " ("), "00") {
			// phoneLib retries "00..." as "+...": the same digits less two,
			// the extension still separate if 3 digits remain before it.
			if sc.ext != "" && len(d) < 5 {
				return Result{}, false
			}
			e164, st = t.parseAfterPlus(d[2:])
		}
	}
	switch st {
	case phoneOK:
		return Result{E164: e164, Ext: sc.ext, OK: true}, true
	case phoneFail:
		return Result{}, true
	}
	return Result{}, false
}

// Validation results of testNumberLength, as in phonenumbers.
const (
	phoneLenPossible = iota
	phoneLenLocalOnly
	phoneLenTooShort
	phoneLenTooLong
	phoneLenInvalid
)

// phoneRegion is what the fast path needs of one region's metadata.
type phoneRegion struct {
	id       string
	cc       int
	ccStr    string
	usable   bool // the fast path may parse with this metadata
	idd      *phonePattern
	npp      *phonePattern // nil: no national prefix for parsing
	possible []int32       // general description possible lengths
	local    []int32       // general description local-only lengths
	gdFirst  uint16
	gdSrc    string
	gdOnce   sync.Once
	gdRe     *regexp.Regexp
}

// gdMatch is libphonenumber's "^(?:generalDesc)$" test.
func (r *phoneRegion) gdMatch(d []byte) bool {
	if len(d) > 0 && r.gdFirst&phoneFirstOther == 0 && r.gdFirst&(1<<(d[0]-'0')) == 0 {
		return false
	}
	r.gdOnce.Do(func() { r.gdRe = regexp.MustCompile("^(?:" + r.gdSrc + ")$") })
	return r.gdRe.MatchString(string(d))
}

// testLength is phonenumbers' testNumberLength for the UNKNOWN type.
func (r *phoneRegion) testLength(d []byte) int {
	if r.possible[0] == -1 {
		return phoneLenInvalid
	}
	n := int32(len(d))
	for _, l := range r.local {
		if l == n {
			return phoneLenLocalOnly
		}
	}
	switch {
	case r.possible[0] == n:
		return phoneLenPossible
	case r.possible[0] > n:
		return phoneLenTooShort
	case r.possible[len(r.possible)-1] < n:
		return phoneLenTooLong
	}
	for _, l := range r.possible[1:] {
		if l == n {
			return phoneLenPossible
		}
	}
	return phoneLenInvalid
}

// stripNationalPrefix is maybeStripNationalPrefixAndCarrierCode for a
// region without a transform rule.
func (r *phoneRegion) stripNationalPrefix(d []byte) []byte {
	if len(d) == 0 || r.npp == nil {
		return d
	}
	end, ok := r.npp.prefix(d)
	if !ok {
		return d
	}
	if r.gdMatch(d) && !r.gdMatch(d[end:]) {
		return d
	}
	return d[end:]
}

type phoneTables struct {
	byRegion map[string]*phoneRegion // every supported region
	ccKnown  [1000]bool              // calling codes libphonenumber knows
	byCC     [1000]*phoneRegion      // main region of a geographic calling code
}

var (
	phoneTablesOnce sync.Once
	phoneTablesVal  *phoneTables
)

// phoneFastTables builds the tables from phonenumbers' own metadata, once,
// on first use.
func phoneFastTables() *phoneTables {
	phoneTablesOnce.Do(func() { phoneTablesVal = buildPhoneTables() })
	return phoneTablesVal
}

func buildPhoneTables() *phoneTables {
	t := &phoneTables{byRegion: map[string]*phoneRegion{}}
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return t
	}
	supported := phonenumbers.GetSupportedRegions()
	for _, m := range coll.GetMetadata() {
		id := m.GetId()
		if !supported[id] {
			continue // "001", the non-geographic entities
		}
		gd := m.GetGeneralDesc()
		r := &phoneRegion{
			id:       id,
			cc:       int(m.GetCountryCode()),
			ccStr:    strconv.Itoa(int(m.GetCountryCode())),
			possible: gd.GetPossibleLength(),
			local:    gd.GetPossibleLengthLocalOnly(),
			gdSrc:    gd.GetNationalNumberPattern(),
		}
		r.usable = r.gdSrc != "" && len(r.possible) > 0 && m.GetNationalPrefixTransformRule() == "" &&
			phonenumbers.GetCountryCodeForRegion(id) == r.cc && !phoneFastExcluded[id]
		if gre, err := syntax.Parse(r.gdSrc, syntax.Perl); err == nil {
			r.gdFirst = phoneFirst(gre)
		} else {
			r.usable = false
		}
		idd := m.GetInternationalPrefix() // "" matches at 0, as in parsePrefixAsIdd
		r.idd = newPhonePattern(idd, idd)
		if npp := m.GetNationalPrefixForParsing(); npp != "" {
			r.npp = newPhonePattern(npp, "^(?:"+npp+")")
		}
		t.byRegion[id] = r
	}
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		if cc <= 0 || cc >= 1000 {
			continue
		}
		t.ccKnown[cc] = true
		if r := t.byRegion[phonenumbers.GetRegionCodeForCountryCode(cc)]; r != nil && r.usable && r.cc == cc {
			t.byCC[cc] = r
		}
	}
	return t
}

// phoneFastExcluded lists regions the agreement test found the fast path
// to disagree on; none so far.
var phoneFastExcluded = map[string]bool{}

// extractCountryCode is phonenumbers' extractCountryCode.
func (t *phoneTables) extractCountryCode(d []byte) (int, []byte) {
	if len(d) == 0 || d[0] == '0' {
		return 0, d
	}
	cc := 0
	for i := 0; i < 3 && i < len(d); i++ {
		cc = cc*10 + int(d[i]-'0')
		if t.ccKnown[cc] {
			return cc, d[i+1:]
		}
	}
	return 0, d
}

// parseAfterPlus mirrors phoneParse on "+" followed by the digits d.
func (t *phoneTables) parseAfterPlus(d []byte) (string, phoneStatus) {
	if len(d) <= 2 {
		return "", phoneFail // too short after IDD
	}
	cc, national := t.extractCountryCode(d)
	if cc == 0 {
		return "", phoneUnsure // libphonenumber retries without the plus
	}
	return t.finish(cc, national, t.byCC[cc])
}

// parseNational mirrors phoneParse on digits written without a plus.
func (t *phoneTables) parseNational(d []byte, region string) (string, phoneStatus) {
	r := t.byRegion[region]
	if r == nil {
		return "", phoneFail // no region to parse a number without "+" for
	}
	if !r.usable {
		return "", phoneUnsure
	}
	if end, ok := r.idd.prefix(d); ok && (end >= len(d) || d[end] != '0') {
		full := d[end:]
		if len(full) <= 2 {
			return "", phoneFail
		}
		cc, national := t.extractCountryCode(full)
		if cc == 0 {
			return "", phoneFail
		}
		return t.finish(cc, national, t.byCC[cc])
	}
	if len(d) >= len(r.ccStr) && string(d[:len(r.ccStr)]) == r.ccStr {
		// The default region's calling code written without "+".
		potential := r.stripNationalPrefix(d[len(r.ccStr):])
		if r.testLength(d) == phoneLenTooLong || (!r.gdMatch(d) && r.gdMatch(potential)) {
			// parseHelper then parses with the calling code's main region.
			return t.finish(r.cc, potential, t.byCC[r.cc])
		}
	}
	return t.finish(r.cc, d, r)
}

// finish mirrors the end of parseHelper (national prefix, lengths, leading
// zeros) with the region metadata meta, then IsPossibleNumberWithReason,
// the short-number rule of phoneParse and E.164 formatting.
func (t *phoneTables) finish(cc int, national []byte, meta *phoneRegion) (string, phoneStatus) {
	main := t.byCC[cc]
	if meta == nil || !meta.usable || main == nil {
		return "", phoneUnsure
	}
	if len(national) < 2 {
		return "", phoneFail
	}
	if p := meta.stripNationalPrefix(national); len(p) != len(national) {
		switch meta.testLength(p) {
		case phoneLenTooShort, phoneLenLocalOnly, phoneLenInvalid:
		default:
			national = p
		}
	}
	if len(national) < 2 || len(national) > 17 {
		return "", phoneFail
	}
	// A national number still starting with '0' keeps its zeros ("Italian
	// leading zero"): GetNationalSignificantNumber gives back exactly these
	// digits, so the length test and E.164 below stand as they are.
	if main.testLength(national) != phoneLenPossible {
		return "", phoneFail
	}
	if len(national) < phoneMinPossible {
		return "", phoneUnsure // must also be valid
	}
	var buf [4 + 17]byte
	b := append(buf[:0], '+')
	b = strconv.AppendInt(b, int64(cc), 10)
	b = append(b, national...)
	return string(b), phoneOK
}
