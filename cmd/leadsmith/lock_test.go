package main

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLock_OverlappingRuns starts two runs of the same config together or
// a little apart, as a scheduler that fires twice does: exactly one works,
// the other exits with the lock code and names the holder, and the output
// is the complete, correct run.
func TestLock_OverlappingRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("real processes")
	}
	want, took := reference(t)
	trials := 20
	if n := trialCount(); n > 3 {
		trials = n
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
	var sequential atomic.Int64
	for i := 0; i < trials; i++ {
		stagger := time.Duration(0)
		if i%2 == 1 {
			stagger = time.Duration(rng.Int64N(int64(took) / 2))
		}
		t.Run(fmt.Sprintf("%02d-stagger-%v", i, stagger.Round(time.Millisecond)), func(t *testing.T) {
			e := newCrashEnv(t, false, fmt.Sprintf("l%02d", i))
			e.mustRun("run", "--date", crashPrevDate)
			var wg sync.WaitGroup
			codes := make([]int, 2)
			logs := make([]string, 2)
			for k := 0; k < 2; k++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if k == 1 {
						time.Sleep(stagger)
					}
					codes[k], logs[k] = e.cli(nil, nil, "run", "--date", crashDate, "--force")
				}()
			}
			wg.Wait()
			ok, locked := 0, 0
			for k, c := range codes {
				switch c {
				case exitOK:
					ok++
				case exitLocked:
					locked++
					if !strings.Contains(logs[k], "lock") || !strings.Contains(logs[k], "pid") {
						t.Errorf("the refused run does not name the holder:\n%s", logs[k])
					}
				default:
					t.Errorf("run %d: exit %d\n%s", k, c, logs[k])
				}
			}
			if ok == 2 {
				// Both worked: right only if one ran after the other had
				// finished (a slow start of the later one). Their logs
				// say when each worked under the lock.
				a0, a1 := workedBetween(t, logs[0])
				b0, b1 := workedBetween(t, logs[1])
				if a0.Before(b1) && b0.Before(a1) {
					t.Fatalf("two runs worked at once: %v-%v and %v-%v", a0, a1, b0, b1)
				}
				sequential.Add(1)
				t.Logf("the runs did not overlap (%v-%v, %v-%v): both were right to work", a0, a1, b0, b1)
			} else if ok != 1 || locked != 1 {
				t.Fatalf("%d runs worked and %d were refused, want 1 and 1 (exits %v)", ok, locked, codes)
			}
			m := e.committed(crashDate, crashDate)
			if m == nil || !equalLines(e.rows(m), want) {
				t.Fatal("the run that worked did not publish a clean run's data")
			}
			e.assertClean()
		})
	}
	// Runs started together always overlap; only staggered ones may not.
	if n := sequential.Load(); n > int64(trials/2) {
		t.Errorf("%d of %d trials did not overlap: the test proved little", n, trials)
	}
}

var logTime = regexp.MustCompile(`"time":"([^"]+)","level":"[A-Z]+","msg":"(stage started|run finished)"`)

// workedBetween is when a run's log says it worked: its first stage's
// start and its end.
func workedBetween(t *testing.T, log string) (start, end time.Time) {
	t.Helper()
	for _, m := range logTime.FindAllStringSubmatch(log, -1) {
		ts, err := time.Parse(time.RFC3339Nano, m[1])
		if err != nil {
			t.Fatal(err)
		}
		if m[2] == "stage started" && start.IsZero() {
			start = ts
		}
		if m[2] == "run finished" {
			end = ts
		}
	}
	if start.IsZero() || end.IsZero() {
		t.Fatalf("no stage start or run end in the log:\n%s", log)
	}
	return start, end
}
