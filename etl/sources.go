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

	"github.com/leadsmith/leadsmith/etl/storage"
)

// sourceObjects resolves a source to the store its objects live in and the
// objects its glob selects. A URI naming one file or object selects it
// alone. Names starting with '.' or '_' (markers, temporary files) are
// never data.
func sourceObjects(ctx context.Context, c *Config, src *SourceConfig) (storage.Store, []storage.ObjectInfo, error) {
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

// matchGlob matches a relative key against a source glob. A pattern
// without '/' matches the base name at any depth (like find -name); one
// with '/' matches the whole key, where "**/" stands for any folders.
func matchGlob(pattern, key string) bool {
	if pattern == "" {
		return true
	}
	if !strings.Contains(pattern, "/") {
		ok, _ := path.Match(pattern, path.Base(key))
		return ok
	}
	return matchSegments(strings.Split(pattern, "/"), strings.Split(key, "/"))
}

func matchSegments(pat, parts []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(parts); i++ {
				if matchSegments(pat[1:], parts[i:]) {
					return true
				}
			}
			return false
		}
		if len(parts) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], parts[0]); !ok {
			return false
		}
		pat, parts = pat[1:], parts[1:]
	}
	return len(parts) == 0
}
