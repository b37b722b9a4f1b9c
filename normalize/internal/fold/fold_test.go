package fold

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFoldKey_CaseAccentsPunctuation(t *testing.T) {
	cases := map[string]string{
		"":                          "",
		"acme":                      "acme",
		"acme widgets":              "acme widgets",
		"  Société Générale, S.A. ": "societe generale s a",
		"U.S.A.":                    "u s a",
		"O'Neil":                    "oneil",
		"McDonald’s":                "mcdonalds",
		"Straße":                    "strasse",
		"Øresund Łódź":              "oresund lodz",
		"Æsir Œuvre":                "aesir oeuvre",
		"ＡＢＣ１２":                     "abc12",
		"日本":                        "日本",
		"Россия":                    "россия",
		"a--b__c  d":                "a b c d",
		"---":                       "",
		"İstanbul":                  "istanbul",
		"ﬁnance":                    "finance",
	}
	for in, want := range cases {
		if got := Key(in); got != want {
			t.Errorf("Key(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFoldCompact_OnlyJoinsSingleLetters(t *testing.T) {
	cases := map[string]string{"u s a": "usa", "u k": "uk", "us of a": "us of a", "a": "a", "ab c": "ab c", "": ""}
	for in, want := range cases {
		if got := Compact(in); got != want {
			t.Errorf("Compact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFold_NullTokenPlaceholdersButNotZero(t *testing.T) {
	for _, s := range []string{"", " ", "\t", "n/a", "N/A", "NA", "n.a.", "none", "NULL", "nil", "-", "--", "?",
		"unknown", "Not Available", "TBD", "#N/A", "NaN", "  -- Not   Applicable! --  ", "NOT_SPECIFIED",
		"Keine Angabe", "k.A.", "Ñull", "nóne", "N/Ａ", strings.Repeat("-", 100)} {
		if !NullToken(s) {
			t.Errorf("NullToken(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"0", "a", "no", "nan bread", "Acme", "US", "1M", "not applicable here",
		"Not Available Inc", strings.Repeat("-", 100) + "x", "anna.müller@example.com"} {
		if NullToken(s) {
			t.Errorf("NullToken(%q) = true, want false", s)
		}
	}
}

func FuzzFoldKey(f *testing.F) {
	for _, s := range []string{"Société Générale", "U.S.A.", "日本", "ﬁ", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Key(s)
		if !utf8.ValidString(k) || Key(k) != k {
			t.Fatalf("Key(%q) = %q, not a fixed point", s, k)
		}
	})
}
