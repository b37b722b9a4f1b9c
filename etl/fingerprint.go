package etl

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"
)

// fingerprint hashes the parts a stage's output depends on besides the
// stages it reads. Every stage includes the Parquet settings, since they
// shape every file it writes.
func fingerprint(parts ...any) (string, error) {
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

// Fingerprint implements Fingerprinter: the sources' settings and the
// objects they select now (a new or changed object makes extract stale).
func (Extract) Fingerprint(ctx context.Context, rc *RunContext) (string, error) {
	c := rc.Config
	type object struct {
		Key   string
		Size  int64
		MTime int64
	}
	listing := map[string][]object{}
	srcs := append([]SourceConfig(nil), c.Sources...)
	if c.Activities != nil {
		srcs = append(srcs, *c.Activities)
	}
	for i := range srcs {
		_, objs, err := sourceObjects(ctx, c, &srcs[i])
		if err != nil {
			return "", fmt.Errorf("source %s: %w", srcs[i].Name, err)
		}
		for _, o := range objs {
			listing[srcs[i].Name] = append(listing[srcs[i].Name], object{o.Key, o.Size, o.ModTime.UnixNano()})
		}
	}
	return fingerprint(c.Parquet, c.Sources, c.Activities, c.Extract, listing)
}

// Fingerprint implements Fingerprinter: normalize has no settings of its
// own beyond the Parquet writer's.
func (Normalize) Fingerprint(ctx context.Context, rc *RunContext) (string, error) {
	return fingerprint(rc.Config.Parquet)
}

// Fingerprint implements Fingerprinter: the dedupe section, the saved
// model it reuses (by content) and the entity state it matches against.
func (Dedupe) Fingerprint(ctx context.Context, rc *RunContext) (string, error) {
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
	return fingerprint(c.Parquet, &c.Dedupe, c.DedupeModel, sha256.Sum256(model), rc.baseID())
}

// Fingerprint implements Fingerprinter: the score section and the owners
// and round-robin state it continues from.
func (Score) Fingerprint(ctx context.Context, rc *RunContext) (string, error) {
	return fingerprint(rc.Config.Parquet, &rc.Config.Score, rc.baseID())
}

// Fingerprint implements Fingerprinter: where and how publish writes.
func (Publish) Fingerprint(ctx context.Context, rc *RunContext) (string, error) {
	return fingerprint(rc.Config.Parquet, rc.Config.Resolve(rc.Config.Output))
}
