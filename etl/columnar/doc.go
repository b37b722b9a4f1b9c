// Package columnar is leadsmith's Arrow and Parquet layer: the schemas of
// every dataset, reading and writing Parquet on a storage.Store, the pooled
// allocator, zstd, and small helpers over Arrow arrays. It knows nothing of
// stages, runs or config files, and nothing of the domain packages.
package columnar
