package normalize

import (
	"fmt"
	"math/rand"
	"testing"
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
		Phone("+1 (415) 555-0134", "US")
	}
}
