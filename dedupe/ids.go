package dedupe

import (
	"crypto/sha256"
	"encoding/hex"
)

// newEntityID is a new entity's id: "e_" and 16 hex digits of SHA-256 of
// its smallest record key, so a run without history reproduces it (see
// AssignIdentities).
func newEntityID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "e_" + hex.EncodeToString(sum[:8])
}
