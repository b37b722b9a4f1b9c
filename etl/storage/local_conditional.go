package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// A local object's etag is the SHA-256 of its bytes: it changes with every
// write of other bytes, and every process computes the same one.
func localEtag(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// ReadVersion implements ConditionalWriter. A file is only ever replaced
// by rename, so one read sees one whole version.
func (l *LocalStore) ReadVersion(ctx context.Context, key string) ([]byte, string, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, "", err
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, "", wrapNotExist(err)
	}
	return data, localEtag(data), nil
}

// CreateIfAbsent implements ConditionalWriter: the bytes go to a synced
// temporary file that is then hard-linked to the key, which fails if the
// key exists, so the object appears whole or not at all.
func (l *LocalStore) CreateIfAbsent(ctx context.Context, key string, data []byte) (string, error) {
	err := l.underKeyLock(key, func(p string) error {
		tmp, err := writeLocalTemp(filepath.Dir(p), data)
		if err != nil {
			return err
		}
		defer os.Remove(tmp)
		err = os.Link(tmp, p)
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w", p, ErrExist)
		}
		if err == nil {
			return nil
		}
		// A file system without hard links: the key lock still orders us
		// against every other conditional writer.
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("%s: %w", p, ErrExist)
		}
		return os.Rename(tmp, p)
	})
	if err != nil {
		return "", err
	}
	return localEtag(data), nil
}

// ReplaceIf implements ConditionalWriter: under the key lock it compares
// the current bytes with etag and renames the new version over them.
func (l *LocalStore) ReplaceIf(ctx context.Context, key string, data []byte, etag string) (string, error) {
	err := l.underKeyLock(key, func(p string) error {
		if err := checkLocalEtag(p, etag); err != nil {
			return err
		}
		tmp, err := writeLocalTemp(filepath.Dir(p), data)
		if err != nil {
			return err
		}
		if err := os.Rename(tmp, p); err != nil {
			os.Remove(tmp)
			return err
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return localEtag(data), nil
}

// DeleteIf implements ConditionalWriter.
func (l *LocalStore) DeleteIf(ctx context.Context, key string, etag string) error {
	return l.underKeyLock(key, func(p string) error {
		err := checkLocalEtag(p, etag)
		if errors.Is(err, ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		return os.Remove(p)
	})
}

func checkLocalEtag(p, etag string) error {
	cur, err := os.ReadFile(p)
	if err != nil {
		return wrapNotExist(err)
	}
	if localEtag(cur) != etag {
		return fmt.Errorf("%s: %w", p, ErrPrecondition)
	}
	return nil
}

// keyMutexes orders this process's conditional writers by path: a flock
// already does between open files, but on NFS Linux emulates flock with
// POSIX locks, which do not exclude one another inside a process.
var keyMutexes sync.Map // path -> *sync.Mutex

// underKeyLock runs fn with the object's path while holding an exclusive
// flock on a hidden side file beside it, which every conditional write to
// the key takes. The side file is never removed: a process could be
// waiting on it, and a new file would let it lock something else. Being
// hidden (localTempPrefix), it is never listed and keeps the folder from
// being removed when the object is deleted.
func (l *LocalStore) underKeyLock(key string, fn func(p string) error) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	m, _ := keyMutexes.LoadOrStore(p, new(sync.Mutex))
	m.(*sync.Mutex).Lock()
	defer m.(*sync.Mutex).Unlock()
	f, err := os.OpenFile(filepath.Join(dir, localTempPrefix+"lock."+filepath.Base(p)), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer f.Close() // closing releases the flock
	if err := lockFile(f); err != nil {
		return fmt.Errorf("lock %s: %w", p, err)
	}
	return fn(p)
}

// writeLocalTemp writes data to a synced hidden file in dir and returns its path.
func writeLocalTemp(dir string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, localTempPrefix+"*")
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}
