//go:build unix

package storage

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive flock on f, waiting for it; closing f releases it.
func lockFile(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			return err
		}
	}
}
