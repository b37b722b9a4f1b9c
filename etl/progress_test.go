package etl

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestProgress_PlainLinesWhenNotATerminal(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	p := NewProgressFunc(&bytes.Buffer{}, false, log, 10*time.Millisecond)("extract", 1000, "bytes")
	p.Add(250)
	time.Sleep(35 * time.Millisecond)
	p.Add(250)
	p.Done()
	out := logs.String()
	if !strings.Contains(out, `"msg":"progress"`) || !strings.Contains(out, `"what":"extract"`) || !strings.Contains(out, `"total":1000`) {
		t.Fatalf("no plain progress lines:\n%s", out)
	}
	p.Done() // a second Done is harmless
}

func TestProgress_BarOnATerminal(t *testing.T) {
	var screen bytes.Buffer
	p := NewProgressFunc(&screen, true, slog.Default(), time.Second)("normalize", 100, "rows")
	for i := 0; i < 10; i++ {
		p.Add(10)
	}
	p.Done()
	if !strings.Contains(screen.String(), "normalize") {
		t.Fatalf("no bar drawn: %q", screen.String())
	}
}
