// Package profiling is the profile stage: after score, it reads what the
// run's earlier stages committed (normalized records per source, contacts,
// accounts, rejects, dedupe's diagnostics and model) and writes the
// `profile` dataset (long format, for BI: one row per run, dataset, source,
// column, metric and key) and the run report (report.json, and report.html
// rendered from it by the report package).
//
// It is the only package that knows both the staged datasets and the
// report's model; the column statistics are the profile package's and the
// page is the report package's. It never decides anything about the data:
// every number it shows was computed by an earlier stage or counted here
// from their committed output, and a number in the report equals the
// published data's.
package profiling
