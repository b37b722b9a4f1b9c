package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/leadsmith/leadsmith/fixtures"
	"github.com/leadsmith/leadsmith/fixtures/feed"
	"github.com/leadsmith/leadsmith/internal/fixtureconfig"
	"github.com/spf13/cobra"
)

func newFixturesCmd(g *globalFlags, stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "fixtures", Short: "Synthetic data with ground truth"}
	var o fixtures.Options
	var now string
	var fo feed.Options
	gen := &cobra.Command{
		Use:   "generate",
		Short: "Write realistic messy B2B contacts and activity events, plus a leadsmith.yaml that reads them",
		Long: "Write realistic messy B2B contacts from several sources (CSV, gzip CSV, JSON lines,\n" +
			"Parquet) and activity events, deterministic by --seed, reference account files\n" +
			"(accounts/crm_accounts.csv, accounts/firmographics.csv), true_entity_id and\n" +
			"true_account_id columns for evaluation only, and a leadsmith.yaml in --out that\n" +
			"reads them (its enrich section reads the account files).\n\n" +
			"With --nights K (K >= 2) it writes K nights of a feed: night 1 as above, then daily\n" +
			"deltas (new people, new records of known people, CRM edits and tombstones, that\n" +
			"night's events), each night in folders named by its date, and truth/nights.csv; the\n" +
			"account files are written once, as of night 1.",
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
			if err := checkNightFlags(cmd, &fo); err != nil {
				return err
			}
			if fo.Nights > 1 {
				fo.Options = o
				return generateFeed(cmd.Context(), log, fo, stdout)
			}
			start := time.Now()
			sum, err := fixtures.Generate(cmd.Context(), o)
			if err != nil {
				return failedErr(err)
			}
			header := "# Written by `leadsmith fixtures generate`: reads the generated sources beside it.\n"
			if err := fixtureconfig.Write(o.OutDir, fixtures.Sources(), fixtures.ActivitiesSpec(), header); err != nil {
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
	gen.Flags().StringVar(&now, "now", "", "reference date of the activity window, YYYY-MM-DD (default 2026-11-23); with --nights, the end of night 1")
	gen.Flags().IntVar(&fo.Nights, "nights", 1, "nights of a feed to write: night 1 in full, then daily deltas")
	gen.Flags().IntVar(&fo.NightContacts, "night-contacts", 0, "records of each night after the first, edits and tombstones included (0: 2% of --contacts)")
	gen.Flags().Float64Var(&fo.UpdateShare, "night-updates", 0.2, "share of a later night's records that edit a live CRM record")
	gen.Flags().Float64Var(&fo.DeleteShare, "night-deletes", 0.02, "share of a later night's records that are CRM tombstones")
	gen.Flags().Float64Var(&fo.KnownShare, "night-known", 0.3, "share of a later night's new records that belong to people already known")
	gen.Flags().IntVar(&fo.NightActivities, "night-activities", 0, "activity events of each night after the first (0: --activities/180, -1: none)")
	cmd.AddCommand(gen)
	return cmd
}

// checkNightFlags validates the feed flags and turns the command line's
// 0 ("none") into feed.Options' "none" (< 0).
func checkNightFlags(cmd *cobra.Command, fo *feed.Options) error {
	if fo.Nights < 1 {
		return usageErr(fmt.Errorf("--nights: must be 1 or more, got %d", fo.Nights))
	}
	if fo.Nights == 1 {
		for _, f := range []string{"night-contacts", "night-updates", "night-deletes", "night-known", "night-activities"} {
			if cmd.Flags().Changed(f) {
				return usageErr(fmt.Errorf("--%s: only with --nights 2 or more", f))
			}
		}
		return nil
	}
	if fo.NightContacts < 0 {
		return usageErr(fmt.Errorf("--night-contacts: must be positive, got %d", fo.NightContacts))
	}
	for _, x := range []struct {
		name string
		v    *float64
	}{{"night-updates", &fo.UpdateShare}, {"night-deletes", &fo.DeleteShare}, {"night-known", &fo.KnownShare}} {
		if *x.v < 0 || *x.v > 1 {
			return usageErr(fmt.Errorf("--%s: must be in [0, 1], got %g", x.name, *x.v))
		}
		if *x.v == 0 {
			*x.v = -1
		}
	}
	if max(fo.UpdateShare, 0)+max(fo.DeleteShare, 0) > 1 {
		return usageErr(fmt.Errorf("--night-updates + --night-deletes: must be at most 1, got %g", fo.UpdateShare+fo.DeleteShare))
	}
	return nil
}

// generateFeed writes a feed of several nights and its config.
func generateFeed(ctx context.Context, log *slog.Logger, fo feed.Options, stdout io.Writer) error {
	start := time.Now()
	sum, err := feed.Generate(ctx, fo)
	if err != nil {
		return failedErr(err)
	}
	header := fmt.Sprintf("# Written by `leadsmith fixtures generate --nights %d`: reads the generated feed beside it.\n", len(sum.Nights))
	for _, l := range sum.Layout() {
		header += "#   " + l + "\n"
	}
	if err := fixtureconfig.Write(fo.OutDir, feed.Sources(), feed.ActivitiesSpec(), header); err != nil {
		return failedErr(err)
	}
	for _, n := range sum.Nights {
		log.Info("night generated", "night", n.Night, "date", n.Date, "records", n.Records, "new_people", n.Entities,
			"known", n.Known, "updates", n.Updates, "deletes", n.Deletes, "activities", n.Events, "files", len(n.Files))
	}
	log.Info("fixtures generated", "nights", len(sum.Nights), "files", len(sum.Files), "duration_ms", time.Since(start).Milliseconds())
	first, last := sum.Nights[0], sum.Nights[len(sum.Nights)-1]
	fmt.Fprintf(stdout, "wrote %d nights (%s to %s) to %s (truth: %s, config: %s)\n", len(sum.Nights), first.Date, last.Date,
		fo.OutDir, filepath.Join(fo.OutDir, filepath.FromSlash(feed.TruthFile)), filepath.Join(fo.OutDir, "leadsmith.yaml"))
	return nil
}
