package storage

import (
	"context"
	"errors"
	"io"
)

// ErrorRecorder wraps a Store and remembers the first error the store
// itself returned while objects were opened or read (io.EOF aside), so a
// caller that gets an error from a decoder reading through it can tell a
// failing store (Err set) from an object whose content is bad (Err nil).
type ErrorRecorder struct {
	Store
	Err error
}

func (s *ErrorRecorder) note(err error) error {
	if err != nil && !errors.Is(err, io.EOF) && s.Err == nil {
		s.Err = err
	}
	return err
}

// Open implements Store.
func (s *ErrorRecorder) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	r, err := s.Store.Open(ctx, key)
	if err != nil {
		return nil, s.note(err)
	}
	return &recordingReader{ReadCloser: r, s: s}, nil
}

// OpenReaderAt implements Store.
func (s *ErrorRecorder) OpenReaderAt(ctx context.Context, key string) (ReaderAtCloser, error) {
	r, err := s.Store.OpenReaderAt(ctx, key)
	if err != nil {
		return nil, s.note(err)
	}
	return &recordingReaderAt{ReaderAtCloser: r, s: s}, nil
}

type recordingReader struct {
	io.ReadCloser
	s *ErrorRecorder
}

func (r *recordingReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	return n, r.s.note(err)
}

type recordingReaderAt struct {
	ReaderAtCloser
	s *ErrorRecorder
}

func (r *recordingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.ReaderAtCloser.ReadAt(p, off)
	return n, r.s.note(err)
}
