package profile

import (
	"fmt"
	"math"
	"reflect"
	"runtime"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v17/arrow/array"
)

// splitProfile profiles vals whole and in three uneven parts merged.
func splitProfile(t *testing.T, name string, vals, norm []string) (whole, merged *Column) {
	t.Helper()
	whole, merged = NewColumn(name, Options{}), NewColumn(name, Options{})
	arr, nrm := stringArray(vals), stringArray(norm)
	defer arr.Release()
	defer nrm.Release()
	observe(t, whole, arr, nrm)
	cuts := []int{0, len(vals) / 7, len(vals) / 2, len(vals)}
	for i := range 3 {
		part := NewColumn(name, Options{})
		a := array.NewSlice(arr, int64(cuts[i]), int64(cuts[i+1]))
		n := array.NewSlice(nrm, int64(cuts[i]), int64(cuts[i+1]))
		observe(t, part, a, n)
		a.Release()
		n.Release()
		merged.Merge(part)
	}
	return whole, merged
}

func TestMerge_EqualsProfilingTheUnionForLowCardinality(t *testing.T) {
	r := rng(5)
	var vals, norm []string
	for i := range 200_000 {
		v := fmt.Sprintf("%d-%d@x.com", r.intn(40), r.intn(10))
		if i%9 == 0 {
			v = null
		}
		vals = append(vals, v)
		norm = append(norm, []string{"ok", null}[r.intn(2)])
	}
	whole, merged := splitProfile(t, "email", vals, norm)
	if a, b := whole.Metrics(), merged.Metrics(); !reflect.DeepEqual(a, b) {
		t.Errorf("whole\n%v\nmerged\n%v", a, b)
	}
}

func TestMerge_HighCardinality(t *testing.T) {
	var vals, norm []string
	for i := range 300_000 {
		vals = append(vals, email(i%100_000))
		norm = append(norm, "ok")
	}
	whole, merged := splitProfile(t, "email", vals, norm)
	a, b := whole.Stats(), merged.Stats()
	if a.Rows != b.Rows || a.Present != b.Present || a.Valid != b.Valid || a.Checked != b.Checked {
		t.Errorf("counts differ: %+v vs %+v", a, b)
	}
	if a.Distinct != b.Distinct || math.Abs(float64(b.Distinct)-100_000) > 2_000 {
		t.Errorf("distinct whole %d merged %d, want 100000", a.Distinct, b.Distinct)
	}
	if !reflect.DeepEqual(a.Patterns, b.Patterns) || !b.TopApproximate {
		t.Errorf("patterns %v vs %v, approximate %v", a.Patterns, b.Patterns, b.TopApproximate)
	}
}

func TestMerge_Numbers(t *testing.T) {
	const n = 1_000_000
	r := rng(9)
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = 1e6 * math.Exp(float64(r.intn(1000))/100)
	}
	merged := NewColumn("revenue_usd", Options{})
	for _, cut := range [][2]int{{0, 100_000}, {100_000, 130_000}, {130_000, n}} {
		part := NewColumn("revenue_usd", Options{})
		arr := floatArray(xs[cut[0]:cut[1]], nil)
		observe(t, part, arr, nil)
		arr.Release()
		merged.Merge(part)
	}
	sorted := slices.Clone(xs)
	slices.Sort(sorted)
	s := merged.Stats()
	checkSummary(t, s.Numbers, sorted)
	if s.Distinct < 980 || s.Distinct > 1020 || s.Present != n {
		t.Errorf("distinct %d present %d", s.Distinct, s.Present)
	}
}

// TestColumn_MemoryStaysBounded profiles 4M distinct emails and numbers in
// batches and checks that the heap in use grows by far less than the data.
func TestColumn_MemoryStaysBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("profiles 4M values")
	}
	text, num := NewColumn("email", Options{}), NewColumn("revenue_usd", Options{})
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	var before uint64
	const batch = 100_000
	for b := range 40 {
		vals := make([]string, batch)
		xs := make([]float64, batch)
		for i := range vals {
			vals[i] = email(b*batch + i)
			xs[i] = float64(b*batch + i)
		}
		arr, nums := stringArray(vals), floatArray(xs, nil)
		observe(t, text, arr, nil)
		observe(t, num, nums, nil)
		arr.Release()
		nums.Release()
		if b == 4 {
			before = heap()
		}
	}
	if grown := int64(heap()) - int64(before); grown > 1<<20 {
		t.Errorf("heap grew by %d bytes over 3.5M more values", grown)
	}
	if s := text.Stats(); math.Abs(float64(s.Distinct)-4e6)/4e6 > 0.02 {
		t.Errorf("distinct %d, want 4M", s.Distinct)
	}
}
