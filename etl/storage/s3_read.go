package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// getRange issues one GetObject for [off, end) (end < 0: to the object's
// end). A non-empty etag pins the version the reader started with, so a
// resumed read never splices two versions of an object together.
func (s *s3Store) getRange(ctx context.Context, key, etag string, off, end int64) (*s3.GetObjectOutput, error) {
	in := &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key)}
	if etag != "" {
		in.IfMatch = aws.String(etag)
	}
	switch {
	case end >= 0:
		in.Range = aws.String(fmt.Sprintf("bytes=%d-%d", off, end-1))
	case off > 0:
		in.Range = aws.String(fmt.Sprintf("bytes=%d-", off))
	}
	out, err := s.client.GetObject(ctx, in)
	if err != nil {
		return nil, DescribeS3Error(s.keyURI(key), err)
	}
	return out, nil
}

// s3Reader streams [off, end) of one object. The SDK retries a request
// that fails, but not a body that breaks after the headers arrived; the
// reader then resumes with a ranged GET from the byte it reached.
type s3Reader struct {
	ctx  context.Context
	s    *s3Store
	key  string
	etag string
	off  int64 // next byte to deliver
	end  int64 // exclusive; < 0 when the size is unknown
	body io.ReadCloser

	// stalled counts body failures since the last byte delivered; it
	// bounds the resumes of a server that keeps failing without progress.
	stalled int
	closed  bool
}

// Open streams an object; see Store.Open.
func (s *s3Store) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if _, err := s.objectKey(key); err != nil {
		return nil, err
	}
	out, err := s.getRange(ctx, key, "", 0, -1)
	if err != nil {
		return nil, err
	}
	end := int64(-1)
	if out.ContentLength != nil {
		end = *out.ContentLength
	}
	return &s3Reader{ctx: ctx, s: s, key: key, etag: aws.ToString(out.ETag), end: end, body: out.Body}, nil
}

func (r *s3Reader) Read(p []byte) (int, error) {
	if r.closed {
		return 0, fmt.Errorf("%s: read after Close", r.s.keyURI(r.key))
	}
	if len(p) == 0 {
		return 0, nil
	}
	for {
		if r.end >= 0 && r.off >= r.end {
			return 0, io.EOF
		}
		if r.body == nil {
			out, err := r.s.getRange(r.ctx, r.key, r.etag, r.off, r.end)
			if err != nil {
				return 0, err
			}
			r.body = out.Body
		}
		n, err := r.body.Read(p)
		r.off += int64(n)
		if n > 0 {
			r.stalled = 0
		}
		switch {
		case err == nil:
			return n, nil
		case errors.Is(err, io.EOF) && (r.end < 0 || r.off >= r.end):
			return n, io.EOF
		case errors.Is(err, io.EOF):
			err = io.ErrUnexpectedEOF
		}
		_ = r.body.Close()
		r.body = nil
		if ctxErr := r.ctx.Err(); ctxErr != nil {
			return n, DescribeS3Error(r.s.keyURI(r.key), ctxErr)
		}
		slog.Debug("s3 read interrupted; resuming", "uri", r.s.keyURI(r.key), "offset", r.off, "error", err)
		if n > 0 {
			return n, nil // the next Read resumes
		}
		r.stalled++
		if r.stalled >= r.s.opts.MaxAttempts {
			return 0, DescribeS3Error(r.s.keyURI(r.key), fmt.Errorf("read broke %d times at byte %d: %w", r.stalled, r.off, err))
		}
		if err := sleepCtx(r.ctx, backoffDelay(r.stalled, r.s.tune)); err != nil {
			return 0, DescribeS3Error(r.s.keyURI(r.key), err)
		}
	}
}

func (r *s3Reader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if r.body != nil {
		return r.body.Close()
	}
	return nil
}

// s3ReaderAt serves ReadAt with ranged GETs. Parquet readers begin with two
// small reads at the end of the file (the footer length, then the footer),
// so a small read fetches a whole readAhead window and keeps it: the second
// footer read, and any other small read inside the window, costs no request.
type s3ReaderAt struct {
	ctx  context.Context
	s    *s3Store
	key  string
	etag string
	size int64

	mu       sync.Mutex
	cacheOff int64
	cache    []byte
}

// OpenReaderAt gives random access to an object; see Store.OpenReaderAt.
func (s *s3Store) OpenReaderAt(ctx context.Context, key string) (ReaderAtCloser, error) {
	k, err := s.objectKey(key)
	if err != nil {
		return nil, err
	}
	head, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(k)})
	if err != nil {
		return nil, DescribeS3Error(s.keyURI(key), err)
	}
	return &s3ReaderAt{ctx: ctx, s: s, key: key, etag: aws.ToString(head.ETag), size: aws.ToInt64(head.ContentLength)}, nil
}

func (r *s3ReaderAt) Size() int64 { return r.size }

func (r *s3ReaderAt) Close() error {
	r.mu.Lock()
	r.cache = nil
	r.mu.Unlock()
	return nil
}

// ReadAt is safe for concurrent use, as io.ReaderAt requires.
func (r *s3ReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, fmt.Errorf("%s: negative offset %d", r.s.keyURI(r.key), off)
	}
	if off >= r.size {
		return 0, io.EOF
	}
	want := min(int64(len(p)), r.size-off)
	if r.fromCache(p[:want], off) {
		return r.done(int(want), len(p))
	}
	if want >= int64(r.s.tune.readAhead) {
		if err := r.fetch(p[:want], off); err != nil {
			return 0, err
		}
		return r.done(int(want), len(p))
	}
	// Centre nothing: a window that ends at the file's end also covers the
	// footer read that follows the footer-length read.
	end := min(r.size, off+int64(r.s.tune.readAhead))
	start := max(0, end-int64(r.s.tune.readAhead))
	buf := make([]byte, end-start)
	if err := r.fetch(buf, start); err != nil {
		return 0, err
	}
	copy(p, buf[off-start:off-start+want])
	r.mu.Lock()
	r.cacheOff, r.cache = start, buf
	r.mu.Unlock()
	return r.done(int(want), len(p))
}

func (r *s3ReaderAt) done(n, asked int) (int, error) {
	if n < asked {
		return n, io.EOF
	}
	return n, nil
}

func (r *s3ReaderAt) fromCache(p []byte, off int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cache == nil || off < r.cacheOff || off+int64(len(p)) > r.cacheOff+int64(len(r.cache)) {
		return false
	}
	copy(p, r.cache[off-r.cacheOff:])
	return true
}

// fetch fills p from offset off, resuming a broken body like Open does.
func (r *s3ReaderAt) fetch(p []byte, off int64) error {
	rd := &s3Reader{ctx: r.ctx, s: r.s, key: r.key, etag: r.etag, off: off, end: off + int64(len(p))}
	defer rd.Close()
	if _, err := io.ReadFull(rd, p); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: object ended before byte %d: %w", r.s.keyURI(r.key), off+int64(len(p)), io.ErrUnexpectedEOF)
		}
		return err
	}
	return nil
}
