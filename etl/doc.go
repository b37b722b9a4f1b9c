// Package etl runs leadsmith's pipeline: it loads and validates the config,
// resolves sources, runs the stages (extract, normalize, dedupe, score,
// publish) in order over staged Parquet with run ids, markers and manifests,
// and glues each stage to its domain package (normalize, dedupe, score) by
// reading datasets through storage, readers and columnar, handing the domain
// package plain Go values and writing what it returns. It holds no business
// rules of its own: what a record key looks like, which columns a model
// reads or how a value normalizes belongs to the domain packages.
package etl
