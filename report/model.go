package report

import "time"

// Report is everything one run's report.html shows. The profile stage fills
// it from what the run's stages committed and saves it as report.json next
// to report.html, so that `leadsmith report --run-id` renders a committed
// run again without reading its data. Every slice may be empty and every
// pointer section nil: the page then says the section has no data.
type Report struct {
	RunID       string    `json:"run_id"`
	RunDate     string    `json:"run_date"`
	GeneratedAt time.Time `json:"generated_at"`
	Version     string    `json:"leadsmith_version"`
	// Scope is "run" for a full run, or the stage a single-stage run
	// stopped after.
	Scope string `json:"scope"`

	Run      RunSection      `json:"run"`
	Quality  QualitySection  `json:"quality"`
	Matching *MatchSection   `json:"matching,omitempty"`
	Funnel   *FunnelSection  `json:"funnel,omitempty"`
	Accounts *AccountSection `json:"accounts,omitempty"`
}

// Count is one labelled number of a bar chart or table.
type Count struct {
	Label string `json:"label"`
	N     int64  `json:"n"`
}

// RunSection describes the run: its inputs, stages and outputs.
type RunSection struct {
	RowsRead     int64 `json:"rows_read"`
	RowsStaged   int64 `json:"rows_staged"`
	RowsRejected int64 `json:"rows_rejected"`
	Entities     int64 `json:"entities"`
	// Incremental is true when the night matched against an entity store.
	Incremental bool      `json:"incremental"`
	Inputs      []Input   `json:"inputs"`
	Stages      []Stage   `json:"stages"`
	Outputs     []Output  `json:"outputs"`
	Warnings    []string  `json:"warnings,omitempty"`
	StartedAt   time.Time `json:"started_at"`
}

// Input reconciles one source: read = staged + rejected.
type Input struct {
	Source           string `json:"source"`
	Objects          int    `json:"objects"`
	ObjectsUnchanged int    `json:"objects_unchanged"`
	Bytes            int64  `json:"bytes"`
	RowsRead         int64  `json:"rows_read"`
	RowsStaged       int64  `json:"rows_staged"`
	RowsRejected     int64  `json:"rows_rejected"`
}

// Stage is one stage's share of the run.
type Stage struct {
	Name       string `json:"name"`
	DurationMS int64  `json:"duration_ms"`
	RowsIn     int64  `json:"rows_in"`
	RowsOut    int64  `json:"rows_out"`
}

// Output names a dataset the run wrote and where.
type Output struct {
	Name string `json:"name"`
	Path string `json:"path"`
	Rows int64  `json:"rows"`
}

// QualitySection is the data-quality picture.
type QualitySection struct {
	// Completeness is a heatmap: Completeness[i][j] is the share of
	// Sources[i]'s rows with a value in Columns[j] (normalized records),
	// or -1 when that source has no such column.
	Sources      []string    `json:"sources"`
	Columns      []string    `json:"columns"`
	Completeness [][]float64 `json:"completeness"`
	// DQIssues counts each dq_issues code overall, largest first;
	// DQIssuesBySource splits them by source.
	DQIssues         []Count      `json:"dq_issues"`
	DQIssuesBySource []IssueCount `json:"dq_issues_by_source"`
	// Rejects counts rejected rows by reason, largest first.
	Rejects []Count `json:"rejects"`
	// Normalization compares each normalized column with its raw column.
	Normalization []NormColumn `json:"normalization"`
	// Columns profiles the columns of each dataset overall.
	Profiles []ColumnProfile `json:"profiles"`
}

// IssueCount is one dq_issues code's count in one source.
type IssueCount struct {
	Code   string `json:"code"`
	Source string `json:"source"`
	N      int64  `json:"n"`
}

// NormColumn is one column before and after normalization.
type NormColumn struct {
	Raw        string `json:"raw"`
	Normalized string `json:"normalized"`
	// Present counts raw values; Valid those normalize could interpret.
	Present        int64 `json:"present"`
	Valid          int64 `json:"valid"`
	DistinctBefore int64 `json:"distinct_before"`
	DistinctAfter  int64 `json:"distinct_after"`
	// TopBefore and TopAfter are the most frequent values.
	TopBefore []Count `json:"top_before"`
	TopAfter  []Count `json:"top_after"`
}

// ColumnProfile is one column of one dataset.
type ColumnProfile struct {
	Dataset      string  `json:"dataset"`
	Column       string  `json:"column"`
	Rows         int64   `json:"rows"`
	Completeness float64 `json:"completeness"`
	// Validity is the share of present values normalize could interpret;
	// -1 when the column has no notion of validity.
	Validity float64 `json:"validity"`
	Distinct int64   `json:"distinct"`
	Top      []Count `json:"top,omitempty"`
	// Patterns are value shapes (letters as a/A, digits as 9) of
	// identifiers such as emails, phones and postcodes.
	Patterns []Count `json:"patterns,omitempty"`
	// Quantiles of numbers and dates, as display text: min, p25, p50,
	// p75, max.
	Quantiles []Quantile `json:"quantiles,omitempty"`
}

// Quantile is one labelled point of a distribution.
type Quantile struct {
	Label string  `json:"label"`
	Value float64 `json:"value"`
	Text  string  `json:"text"`
}

// MatchSection is the dedupe diagnostics.
type MatchSection struct {
	// ModelSource says where the model came from: "trained", "loaded",
	// "store" (an incremental night keeps the store's model).
	ModelSource string `json:"model_source"`
	Records     int64  `json:"records"`
	Entities    int64  `json:"entities"`
	// Blocking rules in order, with the pairs each added and the running
	// total.
	Rules         []BlockRule `json:"rules"`
	LargestBlocks []Block     `json:"largest_blocks"`
	// Prior is the prior match probability and PriorWeight its log2 odds.
	Prior       float64      `json:"prior"`
	PriorWeight float64      `json:"prior_weight"`
	Comparisons []Comparison `json:"comparisons"`
	// Histogram of the scored pairs' match weights, and the threshold
	// (as a match weight and as a probability).
	Histogram         []Bin       `json:"histogram"`
	ThresholdWeight   float64     `json:"threshold_weight"`
	ThresholdProb     float64     `json:"threshold_probability"`
	ClusterSizes      []Count     `json:"cluster_sizes"`
	Training          []TrainRule `json:"training"`
	UntrainedCompares []string    `json:"untrained_comparisons,omitempty"`
	Eval              *Eval       `json:"eval,omitempty"`
}

// BlockRule is one blocking rule's share of the candidate pairs.
type BlockRule struct {
	Name         string `json:"name"`
	Pairs        int64  `json:"pairs"`
	Cumulative   int64  `json:"cumulative"`
	Blocks       int    `json:"blocks"`
	CappedBlocks int    `json:"capped_blocks"`
	SkippedPairs int64  `json:"skipped_pairs"`
}

// Block is one large block.
type Block struct {
	Rule   string `json:"rule"`
	Size   int    `json:"size"`
	Capped bool   `json:"capped"`
}

// Comparison is one comparison's levels (Splink's parameter chart).
type Comparison struct {
	Name   string  `json:"name"`
	Levels []Level `json:"levels"`
}

// Level is one comparison level's m, u and match weight log2(m/u).
type Level struct {
	Label   string  `json:"label"`
	M       float64 `json:"m"`
	U       float64 `json:"u"`
	Weight  float64 `json:"weight"`
	Null    bool    `json:"null,omitempty"`
	Trained bool    `json:"trained"`
}

// Bin is one histogram bar: N values in [Lo, Hi).
type Bin struct {
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
	N  int64   `json:"n"`
}

// TrainRule is one EM run of training.
type TrainRule struct {
	Rule       string  `json:"rule"`
	Pairs      int64   `json:"pairs"`
	Iterations int     `json:"iterations"`
	Converged  bool    `json:"converged"`
	MatchShare float64 `json:"match_share"`
	// Deltas is the largest parameter change of each iteration.
	Deltas []float64 `json:"deltas,omitempty"`
}

// Eval is the clustering measured against a truth column.
type Eval struct {
	TruthColumn string    `json:"truth_column"`
	Precision   float64   `json:"precision"`
	Recall      float64   `json:"recall"`
	F1          float64   `json:"f1"`
	Curve       []PRPoint `json:"curve"`
}

// PRPoint is one threshold of the precision-recall curve.
type PRPoint struct {
	Threshold float64 `json:"threshold"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
}

// FunnelSection is what the night hands to sales and marketing.
type FunnelSection struct {
	Contacts int64 `json:"contacts"`
	MQLs     int64 `json:"mqls"`
	// Ranks counts contacts by lead rank 1A..3C (all nine, in order).
	Ranks        []Count `json:"ranks"`
	FunnelStages []Count `json:"funnel_stages"`
	Segments     []Count `json:"segments"`
	Queues       []Count `json:"queues"`
	// Owners counts routed contacts per owner, largest first.
	Owners []Count `json:"owners"`
	// SLADue24h and SLADue72h count contacts whose SLA deadline falls
	// within 24 and 72 hours of the run's as-of time.
	SLADue24h int64 `json:"sla_due_24h"`
	SLADue72h int64 `json:"sla_due_72h"`
}

// AccountSection is the enrich picture.
type AccountSection struct {
	Accounts int64 `json:"accounts"`
	// Matched and Contacts give the coverage: contacts with an account.
	Matched  int64 `json:"matched"`
	Contacts int64 `json:"contacts"`
	// MatchMethods counts contacts by how they matched (domain,
	// company_country, ...) or why not.
	MatchMethods []Count `json:"match_methods"`
	// ByTier counts accounts and engaged accounts per tier.
	ByTier []TierCount `json:"by_tier"`
}

// TierCount is one account tier.
type TierCount struct {
	Tier     string `json:"tier"`
	Accounts int64  `json:"accounts"`
	Engaged  int64  `json:"engaged"`
}

// Waterfall is one record pair's match weight, step by step, for
// `leadsmith explain --pair --html`.
type Waterfall struct {
	Left        string          `json:"left"`
	Right       string          `json:"right"`
	PriorWeight float64         `json:"prior_weight"`
	Steps       []WaterfallStep `json:"steps"`
	MatchWeight float64         `json:"match_weight"`
	Probability float64         `json:"probability"`
}

// WaterfallStep is one comparison's contribution.
type WaterfallStep struct {
	Label   string  `json:"label"`
	Detail  string  `json:"detail"`
	Weight  float64 `json:"weight"`
	Running float64 `json:"running"`
}
