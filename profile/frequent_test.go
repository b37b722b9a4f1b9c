package profile

import (
	"slices"
	"strings"
	"testing"

	"github.com/zeebo/xxh3"
)

func TestFrequent_ExactUntilFullThenLowerBounds(t *testing.T) {
	f := newFrequent(4)
	add := func(k string, w int64) {
		h := xxh3.HashString(k)
		if !f.add(k, h, w) {
			f.purge()
			f.add(k, h, w)
		}
	}
	for _, kv := range []struct {
		k string
		w int64
	}{{"a", 10}, {"b", 5}, {"c", 2}, {"d", 1}, {"a", 1}} {
		add(kv.k, kv.w)
	}
	if !f.exact() || f.n != 4 {
		t.Fatalf("exact %v entries %d", f.exact(), f.n)
	}
	add("e", 3) // full: the median (2) comes off every count
	if f.exact() || f.offset != 2 {
		t.Fatalf("exact %v offset %d", f.exact(), f.offset)
	}
	got := f.top(10)
	want := []Count{{"a", 9}, {"b", 3}, {"e", 3}}
	if !slices.Equal(got, want) {
		t.Errorf("top %v, want %v", got, want)
	}
}

func TestFrequent_LongKeysAreCut(t *testing.T) {
	f := newFrequent(4)
	k := strings.Repeat("é", 300)
	f.add(k, 1, 1)
	got := f.top(1)[0].Value
	if len(got) > maxKeyBytes || !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, "éé") {
		t.Errorf("key %q (%d bytes)", got, len(got))
	}
}

func TestKth(t *testing.T) {
	r := rng(1)
	for n := 1; n < 60; n++ {
		xs := make([]int64, n)
		for i := range xs {
			xs[i] = int64(r.intn(10))
		}
		sorted := slices.Clone(xs)
		slices.Sort(sorted)
		for k := range n {
			if got := kth(slices.Clone(xs), k); got != sorted[k] {
				t.Fatalf("kth(%v, %d) = %d, want %d", xs, k, got, sorted[k])
			}
		}
	}
}
