package extract

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/leadsmith/leadsmith/etl/storage"
)

// badObjectError is a read error that is the object's own fault: corrupt or
// cut compression, a Parquet file that cannot be opened, a header that
// cannot be read. Errors of the store (after its retries), of the staging
// writer and cancellation are not: they fail the stage whatever
// extract.on_bad_object says.
type badObjectError struct {
	code string // short reason code, e.g. truncated_gzip
	err  error
}

func (e *badObjectError) Error() string { return e.code + ": " + e.err.Error() }
func (e *badObjectError) Unwrap() error { return e.err }

// BadObject is one object extract could not read to its end, as the
// stage's notes list it. Rows read before the break are staged; the object
// itself is one row of rejects (counted in rows read and rows rejected), so
// rows read = rows staged + rows rejected still holds.
type BadObject struct {
	Source                string `json:"source"`
	Object                string `json:"object"`
	Reason                string `json:"reason"`
	RowsStagedBeforeBreak int64  `json:"rows_staged_before_break"`
	// RowsPossiblyLost is a count, or "unknown" when the rest of the
	// object cannot be read at all (cut or corrupt data).
	RowsPossiblyLost string `json:"rows_possibly_lost"`
}

// classifyReadError names what broke an object; it is only called for
// errors that came neither from the store nor from the writer.
func classifyReadError(err error) *badObjectError {
	var bad *badObjectError
	if errors.As(err, &bad) {
		return bad
	}
	var corrupt flate.CorruptInputError
	code := "unreadable_object"
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		code = "truncated_object"
	case errors.Is(err, gzip.ErrHeader):
		code = "corrupt_gzip" // also data after the last gzip member
	case errors.Is(err, gzip.ErrChecksum), errors.As(err, &corrupt):
		code = "corrupt_gzip"
	}
	return &badObjectError{code: code, err: err}
}

// recordBadObject counts a broken object as one rejected row and lists it
// in the stage's notes. Nothing of the data goes into the message: the
// reason comes from the decoder, and raw is a description of the object.
func (sr *sourceRun) recordBadObject(o storage.ObjectInfo, bad *badObjectError, stagedBefore int64, lost string) {
	sr.stats.RowsRead++
	sr.stats.RowsRejected++
	raw := fmt.Sprintf("bad object: %d bytes, %d rows staged before the break, rows possibly lost: %s", o.Size, stagedBefore, lost)
	sr.rej.add(sr.src.Name, o.Key, "bad_object: "+bad.Error(), raw)
	sr.bad = append(sr.bad, BadObject{Source: sr.src.Name, Object: o.Key, Reason: bad.Error(),
		RowsStagedBeforeBreak: stagedBefore, RowsPossiblyLost: lost})
	sr.rc.Log.Warn("bad object skipped", "source", sr.src.Name, "object", o.Key, "reason", bad.code,
		"rows_staged_before_break", stagedBefore)
}

// writeError is a failure of the staging writer: never the object's fault.
type writeError struct{ err error }

func (e *writeError) Error() string { return e.err.Error() }
func (e *writeError) Unwrap() error { return e.err }

// FormatMismatch is an object whose content is not what its name says; it
// is read as what its content is.
type FormatMismatch struct {
	Source string `json:"source"`
	Object string `json:"object"`
	Named  string `json:"named"`
	ReadAs string `json:"read_as"`
}

func (sr *sourceRun) noteMismatch(o storage.ObjectInfo, named, readAs string) {
	sr.mismatched = append(sr.mismatched, FormatMismatch{Source: sr.src.Name, Object: o.Key, Named: named, ReadAs: readAs})
	sr.rc.Log.Warn("object content does not match its name", "source", sr.src.Name, "object", o.Key, "named", named, "read_as", readAs)
}

// extractOrSkip extracts one object. A bad object (see badObjectError)
// fails the stage under extract.on_bad_object: fail; otherwise it is
// recorded and nil is returned.
func (sr *sourceRun) extractOrSkip(ctx context.Context, idx int, o storage.ObjectInfo) error {
	store := &storage.ErrorRecorder{Store: sr.store}
	staged := sr.stats.RowsStaged
	err := sr.extractObject(ctx, store, idx, o)
	if err == nil {
		return nil
	}
	var we *writeError
	if ctx.Err() != nil || errors.As(err, &we) || store.Err != nil {
		return err
	}
	bad := classifyReadError(err)
	if sr.rc.Config.Extract.OnBadObject == "fail" {
		return fmt.Errorf("bad object (extract.on_bad_object is fail): %w", bad)
	}
	sr.recordBadObject(o, bad, sr.stats.RowsStaged-staged, "unknown")
	return nil
}
