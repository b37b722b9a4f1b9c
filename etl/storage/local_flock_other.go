//go:build !unix

package storage

import (
	"errors"
	"os"
)

// lockFile is not implemented off Unix: conditional writes to a local
// folder fail there rather than pretend to be atomic.
func lockFile(*os.File) error { return errors.ErrUnsupported }
