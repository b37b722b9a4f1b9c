package etl

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"gopkg.in/yaml.v3"
)

// FingerprintOf hashes the parts a stage's output depends on besides the
// stages it reads. Every stage includes the Parquet settings, since they
// shape every file it writes.
func FingerprintOf(parts ...any) (string, error) {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, p := range parts {
		if n, ok := p.(*yaml.Node); ok {
			var v any
			if n.Kind != 0 {
				if err := n.Decode(&v); err != nil {
					return "", err
				}
			}
			p = v
		}
		if err := enc.Encode(p); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Fingerprint implements Fingerprinter: where and how publish writes.
func (Publish) Fingerprint(ctx context.Context, rc *RunContext) (string, error) {
	return FingerprintOf(rc.Config.Parquet, rc.Config.Resolve(rc.Config.Output))
}
