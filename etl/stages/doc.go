// Package stages glues the domain packages into the pipeline: normalize,
// dedupe and score read the staged datasets of the stages they need (and
// the base state), hand plain Go values to the domain package of the same
// name, and write what it returns as staged Parquet. Pipeline is the one
// place that lists which stages exist and what each publishes; eval and
// explain read the same datasets for the dedupe commands. It must never
// hold a business rule (those belong to normalize, dedupe and score), nor
// parse objects or talk to a store other than through etl's RunContext.
package stages
