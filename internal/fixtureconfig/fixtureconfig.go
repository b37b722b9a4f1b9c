// Package fixtureconfig writes the leadsmith.yaml that reads generated
// fixtures (package fixtures, and the nights of fixtures/feed): the CLI's
// `fixtures generate` and the tests that replay a feed share it. It knows
// the config file's shape and the fixtures' source specs, nothing of how
// the pipeline runs.
package fixtureconfig

import (
	"os"
	"path/filepath"
	"sort"

	"github.com/leadsmith/leadsmith/fixtures"
	"gopkg.in/yaml.v3"
)

// Write writes <dir>/leadsmith.yaml, a config that reads the generated sources
// from its own folder, with work and output beside them, and whose enrich
// section reads the reference account files (fixtures.AccountSources).
func Write(dir string, specs []fixtures.SourceSpec, act fixtures.SourceSpec, header string) error {
	type src struct {
		Name     string            `yaml:"name"`
		URI      string            `yaml:"uri"`
		Glob     string            `yaml:"glob,omitempty"`
		Format   string            `yaml:"format"`
		CSV      map[string]string `yaml:"csv,omitempty"`
		Columns  map[string]string `yaml:"columns"`
		Priority int               `yaml:"priority,omitempty"`
	}
	conv := func(s fixtures.SourceSpec) src {
		out := src{Name: s.Name, URI: ".", Glob: s.Glob, Format: s.Format, Columns: s.Columns, Priority: s.Priority}
		if s.Delimiter != "" || s.Encoding != "" {
			out.CSV = map[string]string{}
			if s.Delimiter != "" {
				out.CSV["delimiter"] = s.Delimiter
			}
			if s.Encoding != "" {
				out.CSV["encoding"] = s.Encoding
			}
		}
		return out
	}
	var cfg struct {
		Version    int    `yaml:"version"`
		Sources    []src  `yaml:"sources"`
		Activities *src   `yaml:"activities"`
		Work       string `yaml:"work"`
		Output     string `yaml:"output"`
		State      string `yaml:"state"`
		Enrich     struct {
			Accounts []src `yaml:"accounts"`
		} `yaml:"enrich"`
	}
	cfg.Version = 1
	sort.SliceStable(specs, func(i, j int) bool { return specs[i].Priority < specs[j].Priority })
	for _, s := range specs {
		cfg.Sources = append(cfg.Sources, conv(s))
	}
	a := conv(act)
	a.Priority = 0
	cfg.Activities = &a
	cfg.Work, cfg.Output, cfg.State = "_work", "_output", "_state"
	for _, s := range fixtures.AccountSources() {
		cfg.Enrich.Accounts = append(cfg.Enrich.Accounts, conv(s))
	}
	data, err := yaml.Marshal(&cfg)
	if err != nil {
		return err
	}
	data = append([]byte(header), data...)
	data = append(data, "profile:\n  # the report measures matching against the generator's truth\n  truth_column: "+fixtures.TrueEntityColumn+"\n"...)
	data = append(data, fixturesScoreSection...)
	return os.WriteFile(filepath.Join(dir, "leadsmith.yaml"), data, 0o644)
}

// fixturesScoreSection gives the generated config an example sales
// organisation, so routing has owners to assign; fit, engagement and
// segments keep leadsmith's documented defaults.
const fixturesScoreSection = `score:
  routing:
    fallback_queue: unassigned
    teams:
      - {name: na_enterprise, members: [avery.jones, blake.kim, casey.lee]}
      - {name: na_commercial, members: [dana.ortiz, eli.brown]}
      - {name: emea, members: [frida.nilsen, gustav.weber, helene.martin]}
      - {name: apac, members: [ito.kenji, jia.wen]}
      - {name: inside_sales, members: [kai.muller, lena.rossi, mo.ali, nora.white]}
    territories:
      - {name: inside_sales, when: 'queue == "inside_sales"', team: inside_sales}
      - {name: na_enterprise, when: 'region == "NA" and employee_band >= "1001-5000"', team: na_enterprise}
      - {name: na_commercial, when: 'region == "NA"', team: na_commercial}
      - {name: emea, when: 'region == "EMEA"', team: emea}
      - {name: apac, when: 'region == "APAC"', team: apac}
`
