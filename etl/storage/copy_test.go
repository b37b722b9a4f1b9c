package storage

import (
	"context"
	"errors"
	"io"
	"testing"
)

// TestCopyLocalLink: a copy between views of local folders is a hard link
// that a later write to either name leaves the other untouched by.
func TestCopyLocalLink(t *testing.T) {
	ctx := context.Background()
	root, err := NewLocalStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a, b := Sub(root, "versions/1"), Sub(root, "work")
	put := func(s Store, key, body string) {
		w, err := s.Create(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, body); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	get := func(s Store, key string) string {
		r, err := s.Open(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		data, _ := io.ReadAll(r)
		return string(data)
	}
	put(a, "store/part-00000.parquet", "night one")
	if err := Copy(ctx, a, "store/part-00000.parquet", b, "carried/part-00000.parquet"); err != nil {
		t.Fatal(err)
	}
	if got := get(b, "carried/part-00000.parquet"); got != "night one" {
		t.Fatalf("copy holds %q", got)
	}
	put(a, "store/part-00000.parquet", "rewritten")
	if got := get(b, "carried/part-00000.parquet"); got != "night one" {
		t.Fatalf("rewriting the source changed the copy: %q", got)
	}
	if err := a.Delete(ctx, "store/part-00000.parquet"); err != nil {
		t.Fatal(err)
	}
	if got := get(b, "carried/part-00000.parquet"); got != "night one" {
		t.Fatalf("deleting the source changed the copy: %q", got)
	}
	// Copying again onto a link to the same file leaves no temporary name.
	put(a, "report.html", "page")
	for range 2 {
		if err := Copy(ctx, a, "report.html", b, "runs/report.html"); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := root.RemoveTemp(ctx, ""); err != nil || n != 0 {
		t.Errorf("a repeated copy left %d temporary files (%v)", n, err)
	}
	if err := Copy(ctx, a, "store/missing.parquet", b, "x.parquet"); !errorsIsNotExist(err) {
		t.Fatalf("copy of a missing object: %v, want ErrNotExist", err)
	}
}

func errorsIsNotExist(err error) bool { return errors.Is(err, ErrNotExist) }
