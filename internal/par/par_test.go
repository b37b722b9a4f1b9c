package par

import (
	"runtime"
	"sync/atomic"
	"testing"
)

func TestEach_CallsEveryItemOnceOnBoundedWorkers(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000} {
		seen := make([]atomic.Int32, n)
		var badWorker atomic.Bool
		Each(n, func(w, k int) {
			if w < 0 || w >= runtime.GOMAXPROCS(0) {
				badWorker.Store(true)
			}
			seen[k].Add(1)
		})
		for k := range seen {
			if c := seen[k].Load(); c != 1 {
				t.Fatalf("n=%d: item %d called %d times", n, k, c)
			}
		}
		if badWorker.Load() {
			t.Fatalf("n=%d: a worker number outside 0..GOMAXPROCS-1", n)
		}
	}
}
