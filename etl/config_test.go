package etl

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leadsmith/leadsmith/etl/readers"
)

func TestParseConfig_ErrorsNameTheField(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		yaml string
		want []string // substrings, each must appear in one error
	}{
		{"missing everything", "version: 1\n", []string{"sources: at least one", "work: a location is required", "output: a location", "state: a location"}},
		{"bad format and delimiter", `
sources:
  - name: crm
    uri: ./x
    format: xml
    csv: {delimiter: "#", encoding: ebcdic}
work: w
output: o
state: s
`, []string{`sources[0].format: must be auto, csv, jsonl or parquet, got "xml"`, "sources[0].csv.delimiter", `sources[0].csv.encoding`}},
		{"unknown canonical column", `
sources:
  - name: crm
    uri: ./x
    columns: {emial: E-Mail, first_name: First, last_name: First}
work: w
output: o
state: s
`, []string{`sources[0].columns.emial: not a canonical column (did you mean "email"?)`, `sources[0].columns.last_name: header "First" is already mapped to first_name`}},
		{"duplicate names and bad s3", `
sources:
  - {name: crm, uri: ./x}
  - {name: crm, uri: "s3://"}
work: w
output: w
state: s
`, []string{`sources[1].name: "crm" is already the name of sources[0]`, "sources[1].uri", "output: must differ from work"}},
		{"bad parquet codec", `
sources: [{name: a, uri: ./x}]
work: w
output: o
state: s
parquet: {compression: lz77}
`, []string{"parquet.compression"}},
		{"dedupe ranges and s3 options before any work", `
sources: [{name: a, uri: ./x}]
work: w
output: o
state: s
dedupe: {threshold: 1.5, max_cluster_size: -1}
s3: {sse: AES}
`, []string{"dedupe.threshold: must be in (0,1]", "dedupe.max_cluster_size", `s3.sse: must be SSE-S3 or SSE-KMS, got "AES"`}},
		{"bad glob", `
sources: [{name: a, uri: ./x, glob: "exports/{2025,2026/*.csv"}]
work: w
output: o
state: s
`, []string{`sources[0].glob: "exports/{2025,2026/*.csv" is not a valid pattern`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseConfig([]byte(tc.yaml), filepath.Join(dir, "leadsmith.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			errs := c.Validate()
			all := ""
			for _, e := range errs {
				all += e.Error() + "\n"
			}
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("missing %q in:\n%s", w, all)
				}
			}
		})
	}
}

func TestParseConfig_UnknownFieldIsAnError(t *testing.T) {
	_, err := ParseConfig([]byte("sources: []\nwrok: ./w\n"), "x.yaml")
	if err == nil || !strings.Contains(err.Error(), "wrok") || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("err = %v", err)
	}
}

func TestParseConfig_EnvExpansion(t *testing.T) {
	t.Setenv("LS_BUCKET", "my-bucket")
	c, err := ParseConfig([]byte("sources: [{name: a, uri: \"s3://${LS_BUCKET}/in\"}]\nwork: ${LS_WORK:-./w}\noutput: o\nstate: s\n"), "x.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Sources[0].URI != "s3://my-bucket/in" || c.Work != "./w" {
		t.Errorf("expanded to %q, %q", c.Sources[0].URI, c.Work)
	}
	_, err = ParseConfig([]byte("work: ${LS_SURELY_UNSET_VAR}\n"), "x.yaml")
	if err == nil || !strings.Contains(err.Error(), "LS_SURELY_UNSET_VAR is not set") {
		t.Fatalf("err = %v", err)
	}
}

func TestValidateData_MissingHeaderNamesFileAndField(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "in"), 0o755)
	os.WriteFile(filepath.Join(dir, "in", "contacts_2026.csv"), []byte("Name,Email Address\nAda,ada@x.com\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "leadsmith.yaml"), []byte(`
sources:
  - name: a
    uri: ./in
    columns: {full_name: Name, email: E-Mail}
  - name: b
    uri: ./missing
  - name: c
    uri: ./in
    glob: "*.jsonl"
work: w
output: o
state: s
`), 0o644)
	c, err := LoadConfig(filepath.Join(dir, "leadsmith.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if errs := c.Validate(); len(errs) > 0 {
		t.Fatal(errs)
	}
	errs := ValidateData(context.Background(), c)
	all := ""
	for _, e := range errs {
		all += e.Error() + "\n"
	}
	for _, w := range []string{
		`sources[0].columns.email: column "E-Mail" not found in header of contacts_2026.csv`,
		"sources[1].uri:", "no such file or folder",
		`sources[2].uri: no objects matching glob "*.jsonl"`,
	} {
		if !strings.Contains(all, w) {
			t.Errorf("missing %q in:\n%s", w, all)
		}
	}
	if strings.Contains(all, "full_name") {
		t.Errorf("a present header was reported:\n%s", all)
	}
}

// A headerless file's first row must never reach a message, whether it
// holds an email or only a name and a company.
func TestValidateData_HeaderlessFirstRowIsNeverPrinted(t *testing.T) {
	for _, c := range []struct{ name, first, want string }{
		{"values", "Ada,Lovelace,ada@example.com,+44 20 7946 0000\n", "looks like data"},
		{"names only", "Ada,Lovelace,Analytical Engines Ltd\n", "has no name a header would have"},
		{"a real header", "Given,Family,Employer\n", `header: "Given", "Family", "Employer"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			os.MkdirAll(filepath.Join(dir, "in"), 0o755)
			os.WriteFile(filepath.Join(dir, "in", "leads.csv"), []byte(c.first+"Bob,Smith,Acme\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "leadsmith.yaml"), []byte("sources:\n  - name: a\n    uri: ./in\n    columns: {email: Email}\nwork: w\noutput: o\nstate: s\n"), 0o644)
			cfg, err := LoadConfig(filepath.Join(dir, "leadsmith.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			errs := ValidateData(context.Background(), cfg)
			if len(errs) != 1 {
				t.Fatalf("errors = %v, want one", errs)
			}
			msg := errs[0].Error()
			if !strings.Contains(msg, c.want) {
				t.Errorf("message %q lacks %q", msg, c.want)
			}
			if c.name != "a real header" {
				for _, pii := range []string{"Ada", "Lovelace", "ada@", "7946", "Analytical"} {
					if strings.Contains(msg, pii) {
						t.Errorf("message carries %q: %s", pii, msg)
					}
				}
			}
		})
	}
}

func TestMatchGlob(t *testing.T) {
	tests := []struct {
		pattern, key string
		want         bool
	}{
		{"", "a/b.csv", true},
		{"*.csv", "b.csv", true},
		{"*.csv", "2026/11/b.csv", true},
		{"*.csv", "b.csv.gz", false},
		{"2026/*.csv", "2026/b.csv", true},
		{"2026/*.csv", "2026/11/b.csv", false},
		{"**/*.jsonl", "x/y/z.jsonl", true},
		{"**/*.jsonl", "z.jsonl", true},
		{"exports/**/part-*.parquet", "exports/a/b/part-1.parquet", true},
		{"exports/**/part-*.parquet", "other/a/part-1.parquet", false},
		{"*.{csv,tsv}", "a/b.tsv", true},
		{"2026/{10,11}/*.csv", "2026/11/b.csv", true},
		{"2026/{10,11}/*.csv", "2026/12/b.csv", false},
		{"[", "[", false},
	}
	for _, tc := range tests {
		if got := matchGlob(tc.pattern, tc.key); got != tc.want {
			t.Errorf("matchGlob(%q, %q) = %v, want %v", tc.pattern, tc.key, got, tc.want)
		}
	}
}

func TestObjectFormat(t *testing.T) {
	tests := []struct {
		configured, key string
		head            []byte
		want            string
	}{
		{"csv", "x.parquet", nil, "csv"},
		{"auto", "x.CSV.GZ", nil, "csv"},
		{"auto", "x.ndjson", nil, "jsonl"},
		{"auto", "x.parquet", nil, "parquet"},
		{"auto", "x.dat", nil, ""},
		{"auto", "x.dat", []byte("PAR1...."), "parquet"},
		{"auto", "x.dat", []byte("  {\"a\":1}"), "jsonl"},
		{"auto", "x.dat", []byte("a,b\n1,2"), "csv"},
	}
	for _, tc := range tests {
		if got := readers.Format(tc.configured, tc.key, tc.head); got != tc.want {
			t.Errorf("readers.Format(%q, %q, %q) = %q, want %q", tc.configured, tc.key, tc.head, got, tc.want)
		}
	}
}
