package dedupe

import "strings"

// RecordKey is the key of one input record in a Table's IDs and in the
// pairs, clusters and golden datasets: its source, a slash, and its
// record_id ("crm/123"). Sources never hold a slash, so the first slash
// separates the two even when a record_id has one.
func RecordKey(source, recordID string) string { return source + "/" + recordID }

// SplitRecordKey undoes RecordKey. A key without a slash is all source.
func SplitRecordKey(key string) (source, recordID string) {
	source, recordID, _ = strings.Cut(key, "/")
	return source, recordID
}
