package lease

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/leadsmith/leadsmith/etl/storage"
	"github.com/leadsmith/leadsmith/internal/s3test"
)

// The S3 cases talk to a real S3 server (versitygw):
//
//	eval "$(scripts/s3server.sh start)"; go test ./etl/lease/; scripts/s3server.sh stop

// onEachStore runs test on a fresh local folder and on a fresh S3 bucket;
// open returns a new Store on that location each time, as a separate run
// would open it.
func onEachStore(t *testing.T, test func(t *testing.T, open func() storage.Store)) {
	t.Run("local", func(t *testing.T) {
		dir := t.TempDir()
		test(t, func() storage.Store { return openStore(t, dir) })
	})
	t.Run("s3", func(t *testing.T) {
		_, bucket, _ := s3test.Bucket(t)
		uri := "s3://" + bucket + "/state"
		test(t, func() storage.Store { return openStore(t, uri) })
	})
}

func openStore(t testing.TB, uri string) storage.Store {
	t.Helper()
	s, err := storage.Open(context.Background(), uri, storage.S3Options{Endpoint: os.Getenv("LEADSMITH_TEST_S3_ENDPOINT"), PathStyle: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func holder(runID string) Holder { return ThisProcess("leadsmith test", runID) }

func release(t *testing.T, l *Lease) {
	t.Helper()
	if err := l.Release(context.Background()); err != nil {
		t.Fatalf("Release: %v", err)
	}
}

// stored reads the lease object behind the package's back.
func stored(t *testing.T, s storage.Store) (record, bool) {
	t.Helper()
	data, _, err := s.(storage.ConditionalWriter).ReadVersion(context.Background(), Key)
	if errors.Is(err, storage.ErrNotExist) {
		return record{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	var rec record
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatalf("lease object %q: %v", data, err)
	}
	return rec, true
}

// wantHeldBy checks that err is a *HeldError naming runID.
func wantHeldBy(t *testing.T, err error, runID string) {
	t.Helper()
	var held *HeldError
	if !errors.As(err, &held) {
		t.Fatalf("got %v, want a *HeldError", err)
	}
	if held.Holder.RunID != runID {
		t.Fatalf("HeldError names run %q, want %q: %v", held.Holder.RunID, runID, err)
	}
}

// acquireRace has n runs call Acquire at once, each on its own Store, and
// checks that exactly one wins and every other is told who did.
func acquireRace(t *testing.T, open func() storage.Store, n int, ttl time.Duration) *Lease {
	t.Helper()
	leases, errs := make([]*Lease, n), make([]error, n)
	stores := make([]storage.Store, n)
	for i := range stores {
		stores[i] = open()
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			leases[i], errs[i] = Acquire(context.Background(), stores[i], Key, holder(fmt.Sprint("run-", i)), ttl)
		})
	}
	close(start)
	wg.Wait()
	var won *Lease
	for i, l := range leases {
		if l == nil {
			continue
		}
		if won != nil {
			t.Fatalf("two runs hold the lease: %s and %s", won.Holder().RunID, l.Holder().RunID)
		}
		won = l
		errs[i] = nil
	}
	if won == nil {
		t.Fatalf("no run won: %v", errs)
	}
	for i, err := range errs {
		if leases[i] == nil {
			wantHeldBy(t, err, won.Holder().RunID)
		}
	}
	return won
}

func TestAcquire_ExactlyOneOfManyConcurrentRunsWins(t *testing.T) {
	onEachStore(t, func(t *testing.T, open func() storage.Store) {
		won := acquireRace(t, open, 16, 5*time.Second)
		rec, ok := stored(t, open())
		if !ok || rec.RunID != won.Holder().RunID || rec.PID != os.Getpid() {
			t.Fatalf("lease object = %+v, %v; want the winner %s", rec, ok, won.Holder())
		}
		release(t, won)
		if _, ok := stored(t, open()); ok {
			t.Fatal("Release left the lease object")
		}
		again, err := Acquire(context.Background(), open(), Key, holder("next"), time.Second)
		if err != nil {
			t.Fatalf("Acquire after Release: %v", err)
		}
		release(t, again)
	})
}

func TestAcquire_ExactlyOneOfTwoRacersTakesOverAnExpiredLease(t *testing.T) {
	onEachStore(t, func(t *testing.T, open func() storage.Store) {
		for round := range 5 {
			// A run that died an hour ago left its lease behind.
			dead := record{Holder: holder("dead"), Token: "dead"}
			dead.Since, dead.Until = time.Now().Add(-time.Hour), time.Now().Add(-time.Minute)
			data, _ := json.Marshal(dead)
			w, err := open().Create(context.Background(), Key)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write(data); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			won := acquireRace(t, open, 2, 5*time.Second)
			if rec, _ := stored(t, open()); rec.RunID != won.Holder().RunID {
				t.Fatalf("round %d: lease object names %q, want the winner %q", round, rec.RunID, won.Holder().RunID)
			}
			release(t, won)
		}
	})
}

func TestLease_RenewalKeepsItAlivePastItsTTL(t *testing.T) {
	onEachStore(t, func(t *testing.T, open func() storage.Store) {
		const ttl = time.Second
		l, err := Acquire(context.Background(), open(), Key, holder("long"), ttl)
		if err != nil {
			t.Fatal(err)
		}
		first := l.Holder().Until
		ctx := l.Context(context.Background())
		time.Sleep(2*ttl + ttl/2)
		select {
		case <-l.Lost():
			t.Fatalf("lost a lease nobody touched: %v", l.Err())
		default:
		}
		_, err = Acquire(context.Background(), open(), Key, holder("other"), ttl)
		wantHeldBy(t, err, "long")
		rec, _ := stored(t, open())
		if !rec.Until.After(time.Now()) || !l.Holder().Until.After(first.Add(ttl)) {
			t.Fatalf("lease object until %v, first until %v: not renewed", rec.Until, first)
		}
		if ctx.Err() != nil {
			t.Fatalf("the run's context ended while the lease holds: %v", context.Cause(ctx))
		}
		release(t, l)
		if !errors.Is(context.Cause(ctx), ErrReleased) {
			t.Fatalf("after Release the context's cause is %v, want ErrReleased", context.Cause(ctx))
		}
	})
}

func TestLease_TakenOverLeaseSignalsLostAndReleaseLeavesTheNewHolder(t *testing.T) {
	onEachStore(t, func(t *testing.T, open func() storage.Store) {
		const ttl = 1200 * time.Millisecond
		a, err := Acquire(context.Background(), open(), Key, holder("a"), ttl)
		if err != nil {
			t.Fatal(err)
		}
		ctx := a.Context(context.Background())
		// Run b's clock is an hour ahead: to it, a's lease has expired.
		later := func() time.Time { return time.Now().Add(time.Hour) }
		b, err := Acquire(context.Background(), open(), Key, holder("b"), ttl, WithClock(later))
		if err != nil {
			t.Fatalf("takeover: %v", err)
		}
		defer release(t, b)
		select {
		case <-a.Lost():
		case <-time.After(ttl):
			t.Fatal("a did not notice within its ttl that b took its lease over")
		}
		if err := a.Err(); !errors.Is(err, ErrLost) || !strings.Contains(err.Error(), "run b ") {
			t.Fatalf("a.Err() = %v, want ErrLost naming run b", err)
		}
		if cause := context.Cause(ctx); !errors.Is(cause, ErrLost) {
			t.Fatalf("a's run context: cause %v, want ErrLost", cause)
		}
		if late := a.Context(context.Background()); !errors.Is(context.Cause(late), ErrLost) {
			t.Fatal("a Context asked for after the loss is not cancelled")
		}
		if err := a.Release(context.Background()); !errors.Is(err, ErrLost) {
			t.Fatalf("a.Release() = %v, want ErrLost", err)
		}
		if rec, ok := stored(t, open()); !ok || rec.RunID != "b" {
			t.Fatalf("after a non-holder's Release the lease object is %+v, %v; want b's", rec, ok)
		}
	})
}

// failingRenewals fails every ReplaceIf while failing is set, as an
// unreachable endpoint would.
type failingRenewals struct {
	*storage.LocalStore
	failing atomic.Bool
}

func (f *failingRenewals) ReplaceIf(ctx context.Context, key string, data []byte, etag string) (string, error) {
	if f.failing.Load() {
		return "", errors.New("injected: endpoint unreachable")
	}
	return f.LocalStore.ReplaceIf(ctx, key, data, etag)
}

func TestLease_LostWhenRenewalsFailUntilItExpires(t *testing.T) {
	local, err := storage.NewLocalStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := &failingRenewals{LocalStore: local}
	const ttl = 900 * time.Millisecond
	l, err := Acquire(context.Background(), s, Key, holder("flaky"), ttl)
	if err != nil {
		t.Fatal(err)
	}
	s.failing.Store(true)
	until := l.Holder().Until
	select {
	case <-l.Lost():
	case <-time.After(2 * ttl):
		t.Fatal("a lease that cannot be renewed was not lost after it expired")
	}
	if now := time.Now(); now.Before(until) || now.After(until.Add(ttl/2)) {
		t.Fatalf("lost at %v, want at its expiry %v", now, until)
	}
	if err := l.Err(); !errors.Is(err, ErrLost) || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("Err() = %v, want ErrLost saying it expired", err)
	}
	// Still ours in the store, though expired: Release removes it.
	if err := l.Release(context.Background()); !errors.Is(err, ErrLost) {
		t.Fatalf("Release() = %v, want the loss", err)
	}
	if _, ok := stored(t, s); ok {
		t.Fatal("Release left an expired lease of its own")
	}
}

func TestHeldError_NamesTheHolder(t *testing.T) {
	h := Holder{User: "etl", Host: "etl-1", PID: 4242, Command: "leadsmith run", RunID: "20260105-0200",
		Since: time.Date(2026, 1, 5, 2, 0, 0, 0, time.UTC), Until: time.Date(2026, 1, 5, 2, 1, 0, 0, time.UTC)}
	got := (&HeldError{Lease: "s3://b/state/_lock/run.lease", Holder: h}).Error()
	want := "s3://b/state/_lock/run.lease is held by run 20260105-0200 (leadsmith run, pid 4242 on etl-1 as etl) since 2026-01-05T02:00:00Z until 2026-01-05T02:01:00Z"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestAcquire_RefusesAStoreWithoutConditionalWrites(t *testing.T) {
	local, err := storage.NewLocalStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	plain := struct{ storage.Store }{local}
	if _, err := Acquire(context.Background(), plain, Key, holder("x"), time.Second); err == nil {
		t.Fatal("Acquire on a store without conditional writes succeeded")
	}
}

// Separate processes, each opening the store itself, race for the lease.

const (
	childEnvStore = "LEADSMITH_LEASE_TEST_STORE"
	childEnvStart = "LEADSMITH_LEASE_TEST_START"
	resultPrefix  = "LEASE-RESULT "
)

func TestAcquire_ExactlyOneOfManyProcessesWins(t *testing.T) {
	onEachStore(t, func(t *testing.T, open func() storage.Store) {
		const n = 6
		start := time.Now().Add(time.Second).UnixNano()
		// The winner stays alive until every child has tried: a lease
		// left by a dead process of this host may be taken over at once.
		cmds, outs := make([]*exec.Cmd, n), make([]*bytes.Buffer, n)
		stdins := make([]io.WriteCloser, n)
		resultCh := make(chan []string, n)
		for i := range n {
			cmds[i] = exec.Command(os.Args[0], "-test.run=^TestLeaseChildProcess$", "-test.count=1")
			cmds[i].Env = append(os.Environ(), childEnvStore+"="+open().URI(), childEnvStart+"="+strconv.FormatInt(start, 10))
			outs[i] = new(bytes.Buffer)
			cmds[i].Stderr = outs[i]
			stdout, err := cmds[i].StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if stdins[i], err = cmds[i].StdinPipe(); err != nil {
				t.Fatal(err)
			}
			if err := cmds[i].Start(); err != nil {
				t.Fatal(err)
			}
			go func(out *bytes.Buffer) {
				var got []string
				sc := bufio.NewScanner(stdout)
				for sc.Scan() {
					if rest, ok := strings.CutPrefix(sc.Text(), resultPrefix); ok && got == nil {
						got = strings.Fields(rest)
						resultCh <- got
					}
				}
				if got == nil {
					resultCh <- nil
				}
			}(outs[i])
		}
		var results [][]string // per process: "won" pid | "held" holder-pid
		for range n {
			select {
			case r := <-resultCh:
				if r != nil {
					results = append(results, r)
				}
			case <-time.After(time.Minute):
				t.Fatal("a child gave no result within a minute")
			}
		}
		for i, cmd := range cmds {
			_ = stdins[i].Close()
			if err := cmd.Wait(); err != nil {
				t.Fatalf("child %d: %v\n%s", i, err, outs[i])
			}
		}
		if len(results) != n {
			t.Fatalf("got %d results from %d children: %v", len(results), n, results)
		}
		winner := ""
		for _, r := range results {
			if r[0] == "won" {
				if winner != "" {
					t.Fatalf("two processes won: %v", results)
				}
				winner = r[1]
			}
		}
		for _, r := range results {
			if r[0] != "won" && (r[0] != "held" || r[1] != winner) {
				t.Fatalf("want every loser told that pid %s holds the lease: %v", winner, results)
			}
		}
		if rec, ok := stored(t, open()); !ok || strconv.Itoa(rec.PID) != winner {
			t.Fatalf("the lease object names %+v, want pid %s", rec, winner)
		}
	})
}

// TestLeaseChildProcess is one racing process of the test above; run on
// its own it does nothing. It prints its result, then waits for its
// standard input to close; the winner exits holding the lease (ttl 30 s).
func TestLeaseChildProcess(t *testing.T) {
	uri := os.Getenv(childEnvStore)
	if uri == "" {
		t.Skip("only run as a child of TestAcquire_ExactlyOneOfManyProcessesWins")
	}
	s := openStore(t, uri)
	start, _ := strconv.ParseInt(os.Getenv(childEnvStart), 10, 64)
	time.Sleep(time.Until(time.Unix(0, start)))
	_, err := Acquire(context.Background(), s, Key, holder(fmt.Sprint("pid-", os.Getpid())), 30*time.Second)
	var held *HeldError
	switch {
	case err == nil:
		fmt.Printf("%swon %d\n", resultPrefix, os.Getpid())
	case errors.As(err, &held):
		fmt.Printf("%sheld %d\n", resultPrefix, held.Holder.PID)
	default:
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
}
