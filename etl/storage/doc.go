// Package storage is where leadsmith's files live: one small Store
// interface (list, read, write, delete objects by key under a root) with a
// local-folder and an S3 implementation, their error contracts (ErrNotExist)
// and S3's retries, limits and fault handling. It knows nothing of stages,
// runs, Arrow, Parquet or config files: callers hand it keys and bytes.
package storage
