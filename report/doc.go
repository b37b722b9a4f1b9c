// Package report renders a run's Report, and one record pair's Waterfall,
// as a single self-contained HTML file: inline CSS, charts drawn as inline
// SVG, no script, nothing fetched, so the page opens the same from a
// bucket, a laptop or a mail attachment with no network.
//
// It never knows where the numbers came from: not storage, not Parquet,
// not the stages. The profile stage (or `leadsmith report`) hands it a
// filled Report, and every section it lacks renders as a sentence saying
// so.
//
// Tests read the page through stable hooks: every chart is a
// figure.chart with a unique data-chart name, every headline number a
// data-metric element whose data-value is the plain number, and every bar
// a group with data-label and data-value.
package report
