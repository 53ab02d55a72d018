package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// sizes are the workloads; -quick shrinks them so a smoke run takes a minute.
type sizes struct {
	ingest    int           // new listings per source in the ingest group
	big       int           // listings in the memory group and the stored database
	small     int           // the growth baseline: big is 10× this
	feedBytes int           // size of the large feed
	apiLoad   time.Duration // how long each load run lasts
	apiMax    int           // requests per load run at most
	alerts    int           // alert-latency samples
	colds     int           // cold-start samples
}

var fullSizes = sizes{ingest: 20_000, big: 100_000, small: 10_000, feedBytes: 10_000_000,
	apiLoad: 5 * time.Second, apiMax: 500_000, alerts: 7, colds: 11}

var quickSizes = sizes{ingest: 2_000, big: 10_000, small: 1_000, feedBytes: 1_000_000,
	apiLoad: time.Second, apiMax: 50_000, alerts: 3, colds: 5}

// harness holds what every measurement shares: the binary, the work
// directory, the table being filled.
type harness struct {
	o        options
	sz       sizes
	dir      string // work directory, removed at the end unless -keep
	bin      string // the dealscout binary measured
	self     string // this program, re-executed for the control programs
	revision string // the commit built with -rev
	stderr   io.Writer

	mu   sync.Mutex
	rows []row

	big *instance // a database holding sz.big polled listings, made once (see storedDB)
	fk  *fakes    // the loopback fakes, started on first use
}

// row is one line of the table.
type row struct {
	measure, measured, ceiling, ratio, target string
	verdict                                   string // "pass", "FAIL", or "" when there is no target to meet
	note                                      string // shown instead of figures when the measure could not run
}

func newHarness(ctx context.Context, o options, stderr io.Writer) (*harness, error) {
	h := &harness{o: o, sz: fullSizes, stderr: stderr}
	if o.quick {
		h.sz = quickSizes
	}
	dir, err := os.MkdirTemp("", "dealscout-bench-")
	if err != nil {
		return nil, fmt.Errorf("make work directory: %w", err)
	}
	h.dir = dir
	if h.self, err = os.Executable(); err != nil {
		h.close()
		return nil, fmt.Errorf("find own executable: %w", err)
	}
	if o.bin != "" {
		if h.bin, err = filepath.Abs(o.bin); err != nil {
			h.close()
			return nil, err
		}
		return h, nil
	}
	if err := h.build(ctx); err != nil {
		h.close()
		return nil, err
	}
	return h, nil
}

// build compiles the release binary the way a release is built: no cgo,
// trimmed paths, stripped symbols.
func (h *harness) build(ctx context.Context) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	h.bin = filepath.Join(h.dir, "dealscout")
	started := time.Now()
	if h.o.rev != "" {
		// A clean copy of the revision, so edits in the working tree (ours
		// or anyone's) are left out.
		src := filepath.Join(h.dir, "src")
		if err := os.Mkdir(src, 0o700); err != nil {
			return err
		}
		tarball := filepath.Join(h.dir, "src.tar")
		archive := exec.CommandContext(ctx, "git", "archive", "--format=tar", "-o", tarball, h.o.rev)
		archive.Dir = root
		if out, err := archive.CombinedOutput(); err != nil {
			return fmt.Errorf("git archive %s: %w\n%s", h.o.rev, err, out)
		}
		untar := exec.CommandContext(ctx, "tar", "-xf", tarball, "-C", src)
		if out, err := untar.CombinedOutput(); err != nil {
			return fmt.Errorf("unpack %s: %w\n%s", h.o.rev, err, out)
		}
		rev := exec.CommandContext(ctx, "git", "rev-parse", "--short", h.o.rev)
		rev.Dir = root
		out, _ := rev.Output()
		h.revision = strings.TrimSpace(string(out))
		root = src
	}
	h.logf("building the release binary (CGO_ENABLED=0 -trimpath -ldflags \"-s -w\")%s…", map[bool]string{true: " of " + h.o.rev + " " + h.revision}[h.o.rev != ""])
	c := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", h.bin, ".")
	c.Dir = root
	c.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := c.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %w\n%s", err, out)
	}
	h.logf("   built in %s", time.Since(started).Round(100*time.Millisecond))
	return nil
}

// moduleRoot is the directory holding go.mod, found from the working
// directory upwards, so the harness runs from anywhere inside the clone.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil && strings.Contains(string(b), "module github.com/dealscout/dealscout\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("run the harness inside the dealscout clone (no go.mod of github.com/dealscout/dealscout above %s)", dir)
		}
		dir = parent
	}
}

func (h *harness) close() {
	if h.fk != nil {
		h.fk.close()
	}
	if h.dir == "" {
		return
	}
	if h.o.keep {
		h.logf("work directory kept: %s", h.dir)
		return
	}
	_ = os.RemoveAll(h.dir)
}

func (h *harness) logf(format string, a ...any) {
	fmt.Fprintf(h.stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, a...)...)
}

func (h *harness) add(r row) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.rows = append(h.rows, r)
}

// notMeasured records a measure that could not be taken, and why, instead
// of a number.
func (h *harness) notMeasured(measure, why string) {
	if !strings.HasPrefix(why, "not run") {
		why = "not measured: " + why
	}
	h.add(row{measure: measure, note: why})
	h.logf("   %s: %s", measure, why)
}

// workdir makes a fresh directory under the work directory.
func (h *harness) workdir(name string) (string, error) {
	return os.MkdirTemp(h.dir, name+"-")
}

func (h *harness) printTable(w io.Writer, took time.Duration) {
	mode := "full"
	if h.o.quick {
		mode = "quick (reduced sizes: pass/fail is indicative only)"
	}
	switch {
	case h.o.rev != "":
		mode += ", binary built from " + h.o.rev + " (" + h.revision + ")"
	case h.o.bin != "":
		mode += ", binary " + h.o.bin
	default:
		mode += ", binary built from the working tree"
	}
	mode += fmt.Sprintf(", budget %s per process", h.o.budget)
	fmt.Fprintf(w, "\ndealscout bench — %s, %d repetition(s), medians; %d CPUs, %s, %s; took %s\n\n",
		mode, h.o.reps, runtime.NumCPU(), runtime.Version(), time.Now().UTC().Format("2006-01-02 15:04 UTC"), took.Round(time.Second))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "measure\tmeasured\tceiling\tratio\ttarget\tresult")
	fmt.Fprintln(tw, "-------\t--------\t-------\t-----\t------\t------")
	h.mu.Lock()
	defer h.mu.Unlock()
	var long []string
	for _, r := range h.rows {
		if r.note != "" {
			note := strings.ReplaceAll(r.note, "\n", " ")
			if len([]rune(note)) > 90 { // errors are listed in full under the table
				long = append(long, fmt.Sprintf("[%d] %s: %s", len(long)+1, r.measure, note))
				note = fmt.Sprintf("error [%d], below", len(long))
			}
			fmt.Fprintf(tw, "%s\t%s\t\t\t\t\n", r.measure, note)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.measure, dash(r.measured), dash(r.ceiling), dash(r.ratio), dash(r.target), dash(r.verdict))
	}
	_ = tw.Flush()
	if len(long) > 0 {
		fmt.Fprintln(w)
		for _, l := range long {
			fmt.Fprintln(w, l)
		}
	}
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func verdict(ok bool) string {
	if ok {
		return "pass"
	}
	return "FAIL"
}
