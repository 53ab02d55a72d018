package cmd

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Set by -ldflags "-X github.com/dealscout/dealscout/cmd.version=… -X …commit=… -X …date=…".
var (
	version = ""
	commit  = ""
	date    = ""
)

// BuildInfo describes this binary.
type BuildInfo struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
	Go      string `json:"go"`
}

// Build returns the version, commit and date from ldflags, falling back to
// what the Go toolchain stamped into the binary.
func Build() BuildInfo {
	b := BuildInfo{Version: version, Commit: commit, Date: date, Go: runtime.Version()}
	if info, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && b.Commit == "":
				b.Commit = s.Value
			case s.Key == "vcs.time" && b.Date == "":
				b.Date = s.Value
			}
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	if b.Date == "" {
		b.Date = "unknown"
	}
	return b
}

func newVersionCmd(a *app) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "version",
		Short: "Print version, commit and build date",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b := Build()
			if asJSON {
				return json.NewEncoder(a.stdout()).Encode(b)
			}
			_, err := io.WriteString(a.stdout(), versionLine(b))
			return err
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

// addVersionFlag gives the root command --version, printing what `version`
// prints.
func addVersionFlag(root *cobra.Command) {
	b := Build()
	root.Version = b.Version
	root.SetVersionTemplate(versionLine(b))
}

func versionLine(b BuildInfo) string {
	return fmt.Sprintf("dealscout %s (commit %s, built %s, %s)\n", b.Version, b.Commit, b.Date, b.Go)
}
