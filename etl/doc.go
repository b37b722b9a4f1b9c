// Package etl is the runner of leadsmith's pipeline and the contract its
// stages meet: the config and its validation, the RunContext a stage gets
// (stores, run id and date, as-of clock, progress), the Stage interface,
// the runner with its markers, fingerprints and skip rules, recovery of a
// killed run, and publish, which commits a run's datasets, manifest and
// next-night state as one unit behind _SUCCESS. It must never know what a
// stage does inside (that is etl/extract and etl/stages), how a value
// normalizes, matches or scores (the domain packages), or how objects are
// parsed and stored (etl/readers, etl/storage).
package etl
