// Package e2e drives the real dealscout binary the way a user or cron does:
// separate processes against one SQLite file, with local httptest fakes for
// every source and channel. It holds tests only (issue #6: reliability and
// security) and never touches the internet.
//
// The long tests (SIGKILL loop, contention, backup storm) are skipped under
// -short. Knobs: DEALSCOUT_E2E_LONG=1 runs 300 kills instead of 50;
// DEALSCOUT_E2E_CONTENTION=10s shortens (or lengthens) the 30 s contention run.
package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// binPath is the dealscout binary TestMain builds once for every test.
var binPath string

// moduleRoot is where `go build .` builds the binary: this package's parent.
var moduleRoot = ".."

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "dealscout-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binPath = filepath.Join(dir, "dealscout")
	// A plain build, even when this test binary is built with -race: the
	// product ships without the race detector, and plain processes keep the
	// timing of the kill and contention tests close to production.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-o", binPath, ".")
	build.Dir = moduleRoot
	started := time.Now()
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build failed after %s: %v\n%s", time.Since(started).Round(time.Millisecond), err, out)
		return 1
	}
	return m.Run()
}
