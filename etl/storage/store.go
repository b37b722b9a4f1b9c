package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// ErrNotExist is returned (wrapped) by Store methods when a key does not exist.
var ErrNotExist = errors.New("object does not exist")

// ObjectInfo describes one object in a Store.
type ObjectInfo struct {
	// Key is the object's path relative to the Store's root, with '/' separators.
	Key     string
	Size    int64
	ModTime time.Time
	// ETag is the S3 entity tag ("" for local files): with Size it tells a
	// rewritten object from the one read before.
	ETag string
}

// Store is one location (a local folder or an S3 bucket+prefix) that holds
// objects addressed by '/'-separated keys relative to its root. Stages never
// see a Store: etl reads and writes through it on their behalf.
type Store interface {
	// URI returns the location this Store is rooted at, e.g. "/data/out" or
	// "s3://bucket/prefix". It is safe to log (it carries no credentials).
	URI() string

	// List returns every object whose key starts with prefix (recursively),
	// sorted by key. A prefix that matches nothing returns an empty slice and
	// no error. Objects that are still being written by Create are never listed.
	List(ctx context.Context, prefix string) ([]ObjectInfo, error)

	// Open streams an object. It returns an error wrapping ErrNotExist when
	// the key does not exist. The caller must Close the reader.
	Open(ctx context.Context, key string) (io.ReadCloser, error)

	// OpenReaderAt gives random access to an object (Parquet footers need it).
	// It returns an error wrapping ErrNotExist when the key does not exist.
	OpenReaderAt(ctx context.Context, key string) (ReaderAtCloser, error)

	// Create starts writing an object. Nothing is visible under key until
	// Close returns nil; Close replaces an existing object atomically. Abort
	// discards what was written and leaves any previous object untouched.
	// Calling Abort after Close is a no-op.
	Create(ctx context.Context, key string) (ObjectWriter, error)

	// Delete removes an object. Deleting a key that does not exist is not an error.
	Delete(ctx context.Context, key string) error
}

// ReaderAtCloser is random access to one object of known size.
type ReaderAtCloser interface {
	io.ReaderAt
	io.Closer
	Size() int64
}

// ObjectWriter is an object being written; see Store.Create.
type ObjectWriter interface {
	io.Writer
	// Close commits the object. After an error from Close the object is not visible.
	Close() error
	// Abort discards the object.
	Abort() error
}

// Copier is implemented by stores that can copy an object without streaming
// it through the client (S3 CopyObject, a local hard link or copy).
type Copier interface {
	Copy(ctx context.Context, srcKey, dstKey string) error
}

// DeletePrefix removes every object under prefix, in batches where the
// store can (S3 DeleteObjects).
func DeletePrefix(ctx context.Context, s Store, prefix string) error {
	objs, err := s.List(ctx, prefix)
	if err != nil {
		return err
	}
	if bd, ok := s.(BatchDeleter); ok && len(objs) > 1 {
		keys := make([]string, len(objs))
		for i, o := range objs {
			keys[i] = o.Key
		}
		return bd.DeleteKeys(ctx, keys)
	}
	for _, o := range objs {
		if err := s.Delete(ctx, o.Key); err != nil {
			return err
		}
	}
	return nil
}

// Copy copies one object between stores: between two local folders by the
// file system, otherwise by streaming the bytes through the client. The
// destination appears whole or not at all (see Create).
func Copy(ctx context.Context, src Store, srcKey string, dst Store, dstKey string) error {
	src, srcKey = unwrapSub(src, srcKey)
	dst, dstKey = unwrapSub(dst, dstKey)
	if ss, ok := src.(*s3Store); ok {
		if ds, ok := dst.(*s3Store); ok && ss.client == ds.client && ss.bucket == ds.bucket {
			return ds.copyFrom(ctx, ss, srcKey, dstKey)
		}
	}
	if ls, ok := src.(*LocalStore); ok {
		if ld, ok := dst.(*LocalStore); ok {
			return ld.copyFromLocal(ctx, ls, srcKey, dstKey)
		}
	}
	r, err := src.Open(ctx, srcKey)
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := dst.Create(ctx, dstKey)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		_ = w.Abort()
		return fmt.Errorf("copy %s: %w", srcKey, err)
	}
	return w.Close()
}

// TempRemover is implemented by stores where a killed writer can leave
// something behind: hidden temporary files on local disk, unfinished
// multipart uploads on S3. RemoveTemp deletes those under prefix and says
// how many it removed. Only the holder of the run lock may call it.
type TempRemover interface {
	RemoveTemp(ctx context.Context, prefix string) (int, error)
}
