package etl

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/leadsmith/leadsmith/dedupe"
	"github.com/leadsmith/leadsmith/enrich"
	"github.com/leadsmith/leadsmith/etl/columnar"
	"github.com/leadsmith/leadsmith/etl/storage"
	"gopkg.in/yaml.v3"
)

// Config is a leadsmith.yaml file. Every field documents itself here, and
// `leadsmith config validate` names a bad one by its path.
type Config struct {
	// Version of the config format; 1 (default).
	Version int `yaml:"version"`
	// Sources of contact records, extracted in this order.
	Sources []SourceConfig `yaml:"sources"`
	// Activities is the source of activity events for engagement scoring (optional).
	Activities *SourceConfig `yaml:"activities"`
	// Work is the staging location: <work>/runs/<run_id>/<stage>/...
	Work string `yaml:"work"`
	// Output is where published datasets go (Hive-partitioned).
	Output string `yaml:"output"`
	// State holds what one night hands the next (entity ids, owners).
	State string `yaml:"state"`
	// S3 settings shared by every s3:// location.
	S3 storage.S3Options `yaml:"s3"`
	// Parquet writer settings.
	Parquet columnar.ParquetOptions `yaml:"parquet"`
	// Extract settings.
	Extract ExtractOptions `yaml:"extract"`
	// Dedupe, Score and other stage sections are decoded by their stages.
	Dedupe yaml.Node `yaml:"dedupe"`
	// DedupeModel is a model saved by an earlier run (runs/<id>/dedupe/model.json)
	// to reuse instead of training; empty trains on every run.
	DedupeModel string `yaml:"dedupe_model"`
	// DedupeRetrain says when an incremental night trains a new model
	// instead of matching with the store's: never (default; drift is
	// still detected and logged), on_drift, or always.
	DedupeRetrain string `yaml:"dedupe_retrain"`
	// Enrich is the enrich stage's section: reference account sources and
	// matching, append, persona and account roll-up options.
	Enrich EnrichConfig `yaml:"enrich"`
	Score  yaml.Node    `yaml:"score"`
	// Profile is the profile stage's section.
	Profile ProfileConfig `yaml:"profile"`

	// path is the file the config came from; local locations are
	// relative to its folder.
	path string
	// hash is the SHA-256 of the config text after ${ENV} expansion.
	hash string
}

// ProfileConfig is the `profile:` section.
type ProfileConfig struct {
	// TruthColumn names a ground-truth entity column of the records (a
	// labelled sample, generated fixtures): the report then measures the
	// clustering against it and draws the precision-recall curve. Empty:
	// dedupe's truth_column, if any.
	TruthColumn string `yaml:"truth_column"`
}

// EnrichConfig is the `enrich:` section. Accounts are read like contact
// sources, every night in full, with the canonical columns of
// columnar.AccountColumns; the options are the enrich package's.
type EnrichConfig struct {
	Accounts       []SourceConfig `yaml:"accounts"`
	enrich.Options `yaml:",inline"`
}

// SourceConfig is one entry of `sources:` (or `activities:`).
type SourceConfig struct {
	// Name identifies the source in records, rejects and the manifest.
	Name string `yaml:"name"`
	// URI is a local folder or file, or s3://bucket/prefix.
	URI string `yaml:"uri"`
	// Glob selects objects under URI by their path relative to it ("*.csv.gz", "**/*.jsonl",
	// "exports/{2025,2026}/*.csv"); without '/', it matches the base name at any depth; default all.
	Glob string `yaml:"glob"`
	// Format is auto (by extension and content), csv, jsonl or parquet.
	Format string `yaml:"format"`
	// CSV overrides sniffing.
	CSV CSVConfig `yaml:"csv"`
	// Columns maps canonical column names to the source's own headers.
	Columns map[string]string `yaml:"columns"`
	// Priority for survivorship: 1 is the most trusted source.
	Priority int `yaml:"priority"`
}

// CSVConfig overrides what extract would sniff.
type CSVConfig struct {
	// Delimiter: one of "," ";" "\t" "|" ("tab" is accepted); empty = sniff.
	Delimiter string `yaml:"delimiter"`
	// Encoding: auto (default), utf-8, utf-16, utf-16le, utf-16be, windows-1252, latin-1.
	Encoding string `yaml:"encoding"`
}

// ExtractOptions is the `extract:` section.
type ExtractOptions struct {
	// MaxFieldBytes rejects a row with a longer field (default 1 MiB).
	MaxFieldBytes int `yaml:"max_field_bytes"`
	// Workers is the number of objects read at once (default: number of CPUs).
	Workers int `yaml:"workers"`
	// OnBadObject is what a corrupt, cut or unreadable object does: "skip"
	// (default) stages the rows read before the break, records the object
	// in rejects and the stage's notes, and goes on; "fail" fails extract.
	OnBadObject string `yaml:"on_bad_object"`
}

var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}`)

// expandEnv replaces ${NAME} and ${NAME:-default}; an unset NAME without a
// default is an error, so a typo does not silently become an empty path.
func expandEnv(text string) (string, []string) {
	var missing []string
	out := envRef.ReplaceAllStringFunc(text, func(m string) string {
		sub := envRef.FindStringSubmatch(m)
		if v, ok := os.LookupEnv(sub[1]); ok {
			return v
		}
		if sub[2] != "" {
			return sub[3]
		}
		missing = append(missing, sub[1])
		return ""
	})
	return out, missing
}

// LoadConfig reads, expands and decodes a config file. Errors name the
// field and line; unknown fields are errors.
func LoadConfig(path string) (*Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return ParseConfig(raw, path)
}

// ParseConfig decodes config text; path locates relative local folders.
func ParseConfig(raw []byte, path string) (*Config, error) {
	text, missing := expandEnv(string(raw))
	if len(missing) > 0 {
		return nil, fmt.Errorf("config %s: environment variable %s is not set (use ${%s:-default} for an optional one)", path, missing[0], missing[0])
	}
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader([]byte(text)))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("config %s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	sum := sha256.Sum256([]byte(text))
	c.hash = hex.EncodeToString(sum[:])
	c.path = path
	c.applyDefaults()
	// Every store of this config counts its S3 requests here, so each run
	// (one config) reports its own, never another's.
	c.S3.Requests = new(atomic.Int64)
	return &c, nil
}

func (c *Config) applyDefaults() {
	if c.Version == 0 {
		c.Version = 1
	}
	for i := range c.Sources {
		s := &c.Sources[i]
		if s.Format == "" {
			s.Format = "auto"
		}
		if s.Priority == 0 {
			s.Priority = i + 1
		}
	}
	if c.Activities != nil {
		if c.Activities.Format == "" {
			c.Activities.Format = "auto"
		}
		if c.Activities.Name == "" {
			c.Activities.Name = "activities"
		}
	}
	for i := range c.Enrich.Accounts {
		a := &c.Enrich.Accounts[i]
		if a.Format == "" {
			a.Format = "auto"
		}
		if a.Priority == 0 {
			a.Priority = i + 1
		}
	}
	if c.Extract.MaxFieldBytes == 0 {
		c.Extract.MaxFieldBytes = 1 << 20
	}
	if c.Extract.OnBadObject == "" {
		c.Extract.OnBadObject = "skip"
	}
}

// Hash is the SHA-256 of the expanded config text, recorded in the manifest.
func (c *Config) Hash() string { return c.hash }

// Path is the file the config was read from.
func (c *Config) Path() string { return c.path }

// Resolve turns a location of the config into an absolute local path or an
// s3:// URI: local paths are relative to the config file's folder.
func (c *Config) Resolve(loc string) string {
	if strings.HasPrefix(loc, "s3://") || filepath.IsAbs(loc) {
		return loc
	}
	return filepath.Join(filepath.Dir(c.path), loc)
}

// Validate checks everything that can be checked without reading data and
// returns every problem, each naming its field path.
func (c *Config) Validate() []error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if c.Version != 1 {
		add("version: unsupported config version %d (this leadsmith reads version 1)", c.Version)
	}
	if len(c.Sources) == 0 {
		add("sources: at least one source is required")
	}
	names := map[string]int{}
	for i := range c.Sources {
		path := fmt.Sprintf("sources[%d]", i)
		errs = append(errs, c.Sources[i].validate(path, columnar.CanonicalColumns)...)
		if prev, dup := names[c.Sources[i].Name]; dup && c.Sources[i].Name != "" {
			add("%s.name: %q is already the name of sources[%d]", path, c.Sources[i].Name, prev)
		}
		names[c.Sources[i].Name] = i
	}
	if c.Activities != nil {
		errs = append(errs, c.Activities.validate("activities", columnar.ActivityColumns)...)
	}
	for i := range c.Enrich.Accounts {
		path := fmt.Sprintf("enrich.accounts[%d]", i)
		errs = append(errs, c.Enrich.Accounts[i].validate(path, columnar.AccountColumns)...)
		if prev, dup := names[c.Enrich.Accounts[i].Name]; dup && c.Enrich.Accounts[i].Name != "" {
			add("%s.name: %q is already the name of another source (%d)", path, c.Enrich.Accounts[i].Name, prev)
		}
		names[c.Enrich.Accounts[i].Name] = len(c.Sources) + i
	}
	for _, msg := range c.Enrich.Options.Validate() {
		add("%s", msg)
	}
	for _, loc := range []struct{ field, value string }{{"work", c.Work}, {"output", c.Output}, {"state", c.State}} {
		if loc.value == "" {
			add("%s: a location is required (a local folder or s3://bucket/prefix)", loc.field)
		} else if strings.HasPrefix(loc.value, "s3://") {
			if _, _, err := storage.ParseS3URI(loc.value); err != nil {
				add("%s: %v", loc.field, err)
			}
		}
	}
	if c.Work != "" && c.Work == c.Output {
		add("output: must differ from work (%q)", c.Work)
	}
	if _, err := c.Parquet.Codec(); err != nil {
		errs = append(errs, err)
	}
	if c.Extract.MaxFieldBytes < 1024 {
		add("extract.max_field_bytes: must be at least 1024, got %d", c.Extract.MaxFieldBytes)
	}
	if c.Extract.Workers < 0 {
		add("extract.workers: must not be negative, got %d", c.Extract.Workers)
	}
	if o := c.Extract.OnBadObject; o != "skip" && o != "fail" {
		add("extract.on_bad_object: must be skip or fail, got %q", o)
	}
	if ds, err := DedupeSettings(c); err != nil {
		errs = append(errs, err)
	} else {
		// Ranges and shapes now; column names need the data (ValidateData
		// and the dedupe stage check them).
		errs = append(errs, ds.Validate()...)
	}
	switch c.DedupeRetrain {
	case "", "never", "on_drift", "always":
	default:
		add("dedupe_retrain: must be never, on_drift or always, got %q", c.DedupeRetrain)
	}
	if sc, err := ScoreConfig(c); err != nil {
		errs = append(errs, err)
	} else {
		errs = append(errs, sc.Validate()...)
	}
	// The s3 section is checked even when no location is on S3 yet: a
	// mistake in it would otherwise surface on the night the first
	// location moves there.
	errs = append(errs, c.S3.Validate("s3")...)
	return errs
}

var validFormats = map[string]bool{"auto": true, "csv": true, "jsonl": true, "parquet": true}

func (s *SourceConfig) validate(path string, canonical []string) []error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if s.Name == "" {
		add("%s.name: required", path)
	} else if !regexp.MustCompile(`^[A-Za-z0-9_.-]+$`).MatchString(s.Name) {
		add("%s.name: %q may hold only letters, digits, '_', '-' and '.' (it names folders and partitions)", path, s.Name)
	}
	if s.URI == "" {
		add("%s.uri: required (a local folder or s3://bucket/prefix)", path)
	} else if strings.HasPrefix(s.URI, "s3://") {
		if _, _, err := storage.ParseS3URI(s.URI); err != nil {
			add("%s.uri: %v", path, err)
		}
	}
	if err := validGlob(s.Glob); err != nil {
		add("%s.glob: %v", path, err)
	}
	if !validFormats[s.Format] {
		add("%s.format: must be auto, csv, jsonl or parquet, got %q", path, s.Format)
	}
	if _, err := CSVDelimiter(s.CSV.Delimiter); err != nil {
		add("%s.csv.delimiter: %v", path, err)
	}
	if !validEncoding(s.CSV.Encoding) {
		add("%s.csv.encoding: must be auto, utf-8, utf-16, utf-16le, utf-16be, windows-1252 or latin-1, got %q", path, s.CSV.Encoding)
	}
	if s.Priority < 0 {
		add("%s.priority: must be positive, got %d", path, s.Priority)
	}
	keys := make([]string, 0, len(s.Columns))
	for k := range s.Columns {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	seen := map[string]string{}
	for _, k := range keys {
		v := s.Columns[k]
		switch {
		case !columnar.IsCanonical(k, canonical):
			hint := ""
			if m := closest(k, canonical); m != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", m)
			}
			add("%s.columns.%s: not a canonical column%s; canonical columns are %s", path, k, hint, strings.Join(canonical, ", "))
		case k == "source":
			add("%s.columns.source: the source column is set by leadsmith from the source's name", path)
		case strings.TrimSpace(v) == "":
			add("%s.columns.%s: header name is empty", path, k)
		case seen[v] != "":
			add("%s.columns.%s: header %q is already mapped to %s", path, k, v, seen[v])
		}
		seen[v] = k
	}
	return errs
}

func validEncoding(e string) bool {
	switch strings.ToLower(e) {
	case "", "auto", "utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "windows-1252", "cp1252", "latin-1", "latin1", "iso-8859-1":
		return true
	}
	return false
}

func CSVDelimiter(d string) (byte, error) {
	switch d {
	case "":
		return 0, nil
	case ",", ";", "|", "\t", "tab", `\t`:
		if len(d) == 1 {
			return d[0], nil
		}
		return '\t', nil
	}
	return 0, fmt.Errorf(`must be one of "," ";" "|" "\t", got %q`, d)
}

// closest returns the candidate within edit distance 2 of s, if any: the
// first of the nearest.
func closest(s string, candidates []string) string {
	const most = 2
	best, bestD := "", most+1
	for _, c := range candidates {
		if d := dedupe.EditDistance(s, c, most); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
