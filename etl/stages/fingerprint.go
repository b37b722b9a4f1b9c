package stages

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"

	"github.com/leadsmith/leadsmith/etl"
)

// Fingerprint implements Fingerprinter: normalize has no settings of its
// own beyond the Parquet writer's.
func (Normalize) Fingerprint(ctx context.Context, rc *etl.RunContext) (string, error) {
	return etl.FingerprintOf(rc.Config.Parquet)
}

// Fingerprint implements Fingerprinter: the dedupe section, the saved
// model it reuses (by content) and the entity state it matches against.
func (Dedupe) Fingerprint(ctx context.Context, rc *etl.RunContext) (string, error) {
	c := rc.Config
	var model []byte
	if c.DedupeModel != "" {
		store, key, err := openFile(ctx, c, c.DedupeModel)
		if err != nil {
			return "", err
		}
		r, err := store.Open(ctx, key)
		if err != nil {
			return "", fmt.Errorf("dedupe_model: %w", err)
		}
		defer r.Close()
		if model, err = io.ReadAll(r); err != nil {
			return "", fmt.Errorf("dedupe_model: %w", err)
		}
	}
	return etl.FingerprintOf(c.Parquet, &c.Dedupe, c.DedupeModel, sha256.Sum256(model), rc.BaseID())
}

// Fingerprint implements Fingerprinter: the score section and the owners
// and round-robin state it continues from.
func (Score) Fingerprint(ctx context.Context, rc *etl.RunContext) (string, error) {
	return etl.FingerprintOf(rc.Config.Parquet, &rc.Config.Score, rc.BaseID())
}
