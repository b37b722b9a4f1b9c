package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// uploader is the part of manager.Uploader the store uses.
type uploader interface {
	//lint:ignore SA1019 see newUploader.
	Upload(ctx context.Context, in *s3.PutObjectInput, opts ...func(*manager.Uploader)) (*manager.UploadOutput, error)
}

func newUploader(client *s3.Client, o S3Options) uploader {
	//lint:ignore SA1019 the issue asks for feature/s3/manager; transfermanager is not in go.mod.
	return manager.NewUploader(client, func(u *manager.Uploader) {
		u.PartSize = int64(o.PartSizeMB) << 20
		u.Concurrency = o.MaxConcurrency
		// The writer aborts failed uploads itself, with a context that
		// outlives the caller's: the manager would abort with the very
		// context whose cancellation caused the failure, and leave the
		// parts (and their storage bill) behind.
		u.LeavePartsOnError = true
	})
}

var errWriterAborted = errors.New("writer aborted")

// s3Writer streams Write calls through an io.Pipe into manager.Uploader,
// which sends one PUT for an object smaller than a part and a multipart
// upload otherwise. S3 makes the object visible only when PutObject or
// CompleteMultipartUpload succeeds, and the uploader reaches either only
// after the pipe reports EOF, which only Close sends: so Abort, a failed
// Write or a cancelled context can never publish a partial object.
type s3Writer struct {
	s      *s3Store
	key    string
	pw     *io.PipeWriter
	cancel context.CancelFunc
	done   chan struct{}

	// Set by the upload goroutine before done is closed.
	uploadErr error
	abortErr  error

	mu       sync.Mutex
	finished bool  // Close or Abort has run
	closeErr error // what Close returned
}

// Create starts an upload of key; see Store.Create.
func (s *s3Store) Create(ctx context.Context, key string) (ObjectWriter, error) {
	k, err := s.objectKey(key)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	pr, pw := io.Pipe()
	w := &s3Writer{s: s, key: key, pw: pw, cancel: cancel, done: make(chan struct{})}
	in := &s3.PutObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(k), Body: pr}
	if sse, kms := s.sse(); sse != "" {
		in.ServerSideEncryption, in.SSEKMSKeyId = sse, kms
	}
	// The uploader blocks reading the pipe, where it cannot see the
	// context: break the pipe when the context ends.
	stop := context.AfterFunc(ctx, func() { pr.CloseWithError(context.Cause(ctx)) })
	go func() {
		defer close(w.done)
		defer stop()
		_, err := s.up.Upload(ctx, in)
		if err == nil {
			return
		}
		if cause := context.Cause(ctx); cause != nil {
			// The pipe error the uploader saw hides why the pipe broke.
			err = fmt.Errorf("%w: %w", cause, err)
		}
		// Unblock a Write that waits for a reader that has given up.
		pr.CloseWithError(err)
		w.uploadErr = err
		var mu manager.MultiUploadFailure
		if errors.As(err, &mu) && mu.UploadID() != "" {
			w.abortErr = s.abortUpload(ctx, k, mu.UploadID())
		}
	}()
	return w, nil
}

// abortUpload discards the parts of a failed multipart upload, with a
// context detached from the (possibly cancelled) one of the upload.
func (s *s3Store) abortUpload(ctx context.Context, key, uploadID string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.tune.abortTimeout)
	defer cancel()
	// S3 documents that a part whose upload was still running when the abort
	// arrived can survive it (the caller's connection is gone, the server's
	// work is not) and bring the upload back. So the upload counts as gone
	// only when listing its parts finds nothing both right after an abort
	// and again abortSettle later; a part landing in between starts the
	// next round.
	for attempt := 1; ; attempt++ {
		_, err := s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
			Bucket: aws.String(s.bucket), Key: aws.String(key), UploadId: aws.String(uploadID),
		})
		if err != nil && !isS3Code(err, "NoSuchUpload") {
			return fmt.Errorf("abort multipart upload (its parts stay billed until a lifecycle rule removes them): %w", err)
		}
		if s.uploadGone(ctx, key, uploadID) {
			if err := sleepCtx(ctx, s.tune.abortSettle); err != nil {
				return fmt.Errorf("abort multipart upload: %w", err)
			}
			if s.uploadGone(ctx, key, uploadID) {
				return nil
			}
		}
		if attempt == maxAbortRounds {
			return fmt.Errorf("multipart upload %s still exists after %d aborts (its parts stay billed until a lifecycle rule removes them)", uploadID, attempt)
		}
		if err := sleepCtx(ctx, backoffDelay(attempt, s.tune)); err != nil {
			return fmt.Errorf("abort multipart upload: %w", err)
		}
	}
}

// uploadGone reports whether the server no longer knows the upload.
func (s *s3Store) uploadGone(ctx context.Context, key, uploadID string) bool {
	_, err := s.client.ListParts(ctx, &s3.ListPartsInput{
		Bucket: aws.String(s.bucket), Key: aws.String(key), UploadId: aws.String(uploadID), MaxParts: aws.Int32(1),
	})
	return isS3Code(err, "NoSuchUpload")
}

const maxAbortRounds = 3

func (w *s3Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	finished := w.finished
	w.mu.Unlock()
	if finished {
		return 0, fmt.Errorf("%s: write after Close or Abort", w.s.keyURI(w.key))
	}
	n, err := w.pw.Write(p)
	if err != nil {
		return n, DescribeS3Error(w.s.keyURI(w.key), err)
	}
	return n, nil
}

// Close commits the object and returns the upload's error, if any.
func (w *s3Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.finished {
		if w.closeErr == nil && w.uploadErr != nil {
			return fmt.Errorf("%s: Close after Abort", w.s.keyURI(w.key))
		}
		return w.closeErr
	}
	w.finished = true
	_ = w.pw.Close() // EOF tells the uploader to send the last part and complete
	<-w.done
	w.cancel()
	if w.uploadErr != nil {
		w.closeErr = DescribeS3Error(w.s.keyURI(w.key), errors.Join(w.uploadErr, w.abortErr))
	}
	return w.closeErr
}

// Abort discards the upload; after Close it does nothing. It returns an
// error only when the parts of a multipart upload could not be removed.
func (w *s3Writer) Abort() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.finished {
		return nil
	}
	w.finished = true
	w.pw.CloseWithError(errWriterAborted)
	w.cancel()
	<-w.done
	if w.uploadErr == nil {
		w.uploadErr = errWriterAborted
	}
	if w.abortErr != nil {
		return DescribeS3Error(w.s.keyURI(w.key), w.abortErr)
	}
	return nil
}
