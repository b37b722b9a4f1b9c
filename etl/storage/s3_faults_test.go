package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/leadsmith/leadsmith/internal/faultproxy"
	"github.com/leadsmith/leadsmith/internal/s3test"
)

func TestS3_AbortLeavesNothingAndKeepsThePreviousObject(t *testing.T) {
	endpoint, bucket, raw := s3test.Bucket(t)
	p := cleanProxy(t, endpoint)
	s := testStore(t, p.URL(), "s3://"+bucket+"/w", S3Options{PartSizeMB: 5}, fastTuning)
	old := []byte("the previous object\n")
	cases := []struct {
		name   string
		size   int
		cancel bool // cancel the context instead of calling Abort
	}{
		{"abort before the first part is full", 1 << 20, false},
		{"abort during a multipart upload", 12 << 20, false},
		{"cancelled context during a multipart upload", 12 << 20, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			writeObject(t, s, "obj.bin", old)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			w, err := s.Create(ctx, "obj.bin")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write(randomBytes(c.size)); err != nil {
				t.Fatal(err)
			}
			if c.cancel {
				cancel()
				if err := w.Close(); !errors.Is(err, context.Canceled) {
					t.Errorf("Close after cancel = %v, want context.Canceled", err)
				}
			} else if err := w.Abort(); err != nil {
				t.Errorf("Abort: %v", err)
			}
			if err := w.Abort(); err != nil {
				t.Errorf("second Abort: %v, want a no-op", err)
			}
			if err := w.Close(); err == nil {
				t.Error("Close after Abort or a failed upload returned nil")
			}
			if _, err := w.Write([]byte("x")); err == nil {
				t.Error("Write after Abort returned nil")
			}
			sameBytes(t, "object after abort", readObject(t, s, "obj.bin"), old)
			if u := s3test.PendingUploads(t, raw, bucket); len(u) != 0 {
				t.Errorf("%d multipart uploads left behind", len(u))
			}
		})
	}
	// An abort racing a part still being written server-side is repeated,
	// so there can be more aborts than uploads, never fewer.
	if d := p.Stats().Ops; d["AbortMultipartUpload"] < d["CreateMultipartUpload"] {
		t.Errorf("%d multipart uploads started but %d aborted", d["CreateMultipartUpload"], d["AbortMultipartUpload"])
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

func TestS3_ErrorsAreOneLineNamingTheLocation(t *testing.T) {
	endpoint, bucket, _ := s3test.Bucket(t)
	cases := []struct {
		name     string
		uri      string
		endpoint string
		region   string
		secret   string // replaces AWS_SECRET_ACCESS_KEY when set
		keyID    string // replaces AWS_ACCESS_KEY_ID when set
		want     string
	}{
		{"missing bucket", "s3://nope-" + s3test.RandomHex(4) + "/x", endpoint, "", "", "", "bucket does not exist"},
		{"wrong secret", "s3://" + bucket + "/x", endpoint, "", "not-the-secret", "", "invalid credentials: the secret key"},
		{"unknown access key", "s3://" + bucket + "/x", endpoint, "", "", "AKIDNOTKNOWN", "invalid credentials: the access key id"},
		{"wrong region", "s3://" + bucket + "/x", endpoint, "eu-west-1", "", "", "wrong region"},
		{"unreachable endpoint", "s3://" + bucket + "/x", "http://" + closedPort(t), "", "", "", "endpoint unreachable"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.secret != "" {
				t.Setenv("AWS_SECRET_ACCESS_KEY", c.secret)
			}
			if c.keyID != "" {
				t.Setenv("AWS_ACCESS_KEY_ID", c.keyID)
			}
			start := time.Now()
			_, err := newS3Store(context.Background(), c.uri, S3Options{Endpoint: c.endpoint, PathStyle: true, Region: c.region, MaxAttempts: 3}, fastTuning)
			if err == nil {
				t.Fatal("newS3Store succeeded")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, c.uri+": "+c.want) || strings.Contains(msg, "\n") {
				t.Errorf("error = %q, want one line starting %q", msg, c.uri+": "+c.want)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("failing took %v", d)
			}
		})
	}
}

// faultyStore opens a store through a proxy that is clean while the store
// checks its bucket, then injects cfg.
func faultyStore(t *testing.T, endpoint, bucket string, o S3Options, tune s3Tuning, cfg faultproxy.Config) (*s3Store, *faultproxy.Proxy) {
	t.Helper()
	p := cleanProxy(t, endpoint)
	s := testStore(t, p.URL(), "s3://"+bucket+"/f", o, tune)
	if err := p.SetConfig(cfg); err != nil {
		t.Fatal(err)
	}
	return s, p
}

func TestS3_SurvivesOneRequestInFiveFailing(t *testing.T) {
	endpoint, bucket, raw := s3test.Bucket(t)
	s, p := faultyStore(t, endpoint, bucket, S3Options{PartSizeMB: 5, MaxAttempts: 8}, fastTuning, faultproxy.Config{
		Seed: 5, SlowDown: 0.06, Reset: 0.05, MidBodyReset: 0.05, Stall: 0.04, StallFor: 30 * time.Millisecond,
	})
	ctx := context.Background()
	small := map[string][]byte{}
	for i := range 40 {
		k := fmt.Sprintf("small/%02d.csv", i)
		small[k] = randomBytes(1000 + i*5000)
		writeObject(t, s, k, small[k])
	}
	big := randomBytes(12 << 20)
	writeObject(t, s, "big.bin", big)
	for k, want := range small {
		sameBytes(t, k, readObject(t, s, k), want)
	}
	sameBytes(t, "streamed multi-MB read", readObject(t, s, "big.bin"), big)
	ra, err := s.OpenReaderAt(ctx, "big.bin")
	if err != nil {
		t.Fatal(err)
	}
	for _, off := range []int64{0, 5 << 20, int64(len(big)) - 300_000} {
		buf := make([]byte, 300_000)
		if _, err := ra.ReadAt(buf, off); err != nil {
			t.Fatalf("ReadAt %d: %v", off, err)
		}
		sameBytes(t, fmt.Sprintf("ReadAt %d", off), buf, big[off:off+int64(len(buf))])
	}
	if err := s.Copy(ctx, "big.bin", "big-copy.bin"); err != nil {
		t.Fatal(err)
	}
	objs, err := s.List(ctx, "")
	if err != nil || len(objs) != len(small)+2 {
		t.Fatalf("List = %d objects, %v; want %d", len(objs), err, len(small)+2)
	}
	st := p.Stats()
	t.Logf("%d requests, %d faults: %+v", st.Requests, st.Faults(), st)
	if st.SlowDowns == 0 || st.Resets == 0 || st.MidBodyResets == 0 || st.Stalls == 0 {
		t.Errorf("not every kind of fault happened: %+v", st)
	}
	if err := p.SetConfig(faultproxy.Config{}); err != nil {
		t.Fatal(err)
	}
	sameBytes(t, "copy", readObject(t, s, "big-copy.bin"), big)
	if u := s3test.PendingUploads(t, raw, bucket); len(u) != 0 {
		t.Errorf("%d multipart uploads left behind", len(u))
	}
}

func TestS3_StreamedReadResumesAfterMidBodyResets(t *testing.T) {
	endpoint, bucket, _ := s3test.Bucket(t)
	s, p := faultyStore(t, endpoint, bucket, S3Options{}, fastTuning, faultproxy.Config{})
	data := randomBytes(8 << 20)
	writeObject(t, s, "stream.bin", data)
	if err := p.SetConfig(faultproxy.Config{Seed: 3, MidBodyReset: 0.7}); err != nil {
		t.Fatal(err)
	}
	sameBytes(t, "read through resets", readObject(t, s, "stream.bin"), data)
	if st := p.Stats(); st.MidBodyResets < 2 {
		t.Errorf("only %d mid-body resets happened; the test proves nothing", st.MidBodyResets)
	}
}

func TestS3_GivesUpCleanlyWhenEveryRequestFails(t *testing.T) {
	endpoint, bucket, _ := s3test.Bucket(t)
	tune := fastTuning
	tune.headerTimeout = 200 * time.Millisecond
	const attempts = 3
	faults := []struct {
		name string
		cfg  faultproxy.Config
		want string
	}{
		{"503 SlowDown", faultproxy.Config{SlowDown: 1}, "throttling requests"},
		{"connection reset", faultproxy.Config{Reset: 1}, "connection to the endpoint broke"},
		{"stall past the header timeout", faultproxy.Config{Stall: 1, StallFor: 2 * time.Second}, "did not answer in time"},
	}
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			s, p := faultyStore(t, endpoint, bucket, S3Options{MaxAttempts: attempts, PartSizeMB: 5}, tune, faultproxy.Config{})
			writeObject(t, s, "existing.csv", []byte("a\n"))
			if err := p.SetConfig(f.cfg); err != nil {
				t.Fatal(err)
			}
			ops := []struct {
				name string
				run  func(ctx context.Context) error
			}{
				{"List", func(ctx context.Context) error { _, err := s.List(ctx, ""); return err }},
				{"Open", func(ctx context.Context) error { _, err := s.Open(ctx, "existing.csv"); return err }},
				{"OpenReaderAt", func(ctx context.Context) error { _, err := s.OpenReaderAt(ctx, "existing.csv"); return err }},
				{"Delete", func(ctx context.Context) error { return s.Delete(ctx, "existing.csv") }},
				{"small write", func(ctx context.Context) error { return putObject(s, "new.csv", []byte("b\n")) }},
				{"multipart write", func(ctx context.Context) error { return putObject(s, "new.bin", randomBytes(6<<20)) }},
			}
			for _, op := range ops {
				before := p.Stats().Requests
				start := time.Now()
				err := op.run(context.Background())
				elapsed := time.Since(start)
				if err == nil {
					t.Errorf("%s succeeded with every request failing", op.name)
					continue
				}
				msg := err.Error()
				if !strings.Contains(msg, "s3://"+bucket+"/f") || !strings.Contains(msg, f.want) ||
					!strings.Contains(msg, fmt.Sprintf("gave up after %d attempts", attempts)) || strings.Contains(msg, "\n") {
					t.Errorf("%s: error %q; want one line naming the location, %q and the attempts", op.name, msg, f.want)
				}
				// Go's transport itself resends a request once when a reused
				// connection dies before answering, so an attempt can be 2 requests.
				if n := p.Stats().Requests - before; n > 2*attempts {
					t.Errorf("%s made %d requests, want at most %d", op.name, n, 2*attempts)
				}
				if elapsed > 3*time.Second {
					t.Errorf("%s took %v to give up", op.name, elapsed)
				}
			}
		})
	}
}

func TestS3_CancelledContextStopsRetrying(t *testing.T) {
	endpoint, bucket, _ := s3test.Bucket(t)
	slow := fastTuning
	slow.baseBackoff, slow.maxBackoff = time.Second, time.Second
	s, _ := faultyStore(t, endpoint, bucket, S3Options{MaxAttempts: 20}, slow, faultproxy.Config{SlowDown: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := s.List(ctx, "")
	if !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(fmt.Sprint(err), "deadline") {
		t.Errorf("List with an expiring context = %v, want a deadline error", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("List kept retrying for %v after its context ended", d)
	}
}

// TestS3_RequestCounts pins the requests of typical operations, which the
// cost of a nightly run is estimated from.
func TestS3_RequestCounts(t *testing.T) {
	endpoint, bucket, _ := s3test.Bucket(t)
	p := cleanProxy(t, endpoint)
	s := testStore(t, p.URL(), "s3://"+bucket+"/n", S3Options{}, fastTuning) // default 16 MiB parts
	data := randomBytes(50 << 20)
	before := p.Stats()
	writeObject(t, s, "fifty.bin", data)
	write := opsDelta(before, p.Stats())
	before = p.Stats()
	r, err := s.Open(context.Background(), "fifty.bin")
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, r)
	r.Close()
	if err != nil || n != int64(len(data)) {
		t.Fatalf("read %d bytes, %v", n, err)
	}
	read := opsDelta(before, p.Stats())
	t.Logf("50 MiB write: %v; streamed read: %v", write, read)
	if want := map[string]int{"CreateMultipartUpload": 1, "UploadPart": 4, "CompleteMultipartUpload": 1}; fmt.Sprint(write) != fmt.Sprint(want) {
		t.Errorf("50 MiB write took %v, want %v", write, want)
	}
	if want := map[string]int{"GetObject": 1}; fmt.Sprint(read) != fmt.Sprint(want) {
		t.Errorf("50 MiB read took %v, want %v", read, want)
	}
}
