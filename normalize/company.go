package normalize

import (
	"strings"

	"github.com/leadsmith/leadsmith/normalize/internal/fold"
)

// CompanyKey folds a company name into the key that dedupe and account
// matching compare: lower-case, accents folded, punctuation gone, "&" read as
// "and", apostrophes dropped ("McDonald's" -> "mcdonalds"), a leading "The"
// removed, and the legal forms of the main jurisdictions removed from the
// end, several in a row if need be ("Acme Holdings Co., Ltd." -> "acme
// holdings", "Müller GmbH & Co. KG" -> "muller"), or from the start where
// that is how they are written ("Kabushiki Kaisha Toshiba", "PT Bank
// Mandiri", "OOO Romashka"). Dotted and undotted spellings are one form
// ("S.A." = "SA", "L.L.C." = "LLC", "A/S" = "AS"). A trailing ".com" of a
// name like "Amazon.com, Inc." goes too. The last remaining word is never
// removed, so "The Company" stays "company". "" for a null token.
//
// Words such as "Group", "Holdings" or "International" are kept: they often
// tell apart different companies of one family.
func CompanyKey(raw string) string {
	if NullToken(raw) {
		return ""
	}
	name := raw
	if strings.IndexByte(name, '&') >= 0 {
		name = strings.ReplaceAll(name, "&", " and ")
	}
	toks := strings.Fields(fold.Key(name))
	for changed := true; changed && len(toks) > 1; {
		changed = false
		if n := companyMatch(toks, companyLeading, true); n > 0 && n < len(toks) {
			toks, changed = toks[n:], true
		}
		if n := companyMatch(toks, companySuffixes, false); n > 0 && n < len(toks) {
			toks, changed = toks[:len(toks)-n], true
		}
		if last := toks[len(toks)-1]; len(toks) > 1 && (last == "and" ||
			companyWebTLD[last] && companyHasTLD(raw, last)) {
			toks, changed = toks[:len(toks)-1], true
		}
	}
	return strings.Join(toks, " ")
}

// companyHasTLD reports whether raw spells the word as a domain ending
// (".com"), so "Amazon.com" loses it but "Acme Com" keeps it.
func companyHasTLD(raw, tld string) bool {
	for i := strings.IndexByte(raw, '.'); i >= 0; {
		if len(raw)-i-1 >= len(tld) && strings.EqualFold(raw[i+1:i+1+len(tld)], tld) {
			return true
		}
		j := strings.IndexByte(raw[i+1:], '.')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return false
}

// companyMaxWords is the longest legal form in words ("s de r l de c v").
const companyMaxWords = 6

// companyMatch returns how many words at the start (or end) of toks form a
// legal form, trying the longest first, compared with spaces removed so
// dotted abbreviations match their undotted spelling.
func companyMatch(toks []string, forms map[string]struct{}, leading bool) int {
	var buf [48]byte
	for n := min(companyMaxWords, len(toks)); n >= 1; n-- {
		part := toks[len(toks)-n:]
		if leading {
			part = toks[:n]
		}
		k := buf[:0]
		for _, t := range part {
			k = append(k, t...)
		}
		if len(k) > len(buf) {
			continue // longer than any legal form
		}
		if _, ok := forms[string(k)]; ok {
			return n
		}
	}
	return 0
}

var companyWebTLD = map[string]bool{"com": true, "net": true, "org": true, "io": true, "ai": true}

var companyLeading = nameSet("the", "kabushikikaisha", "kk", "yugenkaisha", "godokaisha", "pt", "ooo", "oao",
	"zao", "pao", "ооо", "оао", "зао", "пао", "ао")

// companySuffixes are legal forms, spaces removed. Sources: the common forms
// of the US, UK, Commonwealth, EU member states, Switzerland, the Nordics,
// Latin America, Japan, India and South-East Asia.
var companySuffixes = nameSet(
	// US, UK, Commonwealth
	"inc", "incorporated", "corp", "corporation", "co", "cos", "company", "llc", "lc", "pllc", "llp", "lllp", "lp",
	"ltd", "limited", "plc", "pc", "na", "ulc", "limitedliabilitycompany", "publiclimitedcompany",
	"pty", "ptyltd", "proprietarylimited", "nl", "pte", "pteltd", "pvt", "pvtltd", "privatelimited", "sdn", "bhd",
	"sdnbhd", "berhad", "tbk", "coltd", "coinc", "incorporation",
	// German-speaking countries
	"gmbh", "mbh", "ag", "kg", "kgaa", "ohg", "gbr", "ug", "haftungsbeschrankt", "ek", "eg", "gmbhcokg",
	"gmbhandcokg", "aktiengesellschaft", "gesellschaftmbh",
	// France, Benelux, Southern Europe
	"se", "sa", "sas", "sasu", "sarl", "eurl", "sca", "scs", "snc", "sci", "srl", "srls", "spa", "sapa", "sl", "slu",
	"sll", "sau", "bv", "nv", "bvba", "vof", "cv", "sprl", "scrl", "lda", "cvba",
	// Nordics, Central and Eastern Europe, Russia
	"ab", "publ", "as", "asa", "oy", "oyj", "aps", "hf", "ehf", "spzoo", "sro", "zrt", "nyrt", "kft", "doo", "dd",
	"jsc", "pjsc", "ojsc", "cjsc", "ooo", "zao", "oao", "pao",
	// Latin America
	"ltda", "sadecv", "sabdecv", "sapidecv", "srldecv", "sderldecv", "decv", "eireli", "saic", "saci",
	// Japan
	"kk", "kabushikikaisha", "yk", "gk", "godokaisha", "yugenkaisha",
)
