// Package profile measures the quality of a dataset's columns: how many
// values are present and valid, how many are distinct, which values and
// which shapes of identifiers are most frequent, and the range and
// quantiles of numbers and timestamps, per source and overall, as
// long-format metric rows.
//
// It is fed Arrow arrays and records or plain Go values and works in
// memory bounded whatever the number of rows: exact counts, a HyperLogLog
// sketch for distinct values, a Misra-Gries summary for top values and
// patterns, a seeded reservoir sample for quantiles. Every profile merges
// with another of the same column, so the caller may profile batches on
// several goroutines and merge at the end.
//
// It must never know storage, stages, run ids, Parquet files or
// leadsmith's config: the etl layer reads the data, decides which datasets
// and column pairs to profile, and writes what Metrics returns.
package profile
