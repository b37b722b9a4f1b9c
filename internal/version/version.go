// Package version holds leadsmith's version, which the manifest, the stage
// markers and every Parquet file's created_by carry. It knows nothing else.
package version

// Version is set at build time with
// -ldflags "-X github.com/leadsmith/leadsmith/internal/version.Version=...".
var Version = "0.1.0-dev"
