package phone

import (
	"fmt"
	"math/rand"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/leadsmith/leadsmith/normalize/internal/fold"
	"github.com/nyaruka/phonenumbers"
)

// TestPhoneNANPFast_AgreesWithLibphonenumber pins that the fast path
// returns exactly what the libphonenumber path returns, on every number it
// takes, over hand-picked and random inputs.
func TestPhoneNANPFast_AgreesWithLibphonenumber(t *testing.T) {
	inputs := []struct{ raw, region string }{
		{"+1 (415) 555-0134", "US"}, {"415.555.0134", "US"}, {"(415) 555 0134 x204", "US"},
		{"415-555-0134 ext. 12", "US"}, {"1-415-555-0134", "US"}, {"+1 416 555 0199", "DE"},
		{"416 555 0199", "CA"}, {"4155550134", "US"}, {"14155550134", "US"}, {"+14155550134", "GB"},
		{"415-555-0134 #7", "US"}, {"(212) 555-0100 Extension 3", "US"}, {"212 555 0100", "DE"},
		{"011 44 20 7946 0958", "US"}, {"015 555 0134", "US"}, {"415 155 0134", "US"},
		{"+1 415 555 013", "US"}, {"415 555 0134 x", "US"}, {"415 555 0134 ext. 12a", "US"},
		{"tel: 415 555 0134", "US"}, {"555-0134", "US"}, {"+44 20 7946 0958", "US"},
	}
	rng := rand.New(rand.NewSource(1))
	formats := []string{"(%s) %s-%s", "%s.%s.%s", "+1 %s %s %s", "1-%s-%s-%s", "%s%s%s", "%s-%s-%s x%d"}
	for i := 0; i < 2000; i++ {
		area := fmt.Sprintf("%03d", rng.Intn(1000))
		exch := fmt.Sprintf("%03d", rng.Intn(1000))
		line := fmt.Sprintf("%04d", rng.Intn(10000))
		f := formats[rng.Intn(len(formats))]
		var raw string
		if f == "%s-%s-%s x%d" {
			raw = fmt.Sprintf(f, area, exch, line, rng.Intn(999))
		} else {
			raw = fmt.Sprintf(f, area, exch, line)
		}
		inputs = append(inputs, struct{ raw, region string }{raw, []string{"US", "CA", "DE", "GB"}[rng.Intn(4)]})
	}
	taken := 0
	for _, in := range inputs {
		fast, ok := phoneNANPFast(in.raw, in.region)
		if !ok {
			continue
		}
		taken++
		if slow := phoneLib(in.raw, in.region); fast != slow {
			t.Errorf("%q (%s): fast %+v, libphonenumber %+v", in.raw, in.region, fast, slow)
		}
	}
	if taken < 500 {
		t.Errorf("fast path took only %d of %d inputs", taken, len(inputs))
	}
}

func BenchmarkPhone_NANPFast(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Parse("+1 (415) 555-0134", "US")
	}
}

// phoneFastRegions are the default regions the international agreement
// test draws numbers for.
var phoneFastRegions = []string{
	"DE", "GB", "FR", "ES", "NL", "BE", "CH", "AT", "SE", "NO", "DK", "PL", "IE", "AU", "NZ",
	"IN", "JP", "BR", "MX", "ZA", "SG", "AE", "IT", "US", "CA", "PT", "FI", "CZ", "IL", "HK",
	"CN", "KR", "RU", "TR", "AR", "CO", "PH", "MY", "ID", "NG", "KE", "EG", "SA", "GR", "HU",
}

// phoneFastGroup writes digits in random groups of 2-4 joined by sep.
func phoneFastGroup(rng *rand.Rand, digits, sep string) string {
	var b strings.Builder
	for len(digits) > 0 {
		n := 2 + rng.Intn(3)
		if n > len(digits) {
			n = len(digits)
		}
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(digits[:n])
		digits = digits[n:]
	}
	return b.String()
}

// phoneFastInputs draws n random inputs: example numbers of region's
// numbering plan with randomized digits (and sometimes a wrong length),
// written in the formats people use.
func phoneFastInputs(rng *rand.Rand, region string, n int) []string {
	cc := strconv.Itoa(phonenumbers.GetCountryCodeForRegion(region))
	np := phonenumbers.GetNddPrefixForRegion(region, true)
	var templates []string
	for _, typ := range []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE, phonenumbers.VOIP} {
		if ex := phonenumbers.GetExampleNumberForType(region, typ); ex != nil {
			templates = append(templates, phonenumbers.GetNationalSignificantNumber(ex))
		}
	}
	if len(templates) == 0 {
		return nil
	}
	seps := []string{" ", " ", "-", ".", ""}
	out := make([]string, 0, n)
	for len(out) < n {
		nsn := []byte(templates[rng.Intn(len(templates))])
		// Keep a prefix of 1-3 digits (area code / mobile prefix), randomize the rest.
		keep := 1 + rng.Intn(3)
		for i := keep; i < len(nsn); i++ {
			nsn[i] = byte('0' + rng.Intn(10))
		}
		switch rng.Intn(10) {
		case 0:
			nsn = nsn[:len(nsn)-1]
		case 1:
			nsn = append(nsn, byte('0'+rng.Intn(10)))
		case 2:
			nsn = append(nsn[:len(nsn)-1-rng.Intn(3)], '5')
		}
		num := string(nsn)
		sep := seps[rng.Intn(len(seps))]
		grouped := phoneFastGroup(rng, num, sep)
		area := min(2+rng.Intn(3), len(num))
		var raw string
		switch rng.Intn(12) {
		case 0, 1:
			raw = "+" + cc + " " + grouped
		case 2:
			raw = "+" + cc + " (0)" + grouped
		case 3:
			raw = "00" + cc + " " + grouped
		case 4:
			raw = "+" + cc + "-" + num[:area] + "-" + num[area:]
		case 5, 6:
			raw = np + grouped
		case 7:
			raw = "(" + np + num[:area] + ") " + phoneFastGroup(rng, num[area:], sep)
		case 8:
			raw = np + num[:area] + "/" + num[area:]
		case 9:
			raw = cc + " " + grouped
		case 10:
			raw = "+" + cc + num
		case 11:
			raw = grouped
		}
		switch rng.Intn(12) {
		case 0:
			raw += " x" + strconv.Itoa(rng.Intn(9999))
		case 1:
			raw += " ext. " + strconv.Itoa(rng.Intn(999))
		case 2:
			raw += " #" + strconv.Itoa(rng.Intn(99))
		}
		out = append(out, raw)
	}
	return out
}

// TestPhoneFast_AgreesWithLibphonenumber pins that the whole fast path
// (North American and international) returns exactly what the
// libphonenumber path returns, on every input it takes, for numbers of many
// numbering plans written in many ways, read under many default regions.
func TestPhoneFast_AgreesWithLibphonenumber(t *testing.T) {
	type input struct{ raw, region string }
	inputs := []input{
		{"+44 20 7946 0958", "US"}, {"+49 (0)30 1234567", "US"}, {"0049 30 1234567", "DE"},
		{"0049 30 1234567", "US"}, {"0049 30 1234567", ""}, {"+33 1 42 68 53 00", "FR"},
		{"+61 2 9374 4000", "AU"}, {"+91 98765 43210", "IN"}, {"030 1234567", "DE"},
		{"030/1234567", "DE"}, {"020 7946 0958", "GB"}, {"01 42 68 53 00", "FR"},
		{"030 1234567-22", "DE"}, {"+49 (0) 89 1234567", ""}, {"02 9374 4000", "AU"},
		{"0011 61 2 9374 4000", "AU"}, {"03-1234-5678", "JP"}, {"98765 43210", "IN"},
		{"(11) 91234-5678", "BR"}, {"07700 900123", "GB"}, {"+44 (0)20 7946 0958", "US"},
		{"011 44 20 7946 0958", "US"}, {"011 49 30 1234567", "CA"}, {"44 20 7946 0958", "GB"},
		{"49 30 1234567", "DE"}, {"0100", "DE"}, {"+44 20 7946", ""}, {"+999 1234 5678", ""},
		{"+0 30 1234567", "DE"}, {"00 0 30 1234567", "DE"}, {"0030 1234567", "DE"},
		{"030 1234567 x12", "DE"}, {"030/1234567 x12", "DE"}, {"030 1234567 ext. 12", "DE"},
		{"030 1234567 ext. : 12", "DE"}, {"415 555 0134 ext. : 12", "US"}, {"+1 415 155 0134", "DE"},
		{"415 155 0134", "US"}, {"+1 415 555 013", "US"}, {"0044 20 7946 0958", "UK"},
		{"020 7946 0958", "UK"}, {"+44 20 7946 0958", "UK"}, {"1800200 1234", "GB"},
		{"18312 2 9374 4000", "AU"}, {"+47 0123 4567", ""}, {"+39 06 1234 5678", ""},
		{"+39 312 345 6789", ""}, {"06 1234 5678", "IT"}, {"+65 6123 4567", ""}, {"6123 4567", "SG"},
		{"65 6123 4567", "SG"}, {"001 65 6123 4567", "SG"}, {"0065 6123 4567", "SG"},
		{"+52 55 1234 5678", ""}, {"55 1234 5678", "MX"}, {"00 52 55 1234 5678", "MX"},
		{"09 52 55 1234 5678", "MX"}, {"021 123 4567", "NZ"}, {"0161 44 20 7946 0958", "NZ"},
		{"+800 1234 5678", ""}, {"+44 1534 123456", ""}, {"01534 123456", "JE"},
		{"+7 495 123 45 67", ""}, {"8 495 123 45 67", "RU"}, {"+86 10 1234 5678", ""},
		{"010 1234 5678", "CN"}, {"+81 3 1234 5678", ""}, {"+55 11 91234 5678", ""},
		{"030 1234567 / x12", "DE"}, {"030 1234567/x12", "DE"}, {"030 1234567 /X12", "DE"},
		{"030/1234567 #12", "DE"}, {"+33 (0)9120-5981", ""}, {"0061 413 191 700", "AU"},
		{"+39 (0)6 1234 5678", "DE"}, {"0039 06 1234 5678", "IT"}, {"(06) 1234 5678", "IT"},
		{"x926071", "DE"}, {"8X057408", "DE"}, {"0)X6787", "NO"}, {"0043X4898446", "MX"},
		{"0098x.5977882", "IN"}, {"/#0769159", "IT"},
	}
	rng := rand.New(rand.NewSource(7))
	for _, region := range phoneFastRegions {
		for _, raw := range phoneFastInputs(rng, region, 400) {
			inputs = append(inputs, input{raw, region})
		}
		// The same numbers read by someone in another country.
		for _, raw := range phoneFastInputs(rng, region, 100) {
			inputs = append(inputs, input{raw, phoneFastRegions[rng.Intn(len(phoneFastRegions))]})
		}
	}
	// Every other supported region, more thinly.
	var others []string
	for region := range phonenumbers.GetSupportedRegions() {
		others = append(others, region)
	}
	sort.Strings(others)
	for _, region := range others {
		for _, raw := range phoneFastInputs(rng, region, 30) {
			inputs = append(inputs, input{raw, region})
		}
	}
	// Random digit strings.
	for i := 0; i < 3000; i++ {
		n := 4 + rng.Intn(14)
		b := make([]byte, n)
		for j := range b {
			b[j] = byte('0' + rng.Intn(10))
		}
		raw := string(b)
		switch rng.Intn(3) {
		case 0:
			raw = "+" + raw
		case 1:
			raw = "00" + raw
		}
		inputs = append(inputs, input{raw, phoneFastRegions[rng.Intn(len(phoneFastRegions))]})
	}

	var taken, takenOK, libOK, libOKTaken int
	perRegion := map[string][2]int{}
	for _, in := range inputs {
		s := strings.TrimSpace(in.raw)
		if len(s) > phoneMaxInput || phoneDigits(s) < 4 {
			continue
		}
		region := strings.ToUpper(in.region)
		if region == "" {
			region = "US"
		}
		slow := phoneLib(s, region)
		fast, ok := phoneNANPFast(s, region)
		if slow.OK {
			libOK++
		}
		c := perRegion[region]
		c[1]++
		if ok {
			c[0]++
		}
		perRegion[region] = c
		if !ok {
			continue
		}
		taken++
		if slow.OK {
			libOKTaken++
		}
		if fast.OK {
			takenOK++
		}
		if fast != slow {
			t.Errorf("%q (%s): fast %+v, libphonenumber %+v", in.raw, in.region, fast, slow)
		}
		if got := Parse(in.raw, in.region); got != slow {
			t.Errorf("Parse(%q, %q) = %+v, libphonenumber %+v", in.raw, in.region, got, slow)
		}
	}
	t.Logf("%d inputs: fast path took %d (%.1f%%; %d accepted, %d rejected); of the %d libphonenumber accepts it took %d (%.1f%%)",
		len(inputs), taken, 100*float64(taken)/float64(len(inputs)), takenOK, taken-takenOK,
		libOK, libOKTaken, 100*float64(libOKTaken)/float64(libOK))
	for _, region := range phoneFastRegions {
		c := perRegion[region]
		t.Logf("  %s: took %d of %d", region, c[0], c[1])
	}
	if libOKTaken*10 < libOK*7 {
		t.Errorf("fast path took only %d of the %d numbers libphonenumber accepts", libOKTaken, libOK)
	}
}

// BenchmarkPhone_Mix is a realistic mix: half North American, half
// international numbers in their usual spellings.
func BenchmarkPhone_Mix(b *testing.B) {
	inputs := []struct{ raw, region string }{
		{"+1 (415) 555-0134", ""}, {"(415) 555 0134 x204", "US"}, {"415.555.0134", "US"},
		{"1-212-555-0100", "US"}, {"(416) 555-0199", "CA"}, {"+1 646 555 0123", "GB"},
		{"0049 30 1234567", "DE"}, {"020 7946 0958", "GB"}, {"+44 7700 900123", "US"},
		{"030/1234567", "DE"}, {"01 42 68 53 00", "FR"}, {"+61 2 9374 4000", ""},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		in := inputs[i%len(inputs)]
		Parse(in.raw, in.region)
	}
}

// TestPhoneFast_AgreesOnJunk runs the agreement check over random strings
// of digits, punctuation and extension markers, where libphonenumber's
// corner cases (an extension after too few digits, "/ x", "00" retries)
// live.
func TestPhoneFast_AgreesOnJunk(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	const alphabet = "0123456789012345678901234567890123456789     +-./()x#eExtX"
	regions := []string{"US", "DE", "GB", "FR", "IT", "AU", "NZ", "SG", "MX", "NO", "CA", "UK", "IN", "JP"}
	n, taken := 0, 0
	for i := 0; i < 100000; i++ {
		b := make([]byte, 4+rng.Intn(22))
		for j := range b {
			b[j] = alphabet[rng.Intn(len(alphabet))]
		}
		if rng.Intn(3) == 0 {
			b[0], b[1] = '0', '0'
		}
		s := strings.TrimSpace(string(b))
		if phoneDigits(s) < 4 || fold.NullToken(s) {
			continue
		}
		region := regions[rng.Intn(len(regions))]
		n++
		fast, ok := phoneNANPFast(s, region)
		if !ok {
			continue
		}
		taken++
		if slow := phoneLib(s, region); fast != slow {
			t.Errorf("%q (%s): fast %+v, libphonenumber %+v", s, region, fast, slow)
		}
	}
	t.Logf("%d junk inputs: fast path took %d", n, taken)
}
