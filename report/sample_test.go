package report

import (
	"fmt"
	"math"
	"time"
)

// hostileLabel is user data that must reach the page as text, never as
// markup.
const hostileLabel = `<script>window.pwned = 1</script>`

// sampleReport is a fully populated report: every section and chart has
// data, counts span 1 to millions, some labels are long, one is hostile,
// and a few values are NaN or infinite as a sloppy producer might leave.
func sampleReport() *Report {
	started := time.Date(2026, 3, 14, 2, 0, 0, 0, time.UTC)
	r := &Report{
		RunID: "20260314T020000Z-7f3a", RunDate: "2026-03-14", GeneratedAt: started.Add(23 * time.Minute),
		Version: "v1.4.0", Scope: "run",
		Run: RunSection{
			RowsRead: 1_284_311, RowsStaged: 1_270_002, RowsRejected: 14_309, Entities: 903_118,
			Incremental: true, StartedAt: started,
			Inputs: []Input{
				{Source: "hubspot", Objects: 12, ObjectsUnchanged: 9, Bytes: 512 << 20, RowsRead: 1_000_000, RowsStaged: 990_001, RowsRejected: 9_999},
				{Source: "salesforce", Objects: 3, Bytes: 88 << 20, RowsRead: 284_310, RowsStaged: 280_001, RowsRejected: 4_309},
				{Source: "events-" + hostileLabel, Objects: 1, Bytes: 2048, RowsRead: 1, RowsStaged: 0, RowsRejected: 1},
			},
			Stages: []Stage{
				{Name: "ingest", DurationMS: 48_200, RowsIn: 1_284_311, RowsOut: 1_270_002},
				{Name: "normalize", DurationMS: 95_400, RowsIn: 1_270_002, RowsOut: 1_270_002},
				{Name: "dedupe", DurationMS: 812_000, RowsIn: 1_270_002, RowsOut: 903_118},
				{Name: "enrich", DurationMS: 61_050, RowsIn: 903_118, RowsOut: 903_118},
				{Name: "score", DurationMS: 12_700, RowsIn: 903_118, RowsOut: 903_118},
				{Name: "profile", DurationMS: 950, RowsIn: 903_118, RowsOut: 1},
			},
			Outputs: []Output{
				{Name: "contacts", Path: "s3://leadsmith-prod/out/2026-03-14/contacts.parquet", Rows: 903_118},
				{Name: "pairs", Path: "s3://leadsmith-prod/out/2026-03-14/pairs.parquet", Rows: 4_210_337},
				{Name: "rejects", Path: "s3://leadsmith-prod/out/2026-03-14/rejects.parquet", Rows: 14_309},
			},
			Warnings: []string{"salesforce: 3 objects had no header row; used the previous night's schema", "label " + hostileLabel},
		},
		Quality: QualitySection{
			Sources: []string{"hubspot", "salesforce", "events-" + hostileLabel},
			Columns: []string{"email", "phone", "first_name", "last_name", "company", "job_title", "country", "postcode", "website_domain_of_the_company_account"},
			Completeness: [][]float64{
				{0.98, 0.61, 0.99, 0.99, 0.87, 0.55, 0.93, 0.41, 0.66},
				{0.91, 0.83, 1, 1, 0.99, 0.72, 0.97, -1, 0.12},
				{1, -1, 0, 0.5, math.NaN(), -1, 0.25, -1, 0.003},
			},
			DQIssues: []Count{
				{Label: "phone_unparseable", N: 212_004}, {Label: "email_role_account", N: 48_120},
				{Label: "country_unknown", N: 9_876}, {Label: "postcode_country_mismatch_for_a_really_long_reason_code", N: 1_234},
				{Label: hostileLabel, N: 1},
			},
			DQIssuesBySource: []IssueCount{
				{Code: "phone_unparseable", Source: "hubspot", N: 200_000}, {Code: "phone_unparseable", Source: "salesforce", N: 12_004},
				{Code: "email_role_account", Source: "hubspot", N: 48_120}, {Code: "country_unknown", Source: "salesforce", N: 9_876},
			},
			Rejects: []Count{{Label: "missing_email_and_phone", N: 12_001}, {Label: "malformed_row", N: 2_307}, {Label: "encoding", N: 1}},
			Normalization: []NormColumn{
				{Raw: "phone", Normalized: "phone_e164", Present: 830_000, Valid: 617_996, DistinctBefore: 790_112, DistinctAfter: 601_223,
					TopBefore: []Count{{Label: "0000000000", N: 1_902}, {Label: "n/a", N: 811}}, TopAfter: []Count{{Label: "+14155550100", N: 52}}},
				{Raw: "country", Normalized: "country_iso2", Present: 1_190_000, Valid: 1_180_124, DistinctBefore: 1_412, DistinctAfter: 203,
					TopBefore: []Count{{Label: "USA", N: 401_000}, {Label: "United States", N: 222_000}, {Label: "U.S.", N: 9_000}},
					TopAfter:  []Count{{Label: "US", N: 632_000}, {Label: "DE", N: 120_400}}},
				{Raw: "job_title", Normalized: "job_function", Present: 0, Valid: 0},
			},
			Profiles: []ColumnProfile{
				{Dataset: "contacts", Column: "email", Rows: 903_118, Completeness: 0.97, Validity: 0.995, Distinct: 880_211,
					Top: []Count{{Label: "info@example.com", N: 311}}, Patterns: []Count{{Label: "aaaa.aaaa@aaaa.aaa", N: 402_118}, {Label: "a.aaaa@aaaa.aa", N: 91_000}}},
				{Dataset: "contacts", Column: "created_at", Rows: 903_118, Completeness: 1, Validity: -1, Distinct: 120_441,
					Quantiles: []Quantile{{Label: "min", Text: "2011-02-01"}, {Label: "p50", Text: "2023-07-19"}, {Label: "max", Text: "2026-03-13"}}},
				{Dataset: "contacts", Column: "employees", Rows: 903_118, Completeness: 0.64, Validity: math.NaN(), Distinct: 812,
					Quantiles: []Quantile{{Label: "min", Value: 1}, {Label: "p25", Value: 12}, {Label: "p50", Value: 85}, {Label: "p75", Value: 600}, {Label: "max", Value: math.Inf(1)}}},
				{Dataset: "accounts", Column: "domain", Rows: 41_002, Completeness: 0.99, Validity: 0.98, Distinct: 40_877},
			},
		},
		Matching: &MatchSection{
			ModelSource: "trained", Records: 1_270_002, Entities: 903_118,
			Rules: []BlockRule{
				{Name: "email", Pairs: 2_100_000, Cumulative: 2_100_000, Blocks: 310_220},
				{Name: "phone_e164", Pairs: 840_112, Cumulative: 2_940_112, Blocks: 120_001, CappedBlocks: 2, SkippedPairs: 19_900},
				{Name: "last_name_soundex + company_domain + postcode_prefix_and_more", Pairs: 1_270_225, Cumulative: 4_210_337, Blocks: 88_002},
				{Name: "first_initial", Pairs: 1, Cumulative: 4_210_338, Blocks: 1},
			},
			LargestBlocks: []Block{{Rule: "phone_e164", Size: 5_000, Capped: true}, {Rule: "email", Size: 310}, {Rule: "last_name_soundex", Size: 96}},
			Prior:         0.0009, PriorWeight: -10.12,
			Comparisons: []Comparison{
				{Name: "email", Levels: []Level{
					{Label: "null", Null: true, Trained: true, M: math.NaN(), U: math.NaN()},
					{Label: "exact", M: 0.92, U: 0.00001, Weight: 16.49, Trained: true},
					{Label: "Jaro-Winkler >= 0.92", M: 0.05, U: 0.0004, Weight: 6.97, Trained: true},
					{Label: "else", M: 0.03, U: 0.9996, Weight: -5.06, Trained: true},
				}},
				{Name: "phone", Levels: []Level{
					{Label: "exact", M: 0.7, U: 0, Weight: math.Inf(1), Trained: true},
					{Label: "else", M: 0.3, U: 1, Weight: -1.74, Trained: true},
				}},
				{Name: "company_" + hostileLabel, Levels: []Level{
					{Label: "exact", M: 0.6, U: 0.01, Weight: 5.91},
					{Label: "else", M: 0.4, U: 0.99, Weight: -1.31},
				}},
			},
			ThresholdWeight: 3.17, ThresholdProb: 0.9,
			ClusterSizes: []Count{{Label: "1", N: 700_412}, {Label: "2", N: 150_200}, {Label: "3", N: 40_022}, {Label: "4", N: 9_001},
				{Label: "5", N: 2_400}, {Label: "6-10", N: 1_020}, {Label: "11-50", N: 61}, {Label: "51+", N: 2}},
			Training: []TrainRule{
				{Rule: "email", Pairs: 1_000_000, Iterations: 12, Converged: true, MatchShare: 0.31, Deltas: []float64{0.31, 0.12, 0.04, 0.011, 0.003, 0.0009, 0.0002, 0.00005, 0.00001, 0.000004, 0.000001, 0.0000004}},
				{Rule: "phone_e164", Pairs: 400_000, Iterations: 25, Converged: false, MatchShare: 0.18, Deltas: []float64{0.4, 0.2, 0.1, 0.08, 0.06, 0.05, 0.05, 0.04, math.NaN(), 0.03, 0.03, 0}},
			},
			UntrainedCompares: []string{"company_" + hostileLabel},
			Eval: &Eval{TruthColumn: "crm_person_id", Precision: 0.962, Recall: 0.911, F1: 0.936,
				Curve: []PRPoint{{-2, 0.71, 0.99}, {0, 0.82, 0.98}, {2, 0.91, 0.95}, {3.17, 0.962, 0.911}, {6, 0.985, 0.8}, {10, 0.997, 0.52}, {14, 1, 0.21}}},
		},
		Funnel: &FunnelSection{
			Contacts: 903_118, MQLs: 41_207, SLADue24h: 1_212, SLADue72h: 3_480,
			Ranks: []Count{{Label: "1A", N: 4_012}, {Label: "1B", N: 9_877}, {Label: "1C", N: 20_001}, {Label: "2A", N: 7_340},
				{Label: "2B", N: 31_000}, {Label: "2C", N: 120_334}, {Label: "3A", N: 0}, {Label: "3B", N: 88_000}, {Label: "3C", N: 622_554}},
			FunnelStages: []Count{{Label: "subscriber", N: 610_000}, {Label: "lead", N: 231_911}, {Label: "MQL", N: 41_207}, {Label: "SQL", N: 12_000}, {Label: "opportunity", N: 6_000}, {Label: "customer", N: 2_000}},
			Segments:     []Count{{Label: "enterprise", N: 120_000}, {Label: "mid-market", N: 300_000}, {Label: "smb", N: 483_118}},
			Queues:       []Count{{Label: "inbound-emea", N: 12_000}, {Label: "inbound-na", N: 22_000}, {Label: "nurture", N: 869_118}},
		},
		Accounts: &AccountSection{
			Accounts: 41_002, Matched: 702_001, Contacts: 903_118,
			MatchMethods: []Count{{Label: "domain", N: 600_000}, {Label: "company_country", N: 102_001}, {Label: "no_match: free email domain", N: 150_000}, {Label: "no_match: no company", N: 51_117}},
			ByTier:       []TierCount{{Tier: "strategic", Accounts: 120, Engaged: 98}, {Tier: "tier 1", Accounts: 2_100, Engaged: 1_400}, {Tier: "tier 2", Accounts: 10_782, Engaged: 3_001}, {Tier: "tier 3", Accounts: 28_000, Engaged: 2_222}},
		},
	}
	for i := 1; i <= 40; i++ {
		r.Funnel.Owners = append(r.Funnel.Owners, Count{Label: fmt.Sprintf("owner%02d@example.com", i), N: int64(5000 / i)})
	}
	for w := -14.0; w < 20; w++ {
		n := int64(math.Round(900_000 * math.Exp(-(w+8)*(w+8)/12)))
		if w > 2 {
			n += int64(math.Round(60_000 * math.Exp(-(w-12)*(w-12)/10)))
		}
		r.Matching.Histogram = append(r.Matching.Histogram, Bin{Lo: w, Hi: w + 1, N: n})
	}
	return r
}

// sampleWaterfall is a pair's explanation with steps up and down.
func sampleWaterfall() Waterfall {
	return Waterfall{
		Left: "hubspot:1001", Right: "salesforce:0033x" + hostileLabel, PriorWeight: -10.12,
		Steps: []WaterfallStep{
			{Label: "email", Detail: "exact: ann@acme.io = ann@acme.io", Weight: 16.49, Running: 6.37},
			{Label: "phone", Detail: "else: +14155550100 ≠ +14155550199", Weight: -1.74, Running: 4.63},
			{Label: "first_name", Detail: "Jaro-Winkler 0.95: Ann ~ Anne", Weight: 3.1, Running: 7.73},
			{Label: "company_name_with_a_long_label", Detail: "else", Weight: -1.31, Running: 6.42},
		},
		MatchWeight: 6.42, Probability: 0.98847,
	}
}
