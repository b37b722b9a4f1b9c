package report

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leadsmith/leadsmith/internal/browser"
	"github.com/leadsmith/leadsmith/report/reporttest"
)

// reportCharts are the data-chart names a fully populated report shows.
var reportCharts = []string{
	"stage-durations", "completeness", "dq-issues", "rejects",
	"blocking-rules", "parameters", "weight-histogram", "cluster-sizes", "em-deltas", "pr-curve",
	"lead-ranks", "funnel-stages", "segments", "queues", "owners",
	"match-methods", "account-tiers",
}

// openRendered renders a page into a temporary file and opens it in
// headless Chromium (reporttest.Open).
func openRendered(t *testing.T, render func(io.Writer) error) *browser.Page {
	t.Helper()
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return reporttest.Open(t, path)
}

func TestRender_InBrowser(t *testing.T) {
	r := sampleReport()
	p := openRendered(t, func(w io.Writer) error { return Render(w, r) })
	reporttest.CheckNoErrors(t, p)
	reporttest.CheckCharts(t, p, reportCharts)

	sections, err := browser.Eval[[]string](p, `[...document.querySelectorAll("main > section")].filter(s => s.querySelector("h2")).map(s => s.id)`)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"run", "quality", "matching", "funnel", "accounts"}; !slices.Equal(sections, want) {
		t.Errorf("sections = %v, want %v", sections, want)
	}
	// The hostile label shows as text and never runs.
	pwned, err := browser.Eval[bool](p, `window.pwned === 1 || document.querySelectorAll("script").length > 0`)
	if err != nil || pwned {
		t.Errorf("a label ran as script (%v)", err)
	}
	text, err := browser.Eval[string](p, `document.body.innerText`)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{hostileLabel, "1,284,311", "622,554", "903,118", "12,001"} {
		if !strings.Contains(text, want) {
			t.Errorf("page text lacks %q", want)
		}
	}
	metric, err := browser.Eval[string](p, `document.querySelector('[data-metric="mqls"]').dataset.value`)
	if err != nil || metric != "41207" {
		t.Errorf("mqls tile data-value = %q, %v; want 41207", metric, err)
	}
	img := reporttest.CheckScreenshot(t, p, 3000)

	// For the README and for a person to judge the design.
	if out := os.Getenv("LEADSMITH_REPORT_SCREENSHOT"); out != "" {
		top, err := p.Screenshot(1100)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out, top, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (full page %v)", out, img.Bounds().Size())
	}
}

func TestRender_EmptyReportInBrowser(t *testing.T) {
	p := openRendered(t, func(w io.Writer) error { return Render(w, &Report{RunID: "empty"}) })
	reporttest.CheckNoErrors(t, p)
	reporttest.CheckCharts(t, p, nil)
	nodata, err := browser.Eval[int](p, `document.querySelectorAll(".nodata").length`)
	if err != nil || nodata < 5 {
		t.Errorf("empty report shows %d no-data notes (%v), want one per empty part", nodata, err)
	}
}

func TestRenderWaterfall_InBrowser(t *testing.T) {
	p := openRendered(t, func(w io.Writer) error { return RenderWaterfall(w, sampleWaterfall()) })
	reporttest.CheckNoErrors(t, p)
	reporttest.CheckCharts(t, p, []string{"waterfall"})
	bars, err := browser.Eval[int](p, `document.querySelectorAll('figure[data-chart="waterfall"] g.bar').length`)
	if err != nil || bars != len(sampleWaterfall().Steps)+2 {
		t.Errorf("waterfall has %d bars (%v), want prior + steps + final", bars, err)
	}
	reporttest.CheckScreenshot(t, p, 600)
	if out := os.Getenv("LEADSMITH_WATERFALL_SCREENSHOT"); out != "" {
		shot, err := p.Screenshot(0)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out, shot, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
