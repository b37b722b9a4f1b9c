package dedupe

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/leadsmith/leadsmith/dedupe/compare"
	"gopkg.in/yaml.v3"
)

// Settings declare a dedupe model as data: how candidate pairs are found,
// how each field is compared, how the model is trained and where matches are
// cut. They decode from the `dedupe:` section of leadsmith.yaml; zero numeric
// fields take the defaults listed on each field.
type Settings struct {
	// BlockingRules generate the candidate pairs that Predict scores. A pair
	// found by several rules is scored once, under the first rule.
	BlockingRules []BlockingRule `yaml:"blocking_rules" json:"blocking_rules"`
	// TrainingBlockingRules give the pairs EM learns m-probabilities from;
	// each rule trains the comparisons that do not use its columns.
	TrainingBlockingRules []BlockingRule `yaml:"training_blocking_rules" json:"training_blocking_rules"`
	// Comparisons score a pair field by field, each with ordered levels.
	Comparisons []Comparison `yaml:"comparisons" json:"comparisons"`
	// MaxBlockSize: a block with more records is not compared at all (and is
	// listed in the blocking report), because one huge block of a common
	// value costs quadratic time and finds little. Default 1000.
	MaxBlockSize int `yaml:"max_block_size" json:"max_block_size"`
	// USampleSize is how many random record pairs estimate u. Default 1e6.
	USampleSize int `yaml:"u_sample_size" json:"u_sample_size"`
	// Seed makes u sampling reproducible.
	Seed uint64 `yaml:"seed" json:"seed"`
	// EMMaxIterations bounds each EM run. Default 30.
	EMMaxIterations int `yaml:"em_max_iterations" json:"em_max_iterations"`
	// EMTolerance stops EM when no m moves more than this. Default 1e-5.
	EMTolerance float64 `yaml:"em_tolerance" json:"em_tolerance"`
	// Prior fixes the probability that two random records match; 0 means
	// estimate it from the data.
	Prior float64 `yaml:"prior" json:"prior"`
	// Threshold is the match probability at or above which a pair is a
	// match and links its records into one cluster. Default 0.9.
	Threshold float64 `yaml:"threshold" json:"threshold"`
	// MinPairProbability drops scored pairs below it from Predict's output:
	// most candidate pairs are clear non-matches, and keeping them all
	// costs hundreds of megabytes at a million records. Default 0.001 (a
	// sweep then starts there); set 1e-12 to keep almost every pair.
	MinPairProbability float64 `yaml:"min_pair_probability" json:"min_pair_probability"`
	// MaxClusterSize caps a cluster: a bigger component is split along its
	// weakest links. Default 50.
	MaxClusterSize int `yaml:"max_cluster_size" json:"max_cluster_size"`
	// TFMinimumU floors a value's term frequency so a value seen once does
	// not get an unbounded weight. Default 1e-6.
	TFMinimumU float64 `yaml:"tf_minimum_u" json:"tf_minimum_u"`
	// TruthColumn names a ground-truth column used only by evaluation;
	// training refuses settings that block or compare on it.
	TruthColumn string `yaml:"truth_column" json:"truth_column,omitempty"`
	// Survivorship picks each golden value.
	Survivorship Survivorship `yaml:"survivorship" json:"survivorship"`
}

// BlockingRule is an AND of key expressions: two records are a candidate
// pair when every key is non-null and equal for both. A key is "column" or
// "column:transform" with transform one of exact, lower, prefix:N,
// dmetaphone, nysiis, soundex, email_key, digits, year, sorted_tokens.
// Values are trimmed and lower-cased before any transform, so "column",
// "column:exact" and "column:lower" all block on the case-folded value.
type BlockingRule struct {
	Name string   `yaml:"name" json:"name"`
	Keys []string `yaml:"keys" json:"keys"`
}

// Comparison and Level are declared in package compare, which compiles
// and evaluates them.
type (
	Comparison = compare.Comparison
	Level      = compare.Level
)

// Survivorship names the rule that picks each golden field: source_priority,
// most_recent, most_complete, most_frequent or longest.
type Survivorship struct {
	Default         string            `yaml:"default" json:"default"`
	Fields          map[string]string `yaml:"fields" json:"fields,omitempty"`
	TimestampColumn string            `yaml:"timestamp_column" json:"timestamp_column,omitempty"`
}

// ParseSettings decodes the `dedupe:` section of a YAML document on top of
// DefaultSettings, so a section that only sets a threshold keeps the default
// rules and comparisons. Unknown fields are errors.
func ParseSettings(doc []byte) (Settings, error) {
	var wrapper struct {
		Dedupe yaml.Node `yaml:"dedupe"`
	}
	if err := yaml.Unmarshal(doc, &wrapper); err != nil {
		return Settings{}, fmt.Errorf("parse dedupe settings: %w", err)
	}
	s := DefaultSettings()
	if wrapper.Dedupe.Kind == 0 {
		return s, nil
	}
	raw, err := yaml.Marshal(&wrapper.Dedupe)
	if err != nil {
		return Settings{}, fmt.Errorf("parse dedupe settings: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return Settings{}, fmt.Errorf("parse dedupe settings: %w", err)
	}
	return s.withDefaults(), nil
}

// withDefaults fills zero numeric fields with their documented defaults.
func (s Settings) withDefaults() Settings {
	if s.MaxBlockSize == 0 {
		s.MaxBlockSize = 1000
	}
	if s.USampleSize == 0 {
		s.USampleSize = 1_000_000
	}
	if s.EMMaxIterations == 0 {
		s.EMMaxIterations = 30
	}
	if s.EMTolerance == 0 {
		s.EMTolerance = 1e-5
	}
	if s.Threshold == 0 {
		s.Threshold = 0.9
	}
	if s.MaxClusterSize == 0 {
		s.MaxClusterSize = 50
	}
	if s.MinPairProbability == 0 {
		s.MinPairProbability = 0.001
	}
	if s.TFMinimumU == 0 {
		s.TFMinimumU = 1e-6
	}
	if s.Survivorship.Default == "" {
		s.Survivorship.Default = SurviveMostComplete
	}
	return s
}

// Validate lists every problem in the settings, each naming its field path.
// Given the table's columns it also names unknown columns.
func (s Settings) Validate(columns ...string) []error {
	s = s.withDefaults()
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, fmt.Errorf("dedupe.%s: %s", path, fmt.Sprintf(format, args...)))
	}
	known := map[string]bool{}
	for _, c := range columns {
		known[c] = true
	}
	checkColumn := func(path, col string) {
		switch {
		case col == "":
			bad(path, "column is required")
		case s.TruthColumn != "" && col == s.TruthColumn:
			bad(path, "uses truth_column %q, which is for evaluation only", col)
		case len(columns) > 0 && !known[col]:
			bad(path, "unknown column %q", col)
		}
	}
	checkRules := func(field string, rules []BlockingRule) {
		for i, r := range rules {
			path := fmt.Sprintf("%s[%d]", field, i)
			if len(r.Keys) == 0 {
				bad(path+".keys", "at least one key is required")
			}
			for k, key := range r.Keys {
				kp := fmt.Sprintf("%s.keys[%d]", path, k)
				col, _, err := compare.ParseKeyExpr(key)
				if err != nil {
					bad(kp, "%v", err)
					continue
				}
				checkColumn(kp, col)
			}
		}
	}
	if len(s.BlockingRules) == 0 {
		bad("blocking_rules", "at least one rule is required")
	}
	if len(s.BlockingRules) > 255 {
		bad("blocking_rules", "at most 255 rules")
	}
	checkRules("blocking_rules", s.BlockingRules)
	checkRules("training_blocking_rules", s.TrainingBlockingRules)
	if len(s.Comparisons) == 0 {
		bad("comparisons", "at least one comparison is required")
	}
	if len(s.Comparisons) > maxComparisons {
		bad("comparisons", "at most %d comparisons", maxComparisons)
	}
	names := map[string]bool{}
	for i, c := range s.Comparisons {
		path := fmt.Sprintf("comparisons[%d]", i)
		if c.Name == "" {
			bad(path+".name", "is required")
		} else if names[c.Name] {
			bad(path+".name", "duplicate comparison name %q", c.Name)
		}
		names[c.Name] = true
		checkColumn(path+".column", c.Column)
		for _, err := range compare.ValidateLevels(path, c, checkColumn) {
			errs = append(errs, fmt.Errorf("dedupe.%v", err))
		}
	}
	if s.MaxBlockSize < 2 {
		bad("max_block_size", "must be at least 2")
	}
	if s.USampleSize < 100 {
		bad("u_sample_size", "must be at least 100")
	}
	if s.EMMaxIterations < 1 {
		bad("em_max_iterations", "must be at least 1")
	}
	if s.EMTolerance <= 0 {
		bad("em_tolerance", "must be positive")
	}
	if s.Prior < 0 || s.Prior >= 1 {
		bad("prior", "must be in [0,1) (0 = estimate)")
	}
	if !(s.Threshold > 0 && s.Threshold <= 1) {
		bad("threshold", "must be in (0,1]")
	}
	if s.MinPairProbability < 0 || s.MinPairProbability >= 1 {
		bad("min_pair_probability", "must be in (0,1)")
	}
	if s.MaxClusterSize < 2 {
		bad("max_cluster_size", "must be at least 2")
	}
	if s.TFMinimumU <= 0 || s.TFMinimumU >= 1 {
		bad("tf_minimum_u", "must be in (0,1)")
	}
	if !validSurviveRule(s.Survivorship.Default) {
		bad("survivorship.default", "unknown rule %q (want %s)", s.Survivorship.Default, strings.Join(surviveRules, ", "))
	}
	for f, r := range s.Survivorship.Fields {
		if !validSurviveRule(r) {
			bad("survivorship.fields."+f, "unknown rule %q (want %s)", r, strings.Join(surviveRules, ", "))
		}
		if len(columns) > 0 && !known[f] {
			bad("survivorship.fields."+f, "unknown column %q", f)
		}
	}
	if ts := s.Survivorship.TimestampColumn; ts != "" && len(columns) > 0 && !known[ts] {
		bad("survivorship.timestamp_column", "unknown column %q", ts)
	}
	return errs
}

// joinErrors folds Validate's list into one error for callers that stop at
// the first problem but should still see them all.
func joinErrors(errs []error) error { return errors.Join(errs...) }
