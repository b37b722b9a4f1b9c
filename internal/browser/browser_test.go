package browser

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadsmith/leadsmith/internal/testenv"
)

// open writes html to a temporary file and opens it, skipping or failing
// (see testenv.Missing) when no Chromium is installed.
func open(t *testing.T, html string) *Page {
	t.Helper()
	if _, err := Find(); errors.Is(err, ErrNotFound) {
		testenv.Missing(t, "%v", err)
	}
	path := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(path, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Open(context.Background(), path)
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

func TestOpen_ReportsConsoleErrorsAndExceptions(t *testing.T) {
	p := open(t, `<!DOCTYPE html><title>t</title><body>hi<script>
console.log("fine");
console.error("broken", 42);
setTimeout(() => { null.boom }, 0);
</script>`)
	// The exception comes from a timer, after the load event: wait for
	// it to have fired.
	if _, err := Eval[bool](p, `new Promise(r => setTimeout(() => r(true), 50))`); err != nil {
		t.Fatal(err)
	}
	msgs, err := p.Errors()
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, m := range msgs {
		kinds = append(kinds, m.Kind+": "+m.Text)
	}
	got := strings.Join(kinds, "\n")
	if !strings.Contains(got, "error: broken 42") || !strings.Contains(got, "exception: ") {
		t.Errorf("want the console error and the exception, got:\n%s", got)
	}
	if strings.Contains(got, "fine") {
		t.Errorf("console.log is not an error, got:\n%s", got)
	}
}

func TestOpen_CleanPageHasNoErrors(t *testing.T) {
	p := open(t, `<!DOCTYPE html><title>t</title><link rel="icon" href="data:,"><p id="x">hello</p>`)
	msgs, err := p.Errors()
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 0 {
		t.Errorf("want no errors, got %v", msgs)
	}
	text, err := Eval[string](p, `document.getElementById("x").textContent`)
	if err != nil || text != "hello" {
		t.Errorf("Eval = %q, %v; want hello", text, err)
	}
}

func TestScreenshot_IsPNGOfThePage(t *testing.T) {
	p := open(t, `<!DOCTYPE html><body style="margin:0"><div style="height:3000px;background:linear-gradient(red,blue)"></div>`)
	full, err := p.Screenshot(0)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(full))
	if err != nil {
		t.Fatal(err)
	}
	if h := img.Bounds().Dy(); h < 3000 {
		t.Errorf("full-page screenshot is %d px tall, want the whole 3000 px page", h)
	}
	top, err := p.Screenshot(500)
	if err != nil {
		t.Fatal(err)
	}
	img, err = png.Decode(bytes.NewReader(top))
	if err != nil {
		t.Fatal(err)
	}
	if h := img.Bounds().Dy(); h != 500 {
		t.Errorf("top screenshot is %d px tall, want 500", h)
	}
}

func TestFind_HonoursEnvironment(t *testing.T) {
	t.Setenv("LEADSMITH_CHROMIUM", filepath.Join(t.TempDir(), "no-such-chromium"))
	_, err := Find()
	if err == nil || !strings.Contains(err.Error(), "LEADSMITH_CHROMIUM") {
		t.Errorf("Find with a bad LEADSMITH_CHROMIUM = %v, want an error naming it", err)
	}
}
