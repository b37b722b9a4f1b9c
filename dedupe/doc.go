// Package dedupe finds the records that describe the same real-world entity
// and merges them: blocking, field comparisons, a Fellegi-Sunter match model
// trained without labels (u by random sampling, m and the prior by EM, as in
// Splink), clustering with a guard against chaining, survivorship into golden
// records, stable entity ids, and evaluation against ground truth.
//
// The package works on plain Go values (a columnar Table of strings) and
// never touches storage: the caller reads and writes datasets. How two
// values compare (key transforms, string similarity, comparison levels)
// is the subpackage compare; Comparison and Level are its types.
//
// The usual flow:
//
//	s, err := dedupe.ParseSettings(yamlDoc)   // or dedupe.DefaultSettings()
//	model, trainReport, err := dedupe.Train(table, s)
//	scorer, err := dedupe.NewScorer(model, table)
//	pairs, blockingReport, err := scorer.Predict()
//	clusters, err := dedupe.Cluster(pairs, table.Len(), s.Threshold, s.MaxClusterSize)
//	ids, changes := dedupe.AssignIdentities(table.IDs, clusters, previousIDs, firstSeen)
//	golden, err := dedupe.Survive(table, clusters, ids, dedupe.SurviveOptions{Rules: s.Survivorship})
//
// With ground truth, Evaluate and Sweep measure the result and
// WriteSweepSVG charts it; Scorer.Explain shows why a pair scored as it did.
package dedupe
