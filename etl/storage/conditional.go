package storage

import (
	"context"
	"errors"
)

// ErrExist is returned (wrapped) by ConditionalWriter.CreateIfAbsent when
// the key already exists.
var ErrExist = errors.New("object already exists")

// ErrPrecondition is returned (wrapped) by ConditionalWriter.ReplaceIf and
// DeleteIf when the object is no longer the version the caller named.
var ErrPrecondition = errors.New("object changed: precondition failed")

// ConditionalWriter is implemented by stores that can write an object only
// if it is in a state the caller names, atomically with respect to every
// other conditional write to the same key (in any process): the building
// block of a lock held in a store. Local folders implement it with an
// exclusive link guarded by a flock on a hidden side file; S3 with
// If-None-Match and If-Match headers.
//
// An etag names one version of an object. It is opaque: compare it only to
// another etag of the same store and key. Two writes of identical bytes may
// get the same etag, so a caller that must tell its own write from another
// one puts something unique in the bytes. The methods are meant for small
// objects: they hold the whole object in memory.
//
// Plain Create and Delete bypass the conditions: do not mix them with
// conditional writes on the same key.
type ConditionalWriter interface {
	// ReadVersion returns an object's bytes and the etag of that version.
	// It returns an error wrapping ErrNotExist when the key does not exist.
	ReadVersion(ctx context.Context, key string) (data []byte, etag string, err error)

	// CreateIfAbsent writes an object only if the key does not exist and
	// returns its etag. It returns an error wrapping ErrExist when the key
	// exists, or (S3 409 ConditionalRequestConflict) when another
	// conditional write to the key was in flight: read it and decide again.
	// Readers never see a partial object.
	CreateIfAbsent(ctx context.Context, key string, data []byte) (etag string, err error)

	// ReplaceIf replaces an object only if its current version is etag and
	// returns the new etag. It returns an error wrapping ErrPrecondition
	// when the object is another version (or a concurrent conditional
	// write conflicted), and one wrapping ErrNotExist when it is gone.
	ReplaceIf(ctx context.Context, key string, data []byte, etag string) (newEtag string, err error)

	// DeleteIf deletes an object only if its current version is etag. It
	// returns an error wrapping ErrPrecondition when the object is another
	// version; deleting a key that does not exist is not an error.
	DeleteIf(ctx context.Context, key string, etag string) error
}

var (
	_ ConditionalWriter = (*LocalStore)(nil)
	_ ConditionalWriter = (*s3Store)(nil)
)
