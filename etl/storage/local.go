package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// LocalStore is a Store rooted at a folder of the local file system.
// Objects being written live in hidden temporary files beside their final
// name and appear by rename, so a reader never sees a partial object.
type LocalStore struct {
	root string
}

// NewLocalStore returns a Store rooted at dir; dir is created when missing.
func NewLocalStore(dir string) (*LocalStore, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("local store %s: %w", dir, err)
	}
	return &LocalStore{root: abs}, nil
}

const localTempPrefix = ".leadsmith-tmp-"

// URI implements Store.
func (l *LocalStore) URI() string { return l.root }

func (l *LocalStore) path(key string) (string, error) {
	// Cleaning against "/" folds any ".." so no key can escape the root.
	clean := path.Clean("/" + key)
	return filepath.Join(l.root, filepath.FromSlash(clean)), nil
}

// List implements Store.
func (l *LocalStore) List(ctx context.Context, prefix string) ([]ObjectInfo, error) {
	// Walk from the deepest folder the prefix names, then filter by the
	// rest, so "raw/part-" lists raw/part-* without reading siblings.
	dir := prefix
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		dir = prefix[:i]
	} else {
		dir = ""
	}
	start, err := l.path(dir)
	if err != nil {
		return nil, err
	}
	var out []ObjectInfo
	err = walkFiles(ctx, start, func(p string, d fs.DirEntry) error {
		if d.IsDir() || strings.HasPrefix(d.Name(), localTempPrefix) {
			return nil
		}
		rel, err := filepath.Rel(l.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		out = append(out, ObjectInfo{Key: key, Size: info.Size(), ModTime: info.ModTime()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s/%s: %w", l.root, prefix, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// walkFiles walks the tree under start, which may not exist (nothing to
// walk) or lose entries while it walks (a concurrent delete), until ctx
// ends.
func walkFiles(ctx context.Context, start string, fn func(p string, d fs.DirEntry) error) error {
	return filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fn(p, d)
	})
}

func wrapNotExist(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %v", ErrNotExist, err)
	}
	return err
}

// Open implements Store.
func (l *LocalStore) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, wrapNotExist(err)
	}
	return f, nil
}

type localReaderAt struct {
	*os.File
	size int64
}

func (r *localReaderAt) Size() int64 { return r.size }

// OpenReaderAt implements Store.
func (l *LocalStore) OpenReaderAt(ctx context.Context, key string) (ReaderAtCloser, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, wrapNotExist(err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &localReaderAt{File: f, size: st.Size()}, nil
}

type localWriter struct {
	f     *os.File
	final string
	done  bool
}

func (w *localWriter) Write(p []byte) (int, error) { return w.f.Write(p) }

func (w *localWriter) Close() error {
	if w.done {
		return nil
	}
	w.done = true
	// Sync before rename: a machine that crashes right after must not
	// show an object whose name exists but whose bytes never reached disk.
	if err := w.f.Sync(); err != nil {
		w.f.Close()
		os.Remove(w.f.Name())
		return err
	}
	if err := w.f.Close(); err != nil {
		os.Remove(w.f.Name())
		return err
	}
	if err := os.Rename(w.f.Name(), w.final); err != nil {
		os.Remove(w.f.Name())
		return err
	}
	return nil
}

func (w *localWriter) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	w.f.Close()
	return os.Remove(w.f.Name())
}

// Create implements Store.
func (l *LocalStore) Create(ctx context.Context, key string) (ObjectWriter, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return nil, err
	}
	// Not os.CreateTemp: its 0600 would make published files unreadable to
	// the other users of the machine. 0666 is narrowed by the umask, as
	// for any file a program creates.
	var f *os.File
	for i := 0; ; i++ {
		tmp := filepath.Join(filepath.Dir(p), localTempPrefix+randomSuffix())
		f, err = os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if err == nil || !errors.Is(err, fs.ErrExist) || i >= 100 {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return &localWriter{f: f, final: p}, nil
}

// Delete implements Store. Folders left empty are removed too, so a
// deleted partition does not linger as an empty directory.
func (l *LocalStore) Delete(ctx context.Context, key string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for dir := filepath.Dir(p); dir != l.root && strings.HasPrefix(dir, l.root); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break
		}
	}
	return nil
}

// Copy implements Copier with a byte copy. It never hard-links: a
// published file must not share its inode with the work area, which a
// later run or an engineer may alter.
func (l *LocalStore) Copy(ctx context.Context, srcKey, dstKey string) error {
	return l.copyFromLocal(ctx, l, srcKey, dstKey)
}

func (l *LocalStore) copyFromLocal(ctx context.Context, from *LocalStore, srcKey, dstKey string) error {
	src, err := from.path(srcKey)
	if err != nil {
		return err
	}
	dst, err := l.path(dstKey)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	// Objects are never changed in place (a writer replaces the file by
	// rename), so a hard link is a copy that costs nothing: the entity
	// store carries its unchanged files from night to night this way. It
	// appears under a temporary name first, like any object being written.
	tmp := filepath.Join(filepath.Dir(dst), localTempPrefix+randomSuffix())
	if err := os.Link(src, tmp); err == nil {
		if err := os.Rename(tmp, dst); err != nil {
			_ = os.Remove(tmp)
			return err
		}
		// When dst already was a link to the same file, rename leaves both
		// names in place (POSIX): the temporary one must go.
		if err := os.Remove(tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	} else if errors.Is(err, fs.ErrNotExist) {
		return wrapNotExist(err)
	}
	in, err := os.Open(src)
	if err != nil {
		return wrapNotExist(err)
	}
	defer in.Close()
	w, err := l.Create(ctx, dstKey)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, in); err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}

func randomSuffix() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// RemoveTemp implements TempRemover: it deletes the temporary files that
// writers of killed processes left under prefix. The caller must hold the
// run lock, so that no live writer's file is taken.
func (l *LocalStore) RemoveTemp(ctx context.Context, prefix string) (int, error) {
	start, err := l.path(prefix)
	if err != nil {
		return 0, err
	}
	n := 0
	err = walkFiles(ctx, start, func(p string, d fs.DirEntry) error {
		// Lock side files (.leadsmith-tmp-lock.*) are not leftovers: they
		// must outlive every writer (see conditional writes).
		if !d.IsDir() && strings.HasPrefix(d.Name(), localTempPrefix) && !strings.HasPrefix(d.Name(), localTempPrefix+"lock.") {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("remove temporary files under %s/%s: %w", l.root, prefix, err)
	}
	return n, nil
}
