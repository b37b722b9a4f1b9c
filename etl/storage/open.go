package storage

import (
	"context"
	"strings"
)

// Open returns the Store for a location: s3://bucket/prefix or a local folder.
func Open(ctx context.Context, uri string, s3 S3Options) (Store, error) {
	if strings.HasPrefix(uri, "s3://") {
		return NewS3Store(ctx, uri, s3)
	}
	return NewLocalStore(uri)
}
