package storage

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/leadsmith/leadsmith/internal/s3test"
)

func TestS3_ReaderAtServesRangesAndCachesTheFooter(t *testing.T) {
	endpoint, bucket, _ := s3test.Bucket(t)
	p := cleanProxy(t, endpoint)
	s := testStore(t, p.URL(), "s3://"+bucket, S3Options{}, fastTuning)
	const size = 1 << 20
	data := randomBytes(size)
	writeObject(t, s, "data.parquet", data)

	before := p.Stats()
	ra, err := s.OpenReaderAt(context.Background(), "data.parquet")
	if err != nil {
		t.Fatal(err)
	}
	defer ra.Close()
	if ra.Size() != size {
		t.Fatalf("Size = %d, want %d", ra.Size(), size)
	}
	cases := []struct {
		name    string
		off     int64
		n       int
		wantN   int
		wantEOF bool
	}{
		{"footer length", size - 8, 8, 8, false},
		{"footer", size - 8 - 4000, 4000, 4000, false},
		{"read past the end", size - 10, 100, 10, true},
		{"column chunk", 1000, 600 << 10, 600 << 10, false},
		{"small read in the middle", 500_000, 100, 100, false},
		{"read at the end", size, 10, 0, true},
	}
	for _, c := range cases {
		buf := make([]byte, c.n)
		n, err := ra.ReadAt(buf, c.off)
		if n != c.wantN || (err == io.EOF) != c.wantEOF || (err != nil && err != io.EOF) {
			t.Errorf("%s: ReadAt(%d bytes at %d) = %d, %v; want %d, EOF %v", c.name, c.n, c.off, n, err, c.wantN, c.wantEOF)
			continue
		}
		sameBytes(t, c.name, buf[:n], data[c.off:c.off+int64(n)])
	}
	// HEAD, one GET for the footer window (both footer reads and the read
	// past the end), one for the column chunk, one window for the small read.
	want := map[string]int{"HeadObject": 1, "GetObject": 3}
	if d := opsDelta(before, p.Stats()); fmt.Sprint(d) != fmt.Sprint(want) {
		t.Errorf("requests = %v, want %v", d, want)
	}

	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			off := int64(i) * 60_000
			buf := make([]byte, 10_000+i*1000)
			if _, err := ra.ReadAt(buf, off); err != nil {
				errs <- err
			} else if !bytes.Equal(buf, data[off:off+int64(len(buf))]) {
				errs <- fmt.Errorf("concurrent ReadAt at %d returned wrong bytes", off)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestS3_ReaderAtNeverMixesTwoVersions(t *testing.T) {
	endpoint, bucket, _ := s3test.Bucket(t)
	s := testStore(t, endpoint, "s3://"+bucket, S3Options{}, fastTuning)
	writeObject(t, s, "v.bin", randomBytes(1<<20))
	ra, err := s.OpenReaderAt(context.Background(), "v.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer ra.Close()
	writeObject(t, s, "v.bin", randomBytes(1<<20))
	_, err = ra.ReadAt(make([]byte, 100), 0)
	if want := "s3://" + bucket + "/v.bin: the object changed while it was being read"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("ReadAt after the object was replaced = %v, want %q", err, want)
	}
}
