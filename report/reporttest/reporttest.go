// Package reporttest checks a rendered leadsmith page in headless
// Chromium: no console error, nothing fetched, every chart laid out with
// drawn marks, a screenshot that is not blank. It is for tests only (the
// report package's and the end-to-end test of the demo's report) and knows
// the page's chart markup, not the data behind it.
package reporttest

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"testing"

	"github.com/leadsmith/leadsmith/internal/browser"
	"github.com/leadsmith/leadsmith/internal/testenv"
)

// Open opens a page file in headless Chromium, skipping or failing (see
// testenv.Missing) when none is installed; the page closes with the test.
func Open(t *testing.T, path string) *browser.Page {
	t.Helper()
	if _, err := browser.Find(); errors.Is(err, browser.ErrNotFound) {
		testenv.Missing(t, "%v", err)
	}
	p, err := browser.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Error(err)
		}
	})
	return p
}

// marksJS counts, per chart, the drawn marks (bars, cells, lines, points)
// the browser actually laid out with a non-zero size.
const marksJS = `(() => {
	const out = {};
	for (const f of document.querySelectorAll("figure.chart")) {
		let n = 0;
		for (const el of f.querySelectorAll("svg .mark, svg .heat, svg .lineseg, svg .dot")) {
			const r = el.getBoundingClientRect();
			if (r.width > 0 && r.height > 0) n++;
		}
		const svg = f.querySelector("svg");
		const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
		out[f.dataset.chart] = {marks: n, width: box.width, height: box.height,
			caption: !!f.querySelector("figcaption"), texts: f.querySelectorAll("svg text").length};
	}
	return out;
})()`

type chartLayout struct {
	Marks         int
	Width, Height float64
	Caption       bool
	Texts         int
}

// CheckCharts asserts each named chart is on the page, laid out, and has
// drawn marks, axis text and a caption.
func CheckCharts(t *testing.T, p *browser.Page, names []string) {
	t.Helper()
	charts, err := browser.Eval[map[string]chartLayout](p, marksJS)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		c, ok := charts[name]
		switch {
		case !ok:
			t.Errorf("chart %s is missing", name)
		case c.Marks == 0:
			t.Errorf("chart %s draws no mark", name)
		case c.Width < 200 || c.Height < 80:
			t.Errorf("chart %s is laid out at %.0fx%.0f px", name, c.Width, c.Height)
		case !c.Caption || c.Texts < 3:
			t.Errorf("chart %s has no caption or too little text (%d)", name, c.Texts)
		}
	}
	if len(charts) != len(names) {
		t.Errorf("page has %d charts, want %d", len(charts), len(names))
	}
}

// CheckNoErrors asserts the page reported no error and fetched nothing.
func CheckNoErrors(t *testing.T, p *browser.Page) {
	t.Helper()
	msgs, err := p.Errors()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		t.Errorf("page reported %s", m)
	}
	fetched, err := browser.Eval[[]string](p, `performance.getEntriesByType("resource").map(e => e.name)`)
	if err != nil {
		t.Fatal(err)
	}
	if len(fetched) > 0 {
		t.Errorf("a self-contained page fetched %v", fetched)
	}
}

// CheckScreenshot asserts the full page renders to a sizeable picture
// that is not one flat colour.
func CheckScreenshot(t *testing.T, p *browser.Page, minHeight int) image.Image {
	t.Helper()
	shot, err := p.Screenshot(0)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() < 1000 || b.Dy() < minHeight {
		t.Errorf("screenshot is %dx%d, want at least 1000x%d", b.Dx(), b.Dy(), minHeight)
	}
	colours := map[uint32]int{}
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[(r>>11)<<10|(g>>11)<<5|bl>>11]++
		}
	}
	most, total := 0, (b.Dx()/3+1)*(b.Dy()/3+1)
	for _, c := range colours {
		most = max(most, c)
	}
	if len(colours) < 40 || float64(most) > 0.95*float64(total) {
		t.Errorf("screenshot looks blank: %d colours, the commonest on %d of %d samples", len(colours), most, total)
	}
	return img
}
