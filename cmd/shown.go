package cmd

import (
	"strings"

	"github.com/dealscout/dealscout/scout"
)

// shownSources joins a watch's sources as people see them: a feed URL's
// user, password and query values masked (scout.SourceSpec.ID), as channel
// URLs are. The watch itself keeps them whole, and export and --json print
// them whole for round trips.
func shownSources(srcs []string, sep string) string {
	out := make([]string, len(srcs))
	for i, raw := range srcs {
		spec, err := scout.ParseSourceSpec(raw)
		if err != nil {
			out[i] = scout.MaskURL(raw)
			continue
		}
		out[i] = spec.ID()
	}
	return strings.Join(out, sep)
}
