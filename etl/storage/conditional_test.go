package storage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/leadsmith/leadsmith/internal/s3test"
)

func TestLocal_ConditionalWrites(t *testing.T) {
	s, err := NewLocalStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	testConditionalWrites(t, s)
	objs, err := s.List(context.Background(), "")
	if err != nil || len(objs) != 0 {
		t.Fatalf("after the last delete List = %v, %v; want nothing (the side lock files are hidden)", objs, err)
	}
}

func TestS3_ConditionalWrites(t *testing.T) {
	endpoint, bucket, _ := s3test.Bucket(t)
	testConditionalWrites(t, testStore(t, endpoint, "s3://"+bucket+"/state", S3Options{}, fastTuning))
}

// testConditionalWrites checks the ConditionalWriter contract on s, then
// races writers for one key: exactly one create and one replace may win.
func testConditionalWrites(t *testing.T, s Store) {
	ctx := context.Background()
	cw, ok := s.(ConditionalWriter)
	if !ok {
		t.Fatalf("%T does not implement ConditionalWriter", s)
	}
	const key = "_lock/run.lease"
	wantErr := func(what string, err, kind error) {
		t.Helper()
		if !errors.Is(err, kind) {
			t.Fatalf("%s: got %v, want an error wrapping %q", what, err, kind)
		}
	}
	wantVersion := func(data, etag string) {
		t.Helper()
		got, gotEtag, err := cw.ReadVersion(ctx, key)
		if err != nil || string(got) != data || gotEtag != etag {
			t.Fatalf("ReadVersion = %q, %q, %v; want %q, %q", got, gotEtag, err, data, etag)
		}
	}

	_, _, err := cw.ReadVersion(ctx, key)
	wantErr("ReadVersion of a missing key", err, ErrNotExist)
	_, err = cw.ReplaceIf(ctx, key, []byte("x"), "nope")
	wantErr("ReplaceIf of a missing key", err, ErrNotExist)
	if err := cw.DeleteIf(ctx, key, "nope"); err != nil {
		t.Fatalf("DeleteIf of a missing key: %v", err)
	}

	etag1, err := cw.CreateIfAbsent(ctx, key, []byte("v1"))
	if err != nil || etag1 == "" {
		t.Fatalf("CreateIfAbsent = %q, %v", etag1, err)
	}
	wantVersion("v1", etag1)
	_, err = cw.CreateIfAbsent(ctx, key, []byte("other"))
	wantErr("CreateIfAbsent of an existing key", err, ErrExist)
	_, err = cw.ReplaceIf(ctx, key, []byte("v2"), "not-the-etag")
	wantErr("ReplaceIf with a wrong etag", err, ErrPrecondition)
	wantVersion("v1", etag1)

	etag2, err := cw.ReplaceIf(ctx, key, []byte("v2"), etag1)
	if err != nil || etag2 == etag1 {
		t.Fatalf("ReplaceIf = %q, %v; want a new etag", etag2, err)
	}
	wantVersion("v2", etag2)
	_, err = cw.ReplaceIf(ctx, key, []byte("v3"), etag1)
	wantErr("ReplaceIf with a stale etag", err, ErrPrecondition)
	wantErr("DeleteIf with a stale etag", cw.DeleteIf(ctx, key, etag1), ErrPrecondition)
	wantVersion("v2", etag2)
	if err := cw.DeleteIf(ctx, key, etag2); err != nil {
		t.Fatalf("DeleteIf: %v", err)
	}
	_, _, err = cw.ReadVersion(ctx, key)
	wantErr("ReadVersion after DeleteIf", err, ErrNotExist)

	const racers = 8
	wins := race(t, racers, func(i int) (string, error) {
		return cw.CreateIfAbsent(ctx, key, []byte(fmt.Sprint("create ", i)))
	}, ErrExist)
	wins = race(t, racers, func(i int) (string, error) {
		return cw.ReplaceIf(ctx, key, []byte(fmt.Sprint("replace ", i)), wins)
	}, ErrPrecondition)
	if err := cw.DeleteIf(ctx, key, wins); err != nil {
		t.Fatalf("DeleteIf after the races: %v", err)
	}
}

// race runs n writers at once and checks that exactly one wins and every
// other one fails with lose; it returns the winner's etag.
func race(t *testing.T, n int, write func(i int) (string, error), lose error) string {
	t.Helper()
	etags, errs := make([]string, n), make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { etags[i], errs[i] = write(i) })
	}
	wg.Wait()
	won := ""
	for i, err := range errs {
		switch {
		case err == nil && won != "":
			t.Fatalf("two writers won the race")
		case err == nil:
			won = etags[i]
		case !errors.Is(err, lose):
			t.Fatalf("writer %d: %v, want an error wrapping %q", i, err, lose)
		}
	}
	if won == "" {
		t.Fatalf("no writer won the race: %v", errs)
	}
	return won
}

// versitygw serializes conditional writes and never answers 409, so the
// mapping of both refusals is checked on synthetic answers.
func TestS3_ConditionalRefusalsAreTyped(t *testing.T) {
	s := &s3Store{bucket: "b", prefix: "state/"}
	cases := []struct {
		name   string
		err    error
		failed error
		want   string
	}{
		{"412 on create", apiErr("PutObject", 412, "PreconditionFailed", nil), ErrExist, "s3://b/state/k: the object already exists"},
		{"412 on replace", apiErr("PutObject", 412, "PreconditionFailed", nil), ErrPrecondition, "s3://b/state/k: precondition failed"},
		{"409 on create", apiErr("PutObject", 409, "ConditionalRequestConflict", nil), ErrExist, "s3://b/state/k: a concurrent conditional write"},
		{"409 on delete", apiErr("DeleteObject", 409, "ConditionalRequestConflict", nil), ErrPrecondition, "s3://b/state/k: a concurrent conditional write"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := s.conditionalError("k", c.err, c.failed)
			if !errors.Is(got, c.failed) || !errors.Is(got, c.err) || !strings.HasPrefix(got.Error(), c.want) {
				t.Fatalf("got %q, want one wrapping %q and the SDK error, starting %q", got, c.failed, c.want)
			}
		})
	}
	if got := s.conditionalError("k", apiErr("PutObject", 403, "AccessDenied", nil), ErrExist); errors.Is(got, ErrExist) {
		t.Fatalf("access denied taken for a refused condition: %v", got)
	}
}
