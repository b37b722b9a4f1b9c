package main

import (
	"fmt"
	"io"
	"runtime"

	"github.com/leadsmith/leadsmith/etl"
	"github.com/leadsmith/leadsmith/internal/version"
	"github.com/spf13/cobra"
)

func newVersionCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the leadsmith version",
		Args:  cobra.NoArgs,
		Run: func(*cobra.Command, []string) {
			fmt.Fprintf(stdout, "leadsmith %s (%s, %s/%s)\n", version.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		},
	}
}

func newConfigCmd(stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "config", Short: "Work with config files"}
	var path string
	validate := &cobra.Command{
		Use:   "validate",
		Short: "Check a config and the sources it names; print every problem at once",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(path)
			if err != nil {
				return err
			}
			if errs := etl.ValidateData(cmd.Context(), cfg); len(errs) > 0 {
				return usageErr(joinProblems(path, errs))
			}
			fmt.Fprintf(stdout, "config %s is valid: %d source(s), activities: %v\n", path, len(cfg.Sources), cfg.Activities != nil)
			return nil
		},
	}
	validate.Flags().StringVarP(&path, "config", "c", "leadsmith.yaml", "config file")
	cmd.AddCommand(validate)
	return cmd
}
