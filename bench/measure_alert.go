package main

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// measureAlert times one new free listing from the start of `poll` to the
// fake Discord's receipt of its alert, on a watch that already holds a
// thousand listings (its backfill poll sends nothing).
func measureAlert(ctx context.Context, h *harness) error {
	f, err := h.theFakes()
	if err != nil {
		return err
	}
	in, err := h.newInstance("alert", "DEALSCOUT_DISCORD_API_URL="+f.base)
	if err != nil {
		return err
	}
	if _, err := in.run(ctx, "channel", "add", "discord", "discord://123456789012345678/bench-webhook-token"); err != nil {
		return err
	}
	items := genItems(0, 1000)
	path := filepath.Join(in.dir, "listings.jsonl")
	if err := writeJSONL(path, items); err != nil {
		return err
	}
	if _, err := in.run(ctx, "watch", "add", "bench", "--query", "table", "--source", "file:"+path, "--notify", "discord",
		"--every", "24h", "--digest", "off"); err != nil {
		return err
	}
	if _, err := in.run(ctx, "poll", "--all"); err != nil { // the backfill
		return err
	}
	drain(f)
	var lat []float64
	for k := range h.sz.alerts {
		free := genItems(900_000+k, 1)[0]
		free.title, free.cents, free.condition = fmt.Sprintf("FREE oak coffee table %d, curb alert", k), 0, "good"
		items = append(items, free)
		if err := writeJSONL(path, items); err != nil {
			return err
		}
		drain(f)
		started := time.Now()
		if _, err := in.run(ctx, "poll", "--all"); err != nil {
			return err
		}
		at, ok := waitDiscord(f, 5*time.Second)
		if !ok {
			return fmt.Errorf("alert %d: the fake Discord received nothing within 5 s of the poll's end", k+1)
		}
		lat = append(lat, secs(at.Sub(started)))
	}
	m := median(lat)
	h.add(row{measure: fmt.Sprintf("alert latency: new free listing → fake Discord, from poll start (median of %d)", len(lat)),
		measured: fmtSecs(m), ceiling: "max " + fmtSecs(maxOf(lat)), target: "≤ 500 ms", verdict: verdict(m <= 0.5)})
	return nil
}

func maxOf(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

// hasCommand tells whether the binary has a subcommand, by its help: cobra
// answers "--help" after an unknown command with the root's help, so the
// usage line has to name the command.
func (h *harness) hasCommand(ctx context.Context, args ...string) bool {
	c := exec.CommandContext(ctx, h.bin, append(args, "--help")...)
	c.Env = []string{"HOME=" + h.dir}
	c.Dir = h.dir
	out, err := c.CombinedOutput()
	return err == nil && strings.Contains(string(out), "dealscout "+strings.Join(args, " "))
}
