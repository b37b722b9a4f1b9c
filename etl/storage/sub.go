package storage

import (
	"context"
	"io"
	"strings"
)

// Sub is the part of a Store under prefix, seen as a Store of its own:
// key k of the view is prefix+k of the parent. The state of one committed
// run is read this way, so stages address it by the same keys whichever
// run wrote it.
func Sub(parent Store, prefix string) Store {
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return &subStore{parent: parent, prefix: prefix}
}

type subStore struct {
	parent Store
	prefix string
}

func (s *subStore) URI() string {
	return strings.TrimSuffix(s.parent.URI(), "/") + "/" + strings.TrimSuffix(s.prefix, "/")
}

func (s *subStore) List(ctx context.Context, prefix string) ([]ObjectInfo, error) {
	objs, err := s.parent.List(ctx, s.prefix+prefix)
	for i := range objs {
		objs[i].Key = strings.TrimPrefix(objs[i].Key, s.prefix)
	}
	return objs, err
}

func (s *subStore) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	return s.parent.Open(ctx, s.prefix+key)
}

func (s *subStore) OpenReaderAt(ctx context.Context, key string) (ReaderAtCloser, error) {
	return s.parent.OpenReaderAt(ctx, s.prefix+key)
}

func (s *subStore) Create(ctx context.Context, key string) (ObjectWriter, error) {
	return s.parent.Create(ctx, s.prefix+key)
}

func (s *subStore) Delete(ctx context.Context, key string) error {
	return s.parent.Delete(ctx, s.prefix+key)
}

// unwrapSub resolves a view (Sub) to the store it views and the key there.
func unwrapSub(s Store, key string) (Store, string) {
	for {
		sub, ok := s.(*subStore)
		if !ok {
			return s, key
		}
		s, key = sub.parent, sub.prefix+key
	}
}
