package enrich

import (
	"runtime"
	"strings"
	"testing"
)

// TestMatchAll_PrecisionAndRecallOnSyntheticData pins the quality bars:
// precision >= 0.99 and recall >= 0.97 over contacts whose company is in a
// reference file, with look-alike company names, typos, missing domains
// and countries.
func TestMatchAll_PrecisionAndRecallOnSyntheticData(t *testing.T) {
	s := newSynth(1, 20_000, 200_000)
	ref, _ := BuildReference(s.rows, Options{})
	ms, _ := ref.MatchAll(s.contacts, Options{})
	var matched, correct, inRef int
	reasons := map[string]int{}
	methods := map[string][2]int{}
	for i, m := range ms {
		if s.truth[i] != "" {
			inRef++
		}
		if m.AccountID == "" || strings.HasPrefix(m.AccountID, "inf-") {
			if s.truth[i] != "" {
				reasons[m.Reason+m.Method]++
			}
			continue
		}
		matched++
		mm := methods[m.Method]
		mm[0]++
		if m.AccountID == s.truth[i] {
			correct++
			mm[1]++
		}
		methods[m.Method] = mm
	}
	precision := float64(correct) / float64(matched)
	recall := float64(correct) / float64(inRef)
	t.Logf("precision %.4f recall %.4f (matched %d, correct %d, in reference %d); misses by reason %v; per method [matched correct] %v",
		precision, recall, matched, correct, inRef, reasons, methods)
	if precision < 0.99 {
		t.Errorf("precision %.4f < 0.99", precision)
	}
	if recall < 0.97 {
		t.Errorf("recall %.4f < 0.97", recall)
	}
}

// TestMatchAll_SameResultWhateverGOMAXPROCS runs the synthetic world on
// one and on four threads.
func TestMatchAll_SameResultWhateverGOMAXPROCS(t *testing.T) {
	s := newSynth(2, 3_000, 40_000)
	ref, _ := BuildReference(s.rows, Options{})
	prev := runtime.GOMAXPROCS(1)
	one, infOne := ref.MatchAll(s.contacts, Options{})
	runtime.GOMAXPROCS(4)
	four, infFour := ref.MatchAll(s.contacts, Options{})
	runtime.GOMAXPROCS(prev)
	for i := range one {
		if one[i] != four[i] {
			t.Fatalf("contact %d: %+v on one thread, %+v on four", i, one[i], four[i])
		}
	}
	if len(infOne) != len(infFour) {
		t.Fatalf("%d inferred accounts on one thread, %d on four", len(infOne), len(infFour))
	}
	for i := range infOne {
		if infOne[i].ID != infFour[i].ID || infOne[i].CompanyKey != infFour[i].CompanyKey {
			t.Fatalf("inferred %d: %+v vs %+v", i, infOne[i], infFour[i])
		}
	}
}
