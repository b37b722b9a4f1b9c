package compare

import (
	"math/rand/v2"
	"testing"
)

func TestTransforms_MapValuesToKeys(t *testing.T) {
	cases := []struct{ spec, in, want string }{
		{"", " Smith ", " Smith "},
		{"lower", " SMITH ", "smith"},
		{"prefix:3", "Élodie", "élo"},
		{"prefix:10", "Al", "al"},
		{"dmetaphone", "Smith", "SM0"},
		{"dmetaphone", "Schmidt", "XMT"},
		{"nysiis", "Macintosh", "MCANT"},
		{"soundex", "Robert", "R163"},
		{"soundex", "1234", ""},
		{"email_key", " John.Doe+news@GoogleMail.com ", "johndoe@gmail.com"},
		{"email_key", "j.doe+x@acme.com", "j.doe@acme.com"},
		{"email_key", "not-an-email", ""},
		{"email_key", "@acme.com", ""},
		{"digits", "+1 (555) 010-9999", "15550109999"},
		{"year", "1984-03-02", "1984"},
		{"year", "19840302", "1984"},
		{"year", "02/03/1984", "1984"},
		{"year", "March", ""},
		{"sorted_tokens", "Smith-Jones, Anna", "anna jones smith"},
	}
	for _, tc := range cases {
		tr, err := parseTransform(tc.spec)
		if err != nil {
			t.Fatalf("%q: %v", tc.spec, err)
		}
		if got := tr.fn(tc.in); got != tc.want {
			t.Errorf("%s(%q) = %q, want %q", tc.spec, tc.in, got, tc.want)
		}
	}
}

func TestParseKeyExpr_RejectsBadSpecs(t *testing.T) {
	for _, expr := range []string{"", ":lower", "name:prefix", "name:prefix:0", "name:prefix:x", "name:lower:3", "name:stem"} {
		if _, _, err := ParseKeyExpr(expr); err == nil {
			t.Errorf("ParseKeyExpr(%q) accepted a bad key", expr)
		}
	}
}

func TestTransforms_NeverPanicOnArbitraryInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	specs := []string{"lower", "prefix:2", "dmetaphone", "nysiis", "soundex", "email_key", "digits", "year", "sorted_tokens"}
	inputs := []string{"", " ", "@", "@@", "a@", "\xff\xfe", "ß", "ñññ", "1/1/1", "0000-00-00", "x", "'", "--", "日本語"}
	for k := 0; k < 300; k++ {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		inputs = append(inputs, string(b))
	}
	for _, spec := range specs {
		tr, err := parseTransform(spec)
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range inputs {
			tr.fn(in) // a panic fails the test
		}
	}
}

func TestParseDate_ReadsCommonLayouts(t *testing.T) {
	cases := []struct {
		in      string
		wantDay int32
	}{
		{"1970-01-02", 1},
		{"19700102", 1},
		{"1970/01/02", 1},
		{"02/01/1970", 1},
		{"2000-03-01T10:00:00Z", 11017},
		{"2000-13-01", NoDate},
		{"yesterday", NoDate},
		{"", NoDate},
	}
	for _, tc := range cases {
		if got, _ := ParseDate(tc.in); got != tc.wantDay {
			t.Errorf("ParseDate(%q) = %d, want %d", tc.in, got, tc.wantDay)
		}
	}
}
