package storage

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/leadsmith/leadsmith/internal/faultproxy"
	"github.com/leadsmith/leadsmith/internal/s3test"
)

// These tests talk to a real S3 server (versitygw), started with
//
//	eval "$(scripts/s3server.sh start)"; go test -run S3 ./etl/; scripts/s3server.sh stop

// fastTuning keeps the real retry logic but with waits of milliseconds, so
// that exhausting every attempt stays quick.
var fastTuning = s3Tuning{
	baseBackoff:   2 * time.Millisecond,
	maxBackoff:    20 * time.Millisecond,
	headerTimeout: 5 * time.Second,
	abortTimeout:  5 * time.Second,
	abortSettle:   250 * time.Millisecond,
	readAhead:     256 << 10,
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// testStore opens uri through endpoint with fast retries; o's zero fields
// take the defaults, except that path style is forced for versitygw.
func testStore(t *testing.T, endpoint, uri string, o S3Options, tune s3Tuning) *s3Store {
	t.Helper()
	o.Endpoint, o.PathStyle = endpoint, true
	s, err := newS3Store(context.Background(), uri, o, tune)
	if err != nil {
		t.Fatalf("newS3Store(%s): %v", uri, err)
	}
	return s
}

// cleanProxy puts a fault-free counting proxy in front of endpoint.
func cleanProxy(t *testing.T, endpoint string) *faultproxy.Proxy {
	t.Helper()
	p, err := faultproxy.New(endpoint, faultproxy.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func writeObject(t *testing.T, s Store, key string, data []byte) {
	t.Helper()
	if err := putObject(s, key, data); err != nil {
		t.Fatal(err)
	}
}

// putObject writes in odd-sized pieces, as an encoder would.
func putObject(s Store, key string, data []byte) error {
	w, err := s.Create(context.Background(), key)
	if err != nil {
		return fmt.Errorf("create %s: %w", key, err)
	}
	for rest := data; len(rest) > 0; {
		n := min(len(rest), 100_003)
		if _, err := w.Write(rest[:n]); err != nil {
			_ = w.Abort()
			return fmt.Errorf("write %s: %w", key, err)
		}
		rest = rest[n:]
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("close %s: %w", key, err)
	}
	return nil
}

func readObject(t *testing.T, s Store, key string) []byte {
	t.Helper()
	r, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("open %s: %v", key, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	return b
}

func sameBytes(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: got %d bytes (sha256 %x), want %d bytes (sha256 %x)", what, len(got), sha256.Sum256(got), len(want), sha256.Sum256(want))
	}
}

// opsDelta is the requests per operation between two proxy snapshots.
func opsDelta(before, after faultproxy.Stats) map[string]int {
	d := map[string]int{}
	for k, v := range after.Ops {
		if v-before.Ops[k] != 0 {
			d[k] = v - before.Ops[k]
		}
	}
	return d
}

func TestS3_RoundTripTakesSinglePutOrMultipartBySize(t *testing.T) {
	endpoint, bucket, raw := s3test.Bucket(t)
	p := cleanProxy(t, endpoint)
	s := testStore(t, p.URL(), "s3://"+bucket+"/run/1", S3Options{PartSizeMB: 5}, fastTuning)
	cases := []struct {
		name string
		size int
		want map[string]int // requests to write the object
	}{
		{"empty", 0, map[string]int{"PutObject": 1}},
		{"small", 1000, map[string]int{"PutObject": 1}},
		{"one byte under a part", 5<<20 - 1, map[string]int{"PutObject": 1}},
		{"three parts", 12 << 20, map[string]int{"CreateMultipartUpload": 1, "UploadPart": 3, "CompleteMultipartUpload": 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			key := "objs/" + strings.ReplaceAll(c.name, " ", "_") + ".bin"
			data := randomBytes(c.size)
			before := p.Stats()
			writeObject(t, s, key, data)
			if got := opsDelta(before, p.Stats()); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("write requests = %v, want %v", got, c.want)
			}
			sameBytes(t, "Open", readObject(t, s, key), data)
			head, err := raw.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("run/1/" + key)})
			if err != nil {
				t.Fatalf("object not at its full key: %v", err)
			}
			if aws.ToInt64(head.ContentLength) != int64(c.size) {
				t.Errorf("size %d, want %d", aws.ToInt64(head.ContentLength), c.size)
			}
		})
	}
	if u := s3test.PendingUploads(t, raw, bucket); len(u) != 0 {
		t.Errorf("%d multipart uploads left pending", len(u))
	}
}

func TestS3_ListPaginatesAndDeleteKeysBatches(t *testing.T) {
	endpoint, bucket, raw := s3test.Bucket(t)
	p := cleanProxy(t, endpoint)
	s := testStore(t, p.URL(), "s3://"+bucket+"/out", S3Options{}, fastTuning)
	const n = 1500
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("part/%04d.txt", i)
	}
	// A sibling with the same leading characters must stay outside the store.
	if _, err := raw.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("outside/part/x.txt"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	work := make(chan string)
	errs := make(chan error, n)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range work {
				if err := putObject(s, k, []byte(k)); err != nil {
					errs <- err
				}
			}
		}()
	}
	for _, k := range keys {
		work <- k
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	before := p.Stats()
	got, err := s.List(context.Background(), "part/")
	if err != nil {
		t.Fatal(err)
	}
	if d := opsDelta(before, p.Stats()); d["ListObjectsV2"] != 2 {
		t.Errorf("listing %d objects took %v, want 2 ListObjectsV2 pages", n, d)
	}
	if len(got) != n {
		t.Fatalf("List returned %d objects, want %d", len(got), n)
	}
	if !sort.SliceIsSorted(got, func(i, j int) bool { return got[i].Key < got[j].Key }) {
		t.Error("List is not sorted by key")
	}
	for i, o := range got {
		if o.Key != keys[i] || o.Size != int64(len(keys[i])) || o.ModTime.IsZero() {
			t.Fatalf("List[%d] = %+v, want key %q size %d and a mod time", i, o, keys[i], len(keys[i]))
		}
	}
	if none, err := s.List(context.Background(), "nothing/"); err != nil || len(none) != 0 || none == nil {
		t.Errorf("List(nothing/) = %v, %v; want an empty, non-nil slice", none, err)
	}

	before = p.Stats()
	if err := s.DeleteKeys(context.Background(), append(keys, "part/never-written.txt")); err != nil {
		t.Fatal(err)
	}
	if d := opsDelta(before, p.Stats()); d["DeleteObjects"] != 2 || len(d) != 1 {
		t.Errorf("deleting %d keys took %v, want 2 DeleteObjects", n+1, d)
	}
	if left, err := s.List(context.Background(), ""); err != nil || len(left) != 0 {
		t.Errorf("after DeleteKeys List = %d objects, %v; want none", len(left), err)
	}
}

func TestS3_MissingKeysFollowTheStoreContract(t *testing.T) {
	endpoint, bucket, _ := s3test.Bucket(t)
	s := testStore(t, endpoint, "s3://"+bucket+"/p", S3Options{}, fastTuning)
	ctx := context.Background()
	want := "s3://" + bucket + "/p/missing.csv: object does not exist"
	checks := []struct {
		name string
		err  error
	}{
		{"Open", func() error { _, err := s.Open(ctx, "missing.csv"); return err }()},
		{"OpenReaderAt", func() error { _, err := s.OpenReaderAt(ctx, "missing.csv"); return err }()},
		{"Copy", s.Copy(ctx, "missing.csv", "dst.csv")},
	}
	for _, c := range checks {
		if !errors.Is(c.err, ErrNotExist) || !strings.HasPrefix(fmt.Sprint(c.err), want) {
			t.Errorf("%s of a missing key: %v; want ErrNotExist and %q", c.name, c.err, want)
		}
	}
	if err := s.Delete(ctx, "missing.csv"); err != nil {
		t.Errorf("Delete of a missing key: %v, want nil", err)
	}
	writeObject(t, s, "there.csv", []byte("a,b\n"))
	if err := s.Delete(ctx, "there.csv"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(ctx, "there.csv"); !errors.Is(err, ErrNotExist) {
		t.Errorf("Open after Delete: %v, want ErrNotExist", err)
	}
}

func TestS3_CopyHandlesKeysThatNeedEscaping(t *testing.T) {
	endpoint, bucket, _ := s3test.Bucket(t)
	s := testStore(t, endpoint, "s3://"+bucket+"/c", S3Options{}, fastTuning)
	data := randomBytes(70_000)
	src := "dir with space/a+b=c&ü.csv"
	writeObject(t, s, src, data)
	if err := s.Copy(context.Background(), src, "copied/a+b.csv"); err != nil {
		t.Fatal(err)
	}
	sameBytes(t, "copy", readObject(t, s, "copied/a+b.csv"), data)
	sameBytes(t, "source after copy", readObject(t, s, src), data)
}

func TestS3_WritesAskForServerSideEncryption(t *testing.T) {
	endpoint, bucket, _ := s3test.Bucket(t)
	cases := []struct {
		name   string
		o      S3Options
		sse    string
		kmsKey string
	}{
		{"none", S3Options{}, "", ""},
		{"SSE-S3", S3Options{SSE: "SSE-S3"}, "AES256", ""},
		{"SSE-KMS", S3Options{SSE: "SSE-KMS", KMSKeyID: "alias/leads"}, "aws:kms", "alias/leads"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var mu sync.Mutex
			seen := map[string]string{} // operation -> SSE and KMS headers
			p := cleanProxy(t, endpoint)
			if err := p.SetConfig(faultproxy.Config{Observe: func(r *http.Request) {
				mu.Lock()
				defer mu.Unlock()
				seen[faultproxy.Operation(r)] = r.Header.Get("X-Amz-Server-Side-Encryption") + "|" + r.Header.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id")
			}}); err != nil {
				t.Fatal(err)
			}
			o := c.o
			o.PartSizeMB = 5
			s := testStore(t, p.URL(), "s3://"+bucket+"/"+c.name, o, fastTuning)
			ctx := context.Background()
			// Whether versitygw honours SSE does not matter here: what the
			// store asks for is what AWS would apply.
			writeObject(t, s, "small.csv", []byte("a\n"))
			writeObject(t, s, "big.bin", randomBytes(6<<20))
			if err := s.Copy(ctx, "small.csv", "copy.csv"); err != nil {
				t.Fatal(err)
			}
			want := c.sse + "|" + c.kmsKey
			for _, op := range []string{"PutObject", "CreateMultipartUpload", "CopyObject"} {
				if got, ok := seen[op]; !ok || got != want {
					t.Errorf("%s sent SSE headers %q (seen %v), want %q", op, got, ok, want)
				}
			}
		})
	}
}

// TestS3_CopyBetweenViewsStaysInTheBucket: storage.Copy between two views
// (Sub) of one bucket is one CopyObject, not a download and an upload.
func TestS3_CopyBetweenViewsStaysInTheBucket(t *testing.T) {
	endpoint, bucket, _ := s3test.Bucket(t)
	s := testStore(t, endpoint, "s3://"+bucket+"/state", S3Options{}, fastTuning)
	data := randomBytes(300_000)
	writeObject(t, s, "versions/1/store/part-00000.parquet", data)
	before := s.Requests()
	err := Copy(context.Background(), Sub(s, "versions/1"), "store/part-00000.parquet", Sub(s, "work"), "carried/part-00000.parquet")
	if err != nil {
		t.Fatal(err)
	}
	if n := s.Requests() - before; n != 1 {
		t.Errorf("copy took %d requests, want 1 (CopyObject)", n)
	}
	sameBytes(t, "copy", readObject(t, s, "work/carried/part-00000.parquet"), data)
}
