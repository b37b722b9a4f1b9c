package stages

import (
	"bytes"
	"context"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/etl/extract"
)

// peakHeap samples the Go heap (Arrow's default allocator allocates from
// it) every few milliseconds until stop is called, and returns the peak.
func peakHeap() (stop func() uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64() + s[1].Value.Uint64(); v > peak {
				peak = v
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak
	}
}

// A CSV of 10,000 columns and 1,000 rows (78 MB) must extract in memory
// that grows with the data, not with columns times a fixed batch size
// (5.4 GiB before batches were sized by width; about 700 MiB after, most
// of it the Parquet writer's per-column state of the open row group).
func TestExtract_WideCSVMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a 78 MB file")
	}
	const cols, rows = 10000, 1000
	var b bytes.Buffer
	for i := 0; i < cols; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("col_" + strconv.Itoa(i))
	}
	b.WriteByte('\n')
	for r := 0; r < rows; r++ {
		for i := 0; i < cols; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("v" + strconv.Itoa(r) + "_" + strconv.Itoa(i%97))
		}
		b.WriteByte('\n')
	}
	rc := newDirRun(t, "sources:\n  - name: wide\n    uri: ./data\n", map[string][]byte{"data/wide.csv": b.Bytes()}, nil)
	b = bytes.Buffer{}
	runtime.GC()
	stop := peakHeap()
	res, err := etl.RunStage(context.Background(), rc, extract.Stage{})
	peak := stop()
	if err != nil {
		t.Fatal(err)
	}
	if res.RowsOut != rows {
		t.Fatalf("staged %d rows, want %d", res.RowsOut, rows)
	}
	t.Logf("peak Go heap during extract of %d columns x %d rows: %d MiB", cols, rows, peak>>20)
	if peak > 1<<30 {
		t.Errorf("peak heap %d MiB, want under 1 GiB", peak>>20)
	}
}
