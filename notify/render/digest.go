package render

import (
	"fmt"
	"sort"

	"github.com/dealscout/dealscout/notify"
)

// Band is a score range; channels colour and prioritise by it.
type Band int

// Score bands, low to high.
const (
	BandLow  Band = iota // below 60
	BandMid              // 60 to 79
	BandHigh             // 80 and above
)

// BandOf puts a score in its band.
func BandOf(score float64) Band {
	switch {
	case score >= 80:
		return BandHigh
	case score >= 60:
		return BandMid
	}
	return BandLow
}

// Label names the band in a digest.
func (b Band) Label() string {
	switch b {
	case BandHigh:
		return "Top deals (score 80+)"
	case BandMid:
		return "Good deals (score 60–79)"
	}
	return "Other matches"
}

// Group is the digest's deals of one band, best first.
type Group struct {
	Band  Band
	Deals []notify.Deal
}

// Groups splits deals into bands, best band first and best deal first in
// each; empty bands are left out. The input is not modified.
func Groups(deals []notify.Deal) []Group {
	sorted := append([]notify.Deal(nil), deals...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Score > sorted[j].Score })
	var groups []Group
	for _, d := range sorted {
		b := BandOf(d.Score)
		if len(groups) == 0 || groups[len(groups)-1].Band != b {
			groups = append(groups, Group{Band: b})
		}
		g := &groups[len(groups)-1]
		g.Deals = append(g.Deals, d)
	}
	return groups
}

// More is the digest's tail line, "and 3 more"; "" when more is 0.
func More(more int) string {
	if more <= 0 {
		return ""
	}
	return fmt.Sprintf("and %d more", more)
}

// DigestLines is a digest as plain text: a heading per band, one line per
// deal with its link, then "and N more".
func DigestLines(m notify.Message) []string {
	var lines []string
	for _, g := range Groups(m.Deals) {
		lines = append(lines, g.Band.Label()+":")
		for _, d := range g.Deals {
			lines = append(lines, "- "+Brief(d))
			if d.URL != "" {
				lines = append(lines, "  "+d.URL)
			}
			if d.PageURL != "" {
				lines = append(lines, "  "+pageLine(d))
			}
		}
	}
	if s := More(m.More); s != "" {
		lines = append(lines, s)
	}
	return lines
}
