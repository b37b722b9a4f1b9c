// Package lease keeps to one run at a time per state location. A run holds
// a lease: a small JSON object in the state store (by convention Key,
// "_lock/run.lease") naming who holds it and until when. The holder renews
// it while it works; a run that finds a live lease held by another refuses
// to start with a *HeldError, and one that finds an expired lease takes it
// over. Every write is conditional (storage.ConditionalWriter), so two runs
// can never both believe they hold the lease, and a holder whose lease was
// taken over, or could not be renewed before it expired, learns it through
// Lost and the context from Context, before it commits anything.
//
// The package knows stores, keys and times only. It never knows stages,
// Arrow data, config files or the command line: the caller picks the store,
// the key, the ttl and what a holder's command and run id are.
package lease

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"sync"
	"time"

	"github.com/leadsmith/leadsmith/etl/storage"
)

// Key is where a run's lease lives in its state store, by convention.
const Key = "_lock/run.lease"

// Holder says who holds a lease. It is the JSON body of the lease object,
// so it carries nothing personal beyond the user name, host and pid.
type Holder struct {
	User string `json:"user,omitempty"`
	Host string `json:"host"`
	PID  int    `json:"pid"`
	// Command names what runs, e.g. "leadsmith run"; not the full command
	// line, whose arguments may hold paths or secrets.
	Command string `json:"command,omitempty"`
	RunID   string `json:"run_id"`
	// Since is when the holder acquired the lease; Until is when it
	// expires unless renewed. Acquire sets both.
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
}

// ThisProcess is a Holder for the calling process: its OS user, host and
// pid, with the caller's command and run id.
func ThisProcess(command, runID string) Holder {
	h := Holder{PID: os.Getpid(), Command: command, RunID: runID}
	h.Host, _ = os.Hostname()
	if u, err := user.Current(); err == nil {
		h.User = u.Username
	} else {
		h.User = os.Getenv("USER")
	}
	return h
}

// String names the holder in one line, e.g.
// `run 20260105-0200 (leadsmith run, pid 4242 on etl-1 as etl) since ... until ...`.
func (h Holder) String() string {
	who := fmt.Sprintf("pid %d on %s", h.PID, h.Host)
	if h.User != "" {
		who += " as " + h.User
	}
	if h.Command != "" {
		who = h.Command + ", " + who
	}
	return fmt.Sprintf("run %s (%s) since %s until %s", h.RunID, who,
		h.Since.UTC().Format(time.RFC3339), h.Until.UTC().Format(time.RFC3339))
}

// HeldError is returned by Acquire when another holder's lease is live.
type HeldError struct {
	// Lease names the lease object: the store's URI and the key.
	Lease  string
	Holder Holder
}

func (e *HeldError) Error() string {
	return fmt.Sprintf("%s is held by %s", e.Lease, e.Holder)
}

// ErrLost is wrapped by the errors of a lease that was taken over, deleted,
// or could not be renewed before it expired: see Lease.Err.
var ErrLost = errors.New("lease lost")

// ErrReleased is the cause of a Context's cancellation by Release.
var ErrReleased = errors.New("lease released")

// Option adjusts Acquire.
type Option func(*options)

type options struct {
	now func() time.Time
}

// WithClock makes the lease read the time from now instead of time.Now,
// for the times it writes and the expiry it judges. Its renewals still
// wait in real time (every ttl/3).
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// record is the lease object: the holder and a random token that tells
// this acquisition's writes from any other's, even a retried write of our
// own whose answer was lost.
type record struct {
	Holder
	Token string `json:"token"`
}

// maxAcquireRounds bounds Acquire's rounds of create, read and takeover
// while other runs keep changing the lease object under it.
const maxAcquireRounds = 10

// Acquire takes the lease at key in store for holder, for ttl, and renews
// it every ttl/3 until Release. It sets holder's Since and Until. When
// another holder's lease is live it returns a *HeldError naming it; an
// expired one is taken over, conditionally on the version it read, so that
// of two runs taking it over only one wins. store must implement
// storage.ConditionalWriter. The caller must call Release.
func Acquire(ctx context.Context, store storage.Store, key string, holder Holder, ttl time.Duration, opts ...Option) (*Lease, error) {
	cw, ok := store.(storage.ConditionalWriter)
	if !ok {
		return nil, fmt.Errorf("%s: this store cannot write conditionally, so it cannot hold a lease", store.URI())
	}
	if ttl <= 0 {
		return nil, fmt.Errorf("lease ttl must be positive, got %v", ttl)
	}
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	l := &Lease{cw: cw, name: store.URI() + "/" + key, key: key, ttl: ttl, now: o.now}
	now := o.now()
	holder.Since, holder.Until = now, now.Add(ttl)
	l.rec = record{Holder: holder, Token: randomToken()}
	data, err := json.Marshal(l.rec)
	if err != nil {
		return nil, err
	}
	for round := 1; round <= maxAcquireRounds; round++ {
		etag, err := cw.CreateIfAbsent(ctx, key, data)
		if err == nil {
			return l.start(etag), nil
		}
		if !errors.Is(err, storage.ErrExist) {
			return nil, err
		}
		cur, curEtag, err := l.read(ctx)
		switch {
		case errors.Is(err, storage.ErrNotExist):
			continue // released in between: create again
		case err != nil:
			return nil, err
		case cur.Token == l.rec.Token:
			// A create of ours went through though its answer was lost.
			return l.start(curEtag), nil
		case !cur.Until.Before(o.now()) && !holderDead(cur.Holder, holder):
			return nil, &HeldError{Lease: l.name, Holder: cur.Holder}
		}
		// Expired: take it over only if it is still the version we read.
		etag, err = cw.ReplaceIf(ctx, key, data, curEtag)
		if err == nil {
			return l.start(etag), nil
		}
		if !errors.Is(err, storage.ErrPrecondition) && !errors.Is(err, storage.ErrNotExist) {
			return nil, err
		}
		// Another run changed it first (or a replace of ours went through
		// and its answer was lost): the next round reads it again.
	}
	return nil, fmt.Errorf("%s: could not acquire the lease: it changed %d times while we tried", l.name, maxAcquireRounds)
}

// read returns the lease object and its etag.
func (l *Lease) read(ctx context.Context) (record, string, error) {
	data, etag, err := l.cw.ReadVersion(ctx, l.key)
	if err != nil {
		return record{}, "", err
	}
	var rec record
	if err := json.Unmarshal(data, &rec); err != nil || rec.Token == "" {
		return record{}, "", fmt.Errorf("%s is not a lease (%d bytes); if no run is going, delete it", l.name, len(data))
	}
	return rec, etag, nil
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Lease is a held lease; it renews itself until Release.
type Lease struct {
	cw   storage.ConditionalWriter
	name string // store URI and key, for messages
	key  string
	ttl  time.Duration
	now  func() time.Time

	stop       chan struct{} // closed by Release
	stopRenew  context.CancelFunc
	renewDone  chan struct{}
	lost       chan struct{}
	releaseMu  sync.Mutex
	released   bool
	releaseErr error

	mu      sync.Mutex
	rec     record // as last written
	etag    string // of rec
	err     error  // why the lease was lost
	cancels []context.CancelCauseFunc
}

// start records the first version and starts renewing it.
func (l *Lease) start(etag string) *Lease {
	l.etag = etag
	l.stop, l.renewDone, l.lost = make(chan struct{}), make(chan struct{}), make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	l.stopRenew = cancel
	go l.renewLoop(ctx)
	return l
}

// Holder is the holder as last written: Until moves with every renewal.
func (l *Lease) Holder() Holder {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.rec.Holder
}

// Lost is closed when the lease is lost: taken over by another run,
// deleted, or not renewed before it expired. Err then says why.
func (l *Lease) Lost() <-chan struct{} { return l.lost }

// Err is nil while the lease holds, and after Lost an error wrapping ErrLost.
func (l *Lease) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Context returns a context derived from parent that is cancelled when the
// lease is lost (context.Cause wraps ErrLost) or released (ErrReleased), so
// a run stops before it commits work it no longer owns.
func (l *Lease) Context(parent context.Context) context.Context {
	ctx, cancel := context.WithCancelCause(parent)
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.err != nil:
		cancel(l.err)
	case l.isReleased():
		cancel(ErrReleased)
	default:
		l.cancels = append(l.cancels, cancel)
	}
	return ctx
}

func (l *Lease) isReleased() bool {
	select {
	case <-l.stop:
		return true
	default:
		return false
	}
}

// renewLoop renews the lease every ttl/3. After a failed renewal it tries
// again sooner, and gives the lease up as lost when it expires first.
func (l *Lease) renewLoop(ctx context.Context) {
	defer close(l.renewDone)
	timer := time.NewTimer(l.ttl / 3)
	defer timer.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-timer.C:
		}
		next, err := l.renew(ctx)
		if err != nil {
			if ctx.Err() == nil {
				l.lose(err)
			}
			return
		}
		timer.Reset(next)
	}
}

// renew writes the lease with a new Until, conditionally on the version
// last written, and returns when to renew next. An error is the lease lost.
func (l *Lease) renew(ctx context.Context) (time.Duration, error) {
	l.mu.Lock()
	rec, etag := l.rec, l.etag
	l.mu.Unlock()
	now := l.now()
	left := rec.Until.Sub(now)
	if left <= 0 {
		return 0, fmt.Errorf("%w: %s expired at %s before it could be renewed", ErrLost, l.name, rec.Until.UTC().Format(time.RFC3339Nano))
	}
	// A request still running at expiry is too late whatever it answers.
	ctx, cancel := context.WithTimeout(ctx, left)
	defer cancel()
	next := rec
	next.Until = now.Add(l.ttl)
	data, err := json.Marshal(next)
	if err != nil {
		return 0, err
	}
	newEtag, err := l.cw.ReplaceIf(ctx, l.key, data, etag)
	if errors.Is(err, storage.ErrPrecondition) || errors.Is(err, storage.ErrNotExist) {
		cur, curEtag, rerr := l.read(ctx)
		switch {
		case errors.Is(rerr, storage.ErrNotExist):
			return 0, fmt.Errorf("%w: %s was deleted by someone else", ErrLost, l.name)
		case rerr == nil && cur.Token != rec.Token:
			return 0, fmt.Errorf("%w: %s was taken over by %s", ErrLost, l.name, cur.Holder)
		case rerr == nil:
			// Still ours: a write whose answer was lost went through.
			// Adopt that version and renew it on the next round, soon.
			l.set(cur, curEtag)
			return l.retryIn(cur.Until), nil
		}
		err = rerr
	}
	if err != nil {
		return l.retryIn(rec.Until), nil
	}
	l.set(next, newEtag)
	return l.ttl / 3, nil
}

// retryIn is how long to wait before renewing again after a failure: a
// tenth of the ttl, but never past the expiry, so that a lease that cannot
// be renewed is lost when it expires, not later.
func (l *Lease) retryIn(until time.Time) time.Duration {
	return max(min(l.ttl/10, until.Sub(l.now())), time.Millisecond)
}

func (l *Lease) set(rec record, etag string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rec, l.etag = rec, etag
}

// lose records why the lease was lost, closes Lost and cancels every Context.
func (l *Lease) lose(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.err = err
	for _, cancel := range l.cancels {
		cancel(err)
	}
	l.cancels = nil
	close(l.lost)
}

// Release stops renewing, cancels every Context with ErrReleased and
// deletes the lease object, but only if it is still the version this
// lease wrote: a lease taken over by another run is left to it. When the
// lease was lost before, Release returns that error (wrapping ErrLost).
// Calling it again returns the first call's result.
func (l *Lease) Release(ctx context.Context) error {
	l.releaseMu.Lock()
	defer l.releaseMu.Unlock()
	if l.released {
		return l.releaseErr
	}
	l.released = true
	close(l.stop)
	l.stopRenew()
	<-l.renewDone

	l.mu.Lock()
	lostErr, rec, etag := l.err, l.rec, l.etag
	for _, cancel := range l.cancels {
		cancel(ErrReleased)
	}
	l.cancels = nil
	l.mu.Unlock()

	err := l.cw.DeleteIf(ctx, l.key, etag)
	if errors.Is(err, storage.ErrPrecondition) {
		// A renewal cut short by Release may have gone through: the
		// object is still ours if it carries our token.
		cur, curEtag, rerr := l.read(ctx)
		switch {
		case errors.Is(rerr, storage.ErrNotExist):
			err = nil
		case rerr != nil:
			err = rerr
		case cur.Token == rec.Token:
			err = l.cw.DeleteIf(ctx, l.key, curEtag)
		case lostErr == nil:
			err = fmt.Errorf("%w: %s was taken over by %s; left it in place", ErrLost, l.name, cur.Holder)
		default:
			err = nil
		}
	}
	if lostErr != nil {
		err = errors.Join(lostErr, err)
	}
	l.releaseErr = err
	return err
}
