// Package par runs independent pieces of work that cannot fail on every
// core, handing each goroutine a worker number for its scratch space (work
// that can fail uses errgroup). It knows nothing of what the work is.
package par

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Each calls do(worker, k) for k in 0..n-1 on up to GOMAXPROCS goroutines
// and returns when all calls have. Items are handed out in order, one at a
// time, so uneven items balance; worker (0..GOMAXPROCS-1) identifies the
// goroutine for per-worker scratch space.
func Each(n int, do func(worker, k int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := int(next.Add(1) - 1); k < n; k = int(next.Add(1) - 1) {
				do(w, k)
			}
		}()
	}
	wg.Wait()
}
