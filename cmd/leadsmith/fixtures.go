package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/leadsmith/leadsmith/fixtures"
	"github.com/spf13/cobra"
	"gopkg.in/yaml.v3"
)

func newFixturesCmd(g *globalFlags, stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "fixtures", Short: "Synthetic data with ground truth"}
	var o fixtures.Options
	var now string
	gen := &cobra.Command{
		Use:   "generate",
		Short: "Write realistic messy B2B contacts and activity events, plus a leadsmith.yaml that reads them",
		Long: "Write realistic messy B2B contacts from several sources (CSV, gzip CSV, JSON lines,\n" +
			"Parquet) and activity events, deterministic by --seed, with a true_entity_id column\n" +
			"for evaluation only, and a leadsmith.yaml in --out that reads them.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, _, err := newLogger(g, stderr)
			if err != nil {
				return err
			}
			if o.OutDir == "" {
				return usageErr(fmt.Errorf("--out: required"))
			}
			if o.Contacts < 0 {
				return usageErr(fmt.Errorf("--contacts: must be positive, got %d", o.Contacts))
			}
			if o.DupRate < 0 || o.DupRate >= 1 {
				return usageErr(fmt.Errorf("--dup-rate: must be in [0, 1), got %g", o.DupRate))
			}
			if now != "" {
				t, err := time.Parse("2006-01-02", now)
				if err != nil {
					return usageErr(fmt.Errorf("--now: %q is not a date like 2026-11-23", now))
				}
				o.Now = t
			}
			if o.DupRate == 0 {
				o.DupRate = -1 // fixtures.Options reads 0 as "default"; on the command line 0 means none
			}
			start := time.Now()
			sum, err := fixtures.Generate(cmd.Context(), o)
			if err != nil {
				return failedErr(err)
			}
			if err := writeFixturesConfig(o.OutDir); err != nil {
				return failedErr(err)
			}
			log.Info("fixtures generated", "records", sum.Records, "entities", sum.Entities,
				"activities", sum.Activities, "files", len(sum.Files), "duration_ms", time.Since(start).Milliseconds())
			fmt.Fprintf(stdout, "wrote %d records of %d people and %d activity events to %s (config: %s)\n",
				sum.Records, sum.Entities, sum.Activities, o.OutDir, filepath.Join(o.OutDir, "leadsmith.yaml"))
			return nil
		},
	}
	gen.Flags().IntVar(&o.Contacts, "contacts", 20000, "contact records to write, duplicates included")
	gen.Flags().Int64Var(&o.Seed, "seed", 1, "random seed: the same seed writes the same bytes")
	gen.Flags().Float64Var(&o.DupRate, "dup-rate", 0.3, "share of records that are extra copies of a person")
	gen.Flags().IntVar(&o.Activities, "activities", 0, "activity events to write (0: three per contact, -1: none)")
	gen.Flags().StringVar(&o.OutDir, "out", "", "output folder")
	gen.Flags().StringVar(&now, "now", "", "reference date of the activity window, YYYY-MM-DD (default 2026-11-23)")
	cmd.AddCommand(gen)
	return cmd
}

// writeFixturesConfig writes a config that reads the generated sources
// from its own folder, with work and output beside them.
func writeFixturesConfig(dir string) error {
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
	}
	cfg.Version = 1
	specs := fixtures.Sources()
	sort.SliceStable(specs, func(i, j int) bool { return specs[i].Priority < specs[j].Priority })
	for _, s := range specs {
		cfg.Sources = append(cfg.Sources, conv(s))
	}
	a := conv(fixtures.ActivitiesSpec())
	a.Priority = 0
	cfg.Activities = &a
	cfg.Work, cfg.Output, cfg.State = "_work", "_output", "_state"
	data, err := yaml.Marshal(&cfg)
	if err != nil {
		return err
	}
	header := "# Written by `leadsmith fixtures generate`: reads the generated sources beside it.\n"
	data = append([]byte(header), data...)
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
