package profile

import (
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
)

func TestColumn_CompletenessAndValidity(t *testing.T) {
	cases := []struct {
		name     string
		vals     []string
		norm     []string // nil: validity not reported
		present  int64
		validity float64
		checked  bool
	}{
		{"all present, unchecked", []string{"a", "b", "c", "d"}, nil, 4, 0, false},
		{"nulls and blanks", []string{"a", null, "", "  ", "\t b \n"}, nil, 2, 0, false},
		{"half valid", []string{"a", "b", null, "c", "d"}, []string{"A", null, "X", null, "D"}, 4, 0.5, true},
		{"blank raw ignored by validity", []string{" ", "b"}, []string{"A", "B"}, 1, 1, true},
		{"all null", []string{null, null}, []string{null, null}, 0, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := NewColumn("title", Options{})
			arr := stringArray(tc.vals)
			defer arr.Release()
			var norm arrow.Array
			if tc.norm != nil {
				norm = stringArray(tc.norm)
				defer norm.Release()
			}
			observe(t, c, arr, norm)
			s := c.Stats()
			if s.Rows != int64(len(tc.vals)) || s.Present != tc.present {
				t.Fatalf("rows %d present %d, want %d %d", s.Rows, s.Present, len(tc.vals), tc.present)
			}
			if want := float64(tc.present) / float64(len(tc.vals)); s.Completeness() != want {
				t.Errorf("completeness %v, want %v", s.Completeness(), want)
			}
			v, ok := s.Validity()
			if ok != tc.checked || v != tc.validity {
				t.Errorf("validity %v %v, want %v %v", v, ok, tc.validity, tc.checked)
			}
			_, hasMetric := metricMap(c.Metrics())["validity|"]
			if hasMetric != tc.checked {
				t.Errorf("validity metric present %v, want %v", hasMetric, tc.checked)
			}
		})
	}
}

func TestColumn_ObserveValuesMatchesArrays(t *testing.T) {
	vals := []string{"a", null, " a ", "", "b"}
	norm := []string{"A", "A", null, "B", "B"}
	byArray, byValue := NewColumn("x", Options{}), NewColumn("x", Options{})
	arr, nrm := stringArray(vals), stringArray(norm)
	defer arr.Release()
	defer nrm.Release()
	observe(t, byArray, arr, nrm)
	for i, v := range vals {
		if v == null {
			byValue.ObserveNull()
			continue
		}
		valid := Valid
		if norm[i] == null {
			valid = Invalid
		}
		byValue.ObserveString(v, valid)
	}
	if a, b := byArray.Metrics(), byValue.Metrics(); !reflect.DeepEqual(a, b) {
		t.Errorf("arrays\n%v\nvalues\n%v", a, b)
	}
}

func TestColumn_DistinctExactOnSmallSets(t *testing.T) {
	for _, n := range []int{0, 1, 7, 50, 1024} {
		c := NewColumn("city", Options{})
		for i := range 3 * n {
			c.ObserveString(fmt.Sprintf("v%d", i%max(n, 1)), Unchecked)
		}
		s := c.Stats()
		want := int64(n)
		if n == 0 {
			want = 0
		}
		if s.Distinct != want || !s.DistinctExact {
			t.Errorf("n=%d: distinct %d exact %v", n, s.Distinct, s.DistinctExact)
		}
	}
}

func TestColumn_DistinctWithinTwoPercent(t *testing.T) {
	for _, n := range []int{5_000, 100_000} {
		c := NewColumn("email", Options{})
		for i := range n {
			c.ObserveString(email(i), Unchecked)
			c.ObserveString(email(i), Unchecked)
		}
		s := c.Stats()
		if err := math.Abs(float64(s.Distinct)-float64(n)) / float64(n); err > 0.02 || s.DistinctExact {
			t.Errorf("n=%d: distinct %d (error %.4f) exact %v", n, s.Distinct, err, s.DistinctExact)
		}
	}
}

func TestColumn_TopValuesExactForLowCardinality(t *testing.T) {
	c := NewColumn("industry", Options{TopN: 4})
	counts := map[string]int{"software": 50, "retail": 30, "banking": 30, "mining": 7, "energy": 3}
	for v, n := range counts {
		for range n {
			c.ObserveString(v, Unchecked)
		}
	}
	s := c.Stats()
	want := []Count{{"software", 50}, {"banking", 30}, {"retail", 30}, {"mining", 7}}
	if !reflect.DeepEqual(s.Top, want) || s.TopApproximate {
		t.Errorf("top %v approximate %v, want %v", s.Top, s.TopApproximate, want)
	}
	if m := metricMap(c.Metrics()); m["approximate_top|"] != 0 || m["top_value|software"] != 50 {
		t.Errorf("metrics %v", m)
	}
}

func TestColumn_TopValuesFindHeavyHittersInHighCardinality(t *testing.T) {
	const rows = 1_000_000
	heavy := []int{40_000, 30_000, 25_000, 20_000, 15_000, 12_000, 10_000, 8_000, 6_000, 5_000}
	var stream []string
	for h, n := range heavy {
		for range n {
			stream = append(stream, fmt.Sprintf("heavy%d@acme.com", h))
		}
	}
	for i := 0; len(stream) < rows; i++ {
		stream = append(stream, email(i))
	}
	r := rng(7)
	for i := len(stream) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		stream[i], stream[j] = stream[j], stream[i]
	}
	c := NewColumn("email", Options{})
	arr := stringArray(stream)
	defer arr.Release()
	observe(t, c, arr, nil)
	s := c.Stats()
	if !s.TopApproximate || len(s.Top) != len(heavy) {
		t.Fatalf("top %v approximate %v", s.Top, s.TopApproximate)
	}
	bound := int64(2 * rows / 1024) // the summary's error bound
	for h, n := range heavy {
		got := s.Top[h]
		if got.Value != fmt.Sprintf("heavy%d@acme.com", h) || got.N > int64(n) || got.N < int64(n)-bound {
			t.Errorf("top[%d] = %v, want heavy%d with %d (-%d)", h, got, h, n, bound)
		}
	}
}

func TestColumn_DictionaryMatchesPlain(t *testing.T) {
	r := rng(3)
	var vals, norm []string
	words := []string{"CEO", " cto ", "", "VP Sales", "vp sales", "Engineer", "  "}
	for i := range 5000 {
		switch {
		case i%17 == 0:
			vals = append(vals, null)
		default:
			vals = append(vals, words[r.intn(len(words))])
		}
		if r.intn(4) == 0 {
			norm = append(norm, null)
		} else {
			norm = append(norm, "x")
		}
	}
	plain, dict := stringArray(vals), dictArray(vals)
	nrm := dictArray(norm)
	defer plain.Release()
	defer dict.Release()
	defer nrm.Release()
	for _, slice := range [][2]int{{0, 5000}, {123, 4000}} {
		a, b := NewColumn("title", Options{}), NewColumn("title", Options{})
		p := array.NewSlice(plain, int64(slice[0]), int64(slice[1]))
		d := array.NewSlice(dict, int64(slice[0]), int64(slice[1]))
		n := array.NewSlice(nrm, int64(slice[0]), int64(slice[1]))
		observe(t, a, p, n)
		observe(t, b, d, n)
		p.Release()
		d.Release()
		n.Release()
		if ma, mb := a.Metrics(), b.Metrics(); !reflect.DeepEqual(ma, mb) {
			t.Errorf("slice %v: plain\n%v\ndictionary\n%v", slice, ma, mb)
		}
	}
}

func TestColumn_DictionaryLongerThanRowsMatchesPlain(t *testing.T) {
	var vals, norm []string
	for i := range 3000 {
		vals = append(vals, email(i%2500))
		norm = append(norm, []string{"x", null}[i%3/2])
	}
	vals[120] = null
	plain, dict, nrm := stringArray(vals), dictArray(vals), stringArray(norm)
	defer plain.Release()
	defer dict.Release()
	defer nrm.Release()
	a, b := NewColumn("email", Options{}), NewColumn("email", Options{})
	p, d, n := array.NewSlice(plain, 100, 400), array.NewSlice(dict, 100, 400), array.NewSlice(nrm, 100, 400)
	defer p.Release()
	defer d.Release()
	defer n.Release()
	observe(t, a, p, n)
	observe(t, b, d, n)
	if ma, mb := a.Metrics(), b.Metrics(); !reflect.DeepEqual(ma, mb) {
		t.Errorf("plain\n%v\ndictionary\n%v", ma, mb)
	}
	if s := b.Stats(); s.Present != 299 || s.Checked != 299 || s.Valid != 199 {
		t.Errorf("stats %+v", s)
	}
}

func TestColumn_ListOfStrings(t *testing.T) {
	arr := listArray([][]string{{"bad_email", "no_phone"}, {}, nil, {"bad_email"}, {" "}, {"no_title", "bad_email"}})
	defer arr.Release()
	c := NewColumn("dq_issues", Options{})
	observe(t, c, arr, nil)
	s := c.Stats()
	want := Stats{
		Rows: 6, Present: 4, List: true, Elements: 5, Distinct: 3, DistinctExact: true,
		Top: []Count{{"bad_email", 3}, {"no_phone", 1}, {"no_title", 1}},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("stats\n%+v\nwant\n%+v", s, want)
	}
	if m := metricMap(c.Metrics()); m["elements|"] != 5 {
		t.Errorf("metrics %v", m)
	}
}

func TestColumn_Booleans(t *testing.T) {
	arr := boolArray([]bool{true, false, true, true})
	defer arr.Release()
	c := NewColumn("mql", Options{})
	observe(t, c, arr, nil)
	s := c.Stats()
	if s.Present != 4 || !reflect.DeepEqual(s.Top, []Count{{"true", 3}, {"false", 1}}) {
		t.Errorf("stats %+v", s)
	}
}

func TestColumn_NumbersAndTimestamps(t *testing.T) {
	vals := make([]float64, 100)
	for i := range vals {
		vals[i] = float64(100 - i)
	}
	vals[10] = math.NaN()
	valid := make([]bool, len(vals))
	for i := range valid {
		valid[i] = i != 20 // vals[20] = 80 is null
	}
	arr := floatArray(vals, valid)
	defer arr.Release()
	c := NewColumn("revenue_usd", Options{})
	observe(t, c, arr, nil)
	s := c.Stats()
	if s.Rows != 100 || s.Present != 98 || s.Distinct != 98 {
		t.Fatalf("rows %d present %d distinct %d", s.Rows, s.Present, s.Distinct)
	}
	n := s.Numbers
	wantMean := (5050.0 - 90 - 80) / 98
	if n.Min != 1 || n.Max != 100 || math.Abs(n.Mean-wantMean) > 1e-9 || n.P50 != 49.5 {
		t.Errorf("summary %+v, want mean %v", n, wantMean)
	}

	t0 := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	ts := []time.Time{t0, {}, t0.Add(48 * time.Hour), t0.Add(24 * time.Hour)}
	tarr := timestampArray(ts)
	defer tarr.Release()
	tc := NewColumn("created_at", Options{})
	observe(t, tc, tarr, nil)
	got := map[string]string{}
	for _, m := range tc.Metrics() {
		got[m.Metric] = m.Text
	}
	want := map[string]string{"min": "2024-03-01T12:00:00Z", "max": "2024-03-03T12:00:00Z", "p50": "2024-03-02T12:00:00Z"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if s := tc.Stats(); s.Present != 3 || s.Times == nil || s.Numbers != nil {
		t.Errorf("timestamp stats %+v", s)
	}
}

func TestColumn_IntegersWithValidity(t *testing.T) {
	arr := int64Array([]int64{10, 20, 30, 40})
	raw := stringArray([]string{"10", "20", "thirty", "40"})
	defer arr.Release()
	defer raw.Release()
	c := NewColumn("employees", Options{})
	valid := boolArray([]bool{true, true, false, true})
	defer valid.Release()
	observe(t, c, raw, valid)
	if v, ok := c.Stats().Validity(); !ok || v != 0.75 {
		t.Errorf("validity %v %v, want 0.75", v, ok)
	}
	n := NewColumn("employee_count", Options{})
	observe(t, n, arr, nil)
	if s := n.Stats().Numbers; s.Mean != 25 || s.P25 != 17.5 {
		t.Errorf("summary %+v", s)
	}
}

func TestColumn_ValidityLengthMismatchFails(t *testing.T) {
	a, b := stringArray([]string{"a", "b"}), stringArray([]string{"a"})
	defer a.Release()
	defer b.Release()
	if err := NewColumn("x", Options{}).Observe(a, b); err == nil {
		t.Error("want an error")
	}
}
