// Package browser drives a headless Chromium for tests and for the
// README's screenshots: it opens one local page, collects the errors the
// page reports, evaluates JavaScript in it and captures it as a PNG.
// It knows nothing of leadsmith's data; callers hand it a file.
package browser

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Timeout bounds each step: starting the browser and loading the page,
// one evaluation, one screenshot. A step that takes longer fails instead
// of hanging a test run.
const Timeout = 60 * time.Second

// ErrNotFound is returned by Find and Open when no Chromium is installed.
var ErrNotFound = errors.New("browser: no Chromium found (set LEADSMITH_CHROMIUM, or run scripts/setup-test-tools.sh)")

// candidates are tried in order after $LEADSMITH_CHROMIUM; bare names are
// looked up on PATH.
var candidates = []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"}

// Find returns the Chromium binary to run: $LEADSMITH_CHROMIUM when set,
// else the first of /usr/bin/chromium, then chromium, chromium-browser
// and google-chrome on PATH. It returns ErrNotFound when there is none,
// and an error naming the variable when $LEADSMITH_CHROMIUM points
// nowhere.
func Find() (string, error) {
	if p := os.Getenv("LEADSMITH_CHROMIUM"); p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("browser: LEADSMITH_CHROMIUM=%s: %w", p, err)
		}
		return found, nil
	}
	for _, c := range candidates {
		if found, err := exec.LookPath(c); err == nil {
			return found, nil
		}
	}
	return "", ErrNotFound
}

// Message is something the page reported as wrong: a console.error or
// failed console.assert call, an uncaught exception, or an error entry of
// the browser's log (such as a resource that failed to load).
type Message struct {
	Kind string // "error", "assert", "exception" or "log"
	Text string
	URL  string
	Line int64 // from 0, as the protocol counts
}

func (m Message) String() string {
	if m.URL == "" {
		return m.Kind + ": " + m.Text
	}
	return fmt.Sprintf("%s: %s (%s:%d)", m.Kind, m.Text, m.URL, m.Line+1)
}

// Page is one local page loaded in its own headless Chromium, with its
// own fresh profile. It is not safe for concurrent use.
type Page struct {
	ctx     context.Context // the tab
	cancel  func()          // stops the tab and the browser
	dataDir string

	mu      sync.Mutex
	errs    []Message
	marks   chan string // barrier messages seen, see sync
	nmarks  int
	closeMu sync.Once
}

// Open starts Chromium and loads the local file at path, waiting for its
// load event. Close the page to stop the browser and remove its profile.
// Canceling ctx stops the browser too.
func Open(ctx context.Context, path string) (*Page, error) {
	bin, err := Find()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("browser: open %s: %w", path, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("browser: open %s: %w", path, err)
	}
	dataDir, err := os.MkdirTemp("", "leadsmith-chromium-")
	if err != nil {
		return nil, fmt.Errorf("browser: profile dir: %w", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.Headless,
		// Tests run as root in containers, where the sandbox cannot start.
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		// Nothing but the page itself may touch the network.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.UserDataDir(dataDir),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, allocCancel := chromedp.NewExecAllocator(ctx, opts...)
	tabCtx, tabCancel := chromedp.NewContext(allocCtx)
	p := &Page{
		ctx:     tabCtx,
		cancel:  func() { tabCancel(); allocCancel() },
		dataDir: dataDir,
		marks:   make(chan string, 16),
	}

	// Starting the browser happens in the first call on the tab, and
	// must use the tab's own context (a shorter one would stop the
	// browser when it ends), so a timer bounds it instead.
	timer := time.AfterFunc(Timeout, p.cancel)
	msgs := chromedp.Console(tabCtx)
	go p.collect(msgs)
	u := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	err = chromedp.Do(tabCtx, chromedp.Navigate(u))
	if !timer.Stop() && err == nil {
		err = context.DeadlineExceeded
	}
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("browser: load %s: %w", u, err)
	}
	return p, nil
}

// collect keeps the error messages of the page until the tab ends.
func (p *Page) collect(msgs func(func(chromedp.ConsoleMessage, error) bool)) {
	for m, err := range msgs {
		if err != nil {
			return
		}
		kind := string(m.Type)
		switch {
		case m.Type == chromedp.ConsoleDebug && len(m.Text) > len(markPrefix) && m.Text[:len(markPrefix)] == markPrefix:
			// Only sync reads marks; should none be waiting, dropping
			// one beats blocking the collector.
			select {
			case p.marks <- m.Text:
			default:
			}
			continue
		case m.IsException():
		case m.Source != "" && m.Type == chromedp.ConsoleError:
			kind = "log"
		case m.Type == chromedp.ConsoleError || m.Type == "assert":
		default:
			continue
		}
		p.mu.Lock()
		p.errs = append(p.errs, Message{Kind: kind, Text: m.Text, URL: m.URL, Line: m.Line})
		p.mu.Unlock()
	}
}

const markPrefix = "leadsmith-browser-mark-"

// sync waits until every message the page sent before now is collected:
// it logs a marker from the page and waits to see it come through, since
// the browser delivers messages in order.
func (p *Page) sync() error {
	p.nmarks++
	mark := markPrefix + strconv.Itoa(p.nmarks)
	ctx, cancel := context.WithTimeout(p.ctx, Timeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`console.debug(`+strconv.Quote(mark)+`)`)); err != nil {
		return fmt.Errorf("browser: sync: %w", err)
	}
	for {
		select {
		case m := <-p.marks:
			if m == mark {
				return nil
			}
		case <-ctx.Done():
			return fmt.Errorf("browser: sync: %w", ctx.Err())
		}
	}
}

// Errors returns every error the page has reported since it was opened:
// console errors, exceptions and error entries of the browser's log.
func (p *Page) Errors() ([]Message, error) {
	if err := p.sync(); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Message(nil), p.errs...), nil
}

// Eval evaluates a JavaScript expression in the page and decodes its
// JSON value into a T; a promise is awaited first. An exception in the
// expression is an error.
func Eval[T any](p *Page, expression string) (T, error) {
	ctx, cancel := context.WithTimeout(p.ctx, Timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expression, chromedp.EvalAwaitPromise))
	if err != nil {
		return v, fmt.Errorf("browser: eval: %w", err)
	}
	return v, nil
}

// Screenshot captures the page as a PNG from its top, at most maxHeight
// CSS pixels tall, or the whole page when maxHeight is 0 or less.
func (p *Page) Screenshot(maxHeight int) ([]byte, error) {
	ctx, cancel := context.WithTimeout(p.ctx, Timeout)
	defer cancel()
	m, err := chromedp.Call(ctx, page.GetLayoutMetrics, cdp.Empty{})
	if err != nil {
		return nil, fmt.Errorf("browser: screenshot: %w", err)
	}
	if m.CSSContentSize == nil {
		return nil, errors.New("browser: screenshot: the page has no layout")
	}
	w, h := m.CSSContentSize.Width, m.CSSContentSize.Height
	if maxHeight > 0 && h > float64(maxHeight) {
		h = float64(maxHeight)
	}
	yes := true
	shot, err := chromedp.Call(ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format:                page.CaptureScreenshotFormatPng,
		Clip:                  &page.Viewport{X: 0, Y: 0, Width: w, Height: h, Scale: 1},
		CaptureBeyondViewport: &yes,
		FromSurface:           &yes,
	})
	if err != nil {
		return nil, fmt.Errorf("browser: screenshot: %w", err)
	}
	return shot.Data, nil
}

// Close stops the browser and removes its profile. It is safe to call
// more than once.
func (p *Page) Close() error {
	var err error
	p.closeMu.Do(func() {
		p.cancel()
		// Chromium's helpers may still write to the profile for a moment
		// after the browser exits, so removal is retried briefly.
		for range 20 {
			if err = os.RemoveAll(p.dataDir); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		err = fmt.Errorf("browser: remove profile: %w", err)
	})
	return err
}
