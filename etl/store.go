package etl

import (
	"context"
	"fmt"
	"strings"

	"github.com/leadsmith/leadsmith/etl/columnar"
)

// The entity store is the part of a state version that remembers every
// night before: the objects read (store/objects), every live record in
// its normalized form with its entity id (store/records), every live
// entity's golden record with first and last seen (store/entities), and
// activity events within the decay horizon (store/events). A stage hands
// a part to the next night by naming a dataset StorePrefix+part; publish
// copies its files (and their deletion vectors) into the state version it
// commits, and the next night reads them with StoreFiles or StoreParts. Versions are kept and rolled back as a
// whole (see state.go).
const StorePrefix = "store."

// StoreKey is where file i of a store part lives in a state version; ext
// is the file's extension (".parquet", ".json").
func StoreKey(part string, i int, ext string) string {
	return fmt.Sprintf("store/%s/part-%05d%s", part, i, ext)
}

// StoreFiles lists the files of a store part in the state this run builds
// on, in order; none before the first committed night. A full refresh
// still reads records and entities (to keep their ids) but none of the
// parts it rebuilds from the sources: the caller decides.
func StoreFiles(ctx context.Context, rc *RunContext, part string) ([]string, error) {
	files, err := StoreParts(ctx, rc, part)
	keys := make([]string, len(files))
	for i, f := range files {
		keys[i] = f.Key
	}
	return keys, err
}

// StoreParts lists the files of a store part in the state this run builds
// on, in order, each with its deletion vector (columnar.DeadRows) when it
// has one: the rows a later night superseded.
func StoreParts(ctx context.Context, rc *RunContext, part string) ([]columnar.FileInfo, error) {
	objs, err := rc.BaseState().List(ctx, "store/"+part+"/")
	if err != nil {
		return nil, fmt.Errorf("read store %s: %w", part, err)
	}
	dead := map[string]bool{}
	for _, o := range objs {
		if strings.HasSuffix(o.Key, deadExt) {
			dead[o.Key] = true
		}
	}
	var files []columnar.FileInfo
	for _, o := range objs {
		if base, ok := strings.CutSuffix(o.Key, ".parquet"); ok {
			f := columnar.FileInfo{Key: o.Key, Bytes: o.Size}
			if dead[base+deadExt] {
				f.Dead = base + deadExt
			}
			files = append(files, f)
		}
	}
	return files, nil
}

// deadExt is the extension of a store file's deletion vector.
const deadExt = ".dead"

// HasStore reports whether the state this run builds on holds an entity
// store; a night with one is incremental unless FullRefresh is set.
func HasStore(ctx context.Context, rc *RunContext) (bool, error) {
	keys, err := StoreFiles(ctx, rc, "records")
	return len(keys) > 0, err
}

// Incremental reports whether this run reads only what is new since the
// store: a store exists and no full refresh was asked for.
func Incremental(ctx context.Context, rc *RunContext) (bool, error) {
	if rc.FullRefresh {
		return false, nil
	}
	return HasStore(ctx, rc)
}
