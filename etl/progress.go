package etl

import (
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Progress reports how far a long piece of work has come.
type Progress interface {
	// Add records n more units done. Safe for concurrent use.
	Add(n int64)
	// Done ends the report.
	Done()
}

// ProgressFunc starts a progress report: what is being done, the total in
// units (0 when unknown) and the unit ("bytes" or "rows").
type ProgressFunc func(what string, total int64, unit string) Progress

// NewProgressFunc returns progress bars drawn on w when it is a terminal,
// and plain log lines every interval otherwise (schedulers capture stderr;
// a bar's carriage returns would only garble their logs).
func NewProgressFunc(w io.Writer, terminal bool, log *slog.Logger, interval time.Duration) ProgressFunc {
	if terminal {
		return func(what string, total int64, unit string) Progress {
			opts := []progressbar.Option{
				progressbar.OptionSetWriter(w),
				progressbar.OptionSetDescription(what),
				progressbar.OptionShowCount(),
				progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(100 * time.Millisecond),
				progressbar.OptionClearOnFinish(),
			}
			if unit == "bytes" {
				opts = append(opts, progressbar.OptionShowBytes(true))
			} else {
				opts = append(opts, progressbar.OptionSetItsString(unit))
			}
			if total <= 0 {
				total = -1
			}
			return &barProgress{bar: progressbar.NewOptions64(total, opts...)}
		}
	}
	return func(what string, total int64, unit string) Progress {
		p := &logProgress{log: log, what: what, total: total, unit: unit, start: time.Now(), stop: make(chan struct{})}
		p.wg.Add(1)
		go p.loop(interval)
		return p
	}
}

type barProgress struct {
	mu  sync.Mutex
	bar *progressbar.ProgressBar
}

func (b *barProgress) Add(n int64) {
	b.mu.Lock()
	_ = b.bar.Add64(n)
	b.mu.Unlock()
}

func (b *barProgress) Done() {
	b.mu.Lock()
	_ = b.bar.Finish()
	b.mu.Unlock()
}

type logProgress struct {
	log   *slog.Logger
	what  string
	total int64
	unit  string
	start time.Time
	done  atomic.Int64
	stop  chan struct{}
	once  sync.Once
	wg    sync.WaitGroup
}

func (p *logProgress) Add(n int64) { p.done.Add(n) }

func (p *logProgress) loop(interval time.Duration) {
	defer p.wg.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			attrs := []any{"what", p.what, "done", p.done.Load(), "unit", p.unit, "elapsed_ms", time.Since(p.start).Milliseconds()}
			if p.total > 0 {
				attrs = append(attrs, "total", p.total, "percent", 100*p.done.Load()/p.total)
			}
			p.log.Info("progress", attrs...)
		}
	}
}

func (p *logProgress) Done() {
	p.once.Do(func() {
		close(p.stop)
		p.wg.Wait()
	})
}

// NoProgress reports nothing.
func NoProgress(string, int64, string) Progress { return nopProgress{} }

type nopProgress struct{}

func (nopProgress) Add(int64) {}
func (nopProgress) Done()     {}
