// Command bench is dealscout's performance harness (issue 13). It builds the
// release binary, generates listings, serves them from local fakes on
// 127.0.0.1 (a file: source, a paged eBay Browse API with its OAuth token
// endpoint, an RSS feed, a Discord webhook), drives the binary the way cron
// and a user do, and prints one table of medians, each against a ceiling
// measured in the same run by small control programs (a raw modernc upsert
// of the same rows; a bare net/http handler serving the same top-50 query).
//
//	go run ./bench            # the full run, under 10 minutes on 2 cores
//	go run ./bench -quick     # small sizes, a smoke test
//	go run ./bench -only api  # one group (see -list)
//
// It never reaches beyond 127.0.0.1: every source and channel URL it gives
// the binary points at a listener it opened on loopback.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	// The harness re-executes itself to run its control programs, so they
	// get a process of their own just as the binary does.
	if len(os.Args) > 1 && strings.HasPrefix(os.Args[1], "control-") {
		if err := runControl(os.Args[1], os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// options are the harness's flags.
type options struct {
	quick  bool
	only   []string
	reps   int
	keep   bool
	bin    string
	rev    string
	budget time.Duration
	limit  time.Duration
}

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	var only string
	var list bool
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.quick, "quick", false, "small sizes and one repetition: a smoke test, not a measurement")
	fs.StringVar(&only, "only", "", "run only these groups, comma-separated (see -list)")
	fs.BoolVar(&list, "list", false, "list the groups and exit")
	fs.IntVar(&o.reps, "reps", 0, "repetitions of each timed measurement (default 3, or 1 with -quick)")
	fs.BoolVar(&o.keep, "keep", false, "keep the work directory (databases, data files) and print its path")
	fs.StringVar(&o.bin, "bin", "", "measure this dealscout binary instead of building one (its size is still reported)")
	fs.StringVar(&o.rev, "rev", "", "build this git revision (e.g. HEAD) from `git archive` instead of the working tree, leaving out uncommitted edits")
	fs.DurationVar(&o.limit, "limit", 10*time.Minute, "start no group after this long (0 = no limit); groups left out are listed as not run")
	fs.DurationVar(&o.budget, "budget", 0, "stop any one dealscout process after this long and report the measure as stopped (default 60s, 30s with -quick)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "bench: unexpected argument %q; flags only (see -h)\n", fs.Arg(0))
		return 2
	}
	if list {
		for _, g := range groups {
			fmt.Fprintf(stdout, "%-10s %s\n", g.name, g.what)
		}
		return 0
	}
	if o.reps < 0 || o.reps > 50 {
		fmt.Fprintf(stderr, "bench: -reps must be 1–50 (got %d)\n", o.reps)
		return 2
	}
	if o.budget == 0 {
		o.budget = 60 * time.Second
		if o.quick {
			o.budget = 30 * time.Second
		}
	}
	if o.budget < time.Second {
		fmt.Fprintf(stderr, "bench: -budget must be at least 1s (got %s)\n", o.budget)
		return 2
	}
	if o.bin != "" && o.rev != "" {
		fmt.Fprintln(stderr, "bench: give -bin or -rev, not both")
		return 2
	}
	if o.reps == 0 {
		o.reps = 3
		if o.quick {
			o.reps = 1
		}
	}
	if only != "" {
		for _, n := range strings.Split(only, ",") {
			n = strings.TrimSpace(n)
			if !slices.ContainsFunc(groups, func(g group) bool { return g.name == n }) {
				fmt.Fprintf(stderr, "bench: -only: no group %q; groups are %s\n", n, groupNames())
				return 2
			}
			o.only = append(o.only, n)
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	started := time.Now() // the limit counts the build too
	h, err := newHarness(ctx, o, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	defer h.close()
	failed := false
	for _, g := range groups {
		if len(o.only) > 0 && !slices.Contains(o.only, g.name) {
			continue
		}
		if o.limit > 0 && time.Since(started) > o.limit {
			h.notMeasured(g.name, fmt.Sprintf("not run: the harness's %s limit was reached (-limit 0 runs every group)", o.limit))
			continue
		}
		h.logf("== %s: %s", g.name, g.what)
		gs := time.Now()
		if err := g.run(ctx, h); err != nil {
			// One broken group must not hide the others' figures.
			failed = true
			h.add(row{measure: g.name, note: "error: " + err.Error()})
			h.logf("%s failed: %v", g.name, err)
		}
		h.logf("   %s took %s", g.name, time.Since(gs).Round(100*time.Millisecond))
		if ctx.Err() != nil {
			break
		}
	}
	h.printTable(stdout, time.Since(started))
	if failed || ctx.Err() != nil {
		return 1
	}
	return 0
}

// group is a set of measurements that share their setup; -only names groups.
type group struct {
	name, what string
	run        func(context.Context, *harness) error
}

var groups = []group{
	{"binary", "release binary size", measureBinary},
	{"ingest", "poll of new listings from file:, a paged fake eBay and a fake feed; unchanged and 10 % re-polls; raw upsert ceiling", measureIngest},
	{"memory", "peak RSS of a file: poll of many new listings and of the same with every price changed; growth 10×", measureMemory},
	{"filemem", "peak RSS of a file: poll of many listings none of which matches: the source and store without comps", measureFileMemory},
	{"feed", "peak RSS of a poll of a 10 MB feed", measureFeed10MB},
	{"store", "re-score every deal, cold start of a poll with nothing due, bytes per stored listing", measureStored},
	{"alert", "one new free listing to a fake Discord webhook, from the start of poll", measureAlert},
	{"prune", "prune keeps the database bounded over a simulated year", measurePrune},
	{"api", "serve: GET /api/v1/deals and the deals page against a bare net/http handler; idle and loaded RSS", measureAPI},
}

func groupNames() string {
	var n []string
	for _, g := range groups {
		n = append(n, g.name)
	}
	return strings.Join(n, ", ")
}
