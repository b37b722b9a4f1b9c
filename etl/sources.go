package etl

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/leadsmith/leadsmith/etl/storage"
)

// sourceObjects resolves a source to the store its objects live in and the
// objects its glob selects. A URI naming one file or object selects it
// alone. Names starting with '.' or '_' (markers, temporary files) are
// never data.
func SourceObjects(ctx context.Context, c *Config, src *SourceConfig) (storage.Store, []storage.ObjectInfo, error) {
	uri := c.Resolve(src.URI)
	if !strings.HasPrefix(uri, "s3://") {
		st, err := os.Stat(uri)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, nil, fmt.Errorf("%s: no such file or folder", uri)
			}
			return nil, nil, err
		}
		if !st.IsDir() {
			store, err := storage.NewLocalStore(filepath.Dir(uri))
			if err != nil {
				return nil, nil, err
			}
			return store, []storage.ObjectInfo{{Key: filepath.Base(uri), Size: st.Size(), ModTime: st.ModTime()}}, nil
		}
	}
	store, err := storage.Open(ctx, uri, c.S3)
	if err != nil {
		return nil, nil, err
	}
	objs, err := store.List(ctx, "")
	if err != nil {
		return nil, nil, err
	}
	if len(objs) == 0 && strings.HasPrefix(uri, "s3://") && !strings.HasSuffix(uri, "/") {
		// s3://bucket/path/file.csv names one object: list its folder.
		dir, base := path.Split(uri)
		if parent, err := storage.Open(ctx, strings.TrimSuffix(dir, "/"), c.S3); err == nil {
			if all, err := parent.List(ctx, base); err == nil {
				for _, o := range all {
					if o.Key == base {
						return parent, []storage.ObjectInfo{o}, nil
					}
				}
			}
		}
	}
	var out []storage.ObjectInfo
	for _, o := range objs {
		if hiddenKey(o.Key) || !matchGlob(src.Glob, o.Key) {
			continue
		}
		out = append(out, o)
	}
	return store, out, nil
}

func hiddenKey(key string) bool {
	for _, part := range strings.Split(key, "/") {
		if strings.HasPrefix(part, ".") || strings.HasPrefix(part, "_") {
			return true
		}
	}
	return false
}

// matchGlob matches a relative key against a source glob in doublestar's
// dialect ("*", "?", "[a-z]", "{csv,tsv}", and "**" for any folders). A
// pattern without '/' matches the base name at any depth (like find -name);
// one with '/' matches the whole key. Config validation checks the pattern
// with validGlob, so a bad one never reaches here (it would match nothing).
func matchGlob(pattern, key string) bool {
	if pattern == "" {
		return true
	}
	if !strings.Contains(pattern, "/") {
		key = path.Base(key)
	}
	return doublestar.MatchUnvalidated(pattern, key)
}

// validGlob reports whether matchGlob can use pattern.
func validGlob(pattern string) error {
	if !doublestar.ValidatePattern(pattern) {
		return fmt.Errorf("%q is not a valid pattern: %w", pattern, doublestar.ErrBadPattern)
	}
	return nil
}
