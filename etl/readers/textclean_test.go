package readers

import "testing"

func TestCleanField_RepairsInvalidBytesAndComposesNFC(t *testing.T) {
	tests := []struct {
		in, want string
		repaired bool
	}{
		{"plain ascii", "plain ascii", false},
		{"Müller", "Müller", false},
		{"M\xfcller", "Müller", true},                         // cp1252 ü in a UTF-8 stream
		{"0\xe4", "0ä", true},                                 // invalid byte at the end
		{"Caf\xe9 \u00e9t\xe9", "Café été", true},             // mixed valid UTF-8 and cp1252
		{"e\u0301cole", "\u00e9cole", false},                  // decomposed é composed to NFC
		{"\x80uro", "€uro", true},                             // cp1252 0x80 is the euro sign
		{"\xf0\x9f\x98\x80 ok", "\xf0\x9f\x98\x80 ok", false}, // 4-byte emoji stays
	}
	for _, tc := range tests {
		got, rep := CleanField(tc.in)
		if got != tc.want || rep != tc.repaired {
			t.Errorf("CleanField(%q) = %q, %v; want %q, %v", tc.in, got, rep, tc.want, tc.repaired)
		}
	}
}

func BenchmarkCleanField_ASCII(b *testing.B) {
	s := "jane.smith@acme-corporation.com"
	for i := 0; i < b.N; i++ {
		CleanField(s)
	}
}
