package phone

import (
	"strings"

	"github.com/leadsmith/leadsmith/normalize/internal/fold"
	"github.com/nyaruka/phonenumbers"
)

// Result is one normalized phone number: E164 without extension, the
// extension's digits apart. Empty means a null token.
type Result struct {
	E164, Ext string
	OK, Empty bool
}

// phoneMaxInput bounds the work libphonenumber does on a pasted blob; no
// real number with extension and punctuation comes close.
const phoneMaxInput = 100

// phoneMinPossible: a number shorter than this (national significant
// digits) must be valid, not merely possible. Some plans (Germany, Austria)
// admit very short lengths, and "0100" is a fragment, not a phone; the
// small countries whose real numbers are that short are valid numbers.
const phoneMinPossible = 7

// Parse parses a phone number with libphonenumber (nyaruka/phonenumbers)
// and formats it as E.164. defaultRegion is the record's ISO alpha-2
// country, used for numbers written without a country code ("" means
// "US"). It accepts the usual punctuation ("+1 (415) 555-0134",
// "415.555.0134", "030/1234567"), extensions ("x204", "ext. 12", "#12";
// returned in Ext, never in E164), and the "00" international prefix
// ("0049 30 1234567") even where the region dials abroad differently.
//
// A number is accepted when libphonenumber finds it possible (its length
// fits the country's numbering plan), not when it is valid (assigned to a
// known range): test data and real CRMs are full of fictional 555 numbers
// and numbers in ranges newer than the metadata, and a well-formed E.164
// string is what dedupe needs to compare them. Numbers only dialable
// locally (a US number without area code) are rejected, as they cannot be
// written in E.164, and so are possible numbers of fewer than 7 national
// digits that are not also valid.
func Parse(raw, defaultRegion string) Result {
	if fold.NullToken(raw) {
		return Result{Empty: true}
	}
	s := strings.TrimSpace(raw)
	if len(s) > phoneMaxInput || phoneDigits(s) < 4 {
		return Result{}
	}
	region := strings.ToUpper(strings.TrimSpace(defaultRegion))
	if region == "" {
		region = "US"
	}
	if r, ok := phoneNANPFast(s, region); ok {
		return r
	}
	return phoneLib(s, region)
}

// phoneLib is the libphonenumber path for every number the NANP fast path
// does not take.
func phoneLib(s, region string) Result {
	num, ok := phoneParse(s, region)
	if !ok && strings.HasPrefix(strings.TrimLeft(s, " ("), "00") {
		num, ok = phoneParse("+"+strings.TrimLeft(s, " (")[2:], region)
	}
	if !ok {
		return Result{}
	}
	return Result{
		E164: phonenumbers.Format(num, phonenumbers.E164),
		Ext:  num.GetExtension(),
		OK:   true,
	}
}

func phoneParse(s, region string) (*phonenumbers.PhoneNumber, bool) {
	num, err := phonenumbers.Parse(s, region)
	if err != nil {
		return nil, false
	}
	if phonenumbers.IsPossibleNumberWithReason(num) != phonenumbers.IS_POSSIBLE {
		return nil, false
	}
	if len(phonenumbers.GetNationalSignificantNumber(num)) < phoneMinPossible && !phonenumbers.IsValidNumber(num) {
		return nil, false
	}
	return num, true
}

func phoneDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}
