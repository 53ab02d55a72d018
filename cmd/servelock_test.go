package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dealscout/dealscout/store"
)

// While serve runs, restore, migrate down and migrate redo would swap or
// reshape the database under its open handle: they are refused with exit 75,
// naming serve's pid, and leave the database as it was; once serve stops,
// restore works.
func TestRestoreAndMigrateDownRefusedWhileServeRuns(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.ok("watch", "add", "chairs", "--query", "chair")
	c.ok("backup", "before.db")
	c.ok("watch", "add", "lamps", "--query", "lamp")
	s := startServe(t, c, "--no-scheduler")
	want := fmt.Sprintf("stop dealscout serve first (pid %d)", os.Getpid())
	for _, args := range [][]string{{"restore", "before.db"}, {"migrate", "down", "--yes"}, {"migrate", "redo", "--yes"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, out, errs := c.run(args...)
			if code != ExitLocked || !strings.Contains(errs, want) {
				t.Errorf("exit %d, stderr %q; want %d and %q\nstdout: %s", code, errs, ExitLocked, want, out)
			}
			if got := c.ok("watch", "list"); !strings.Contains(got, "lamps") {
				t.Errorf("the refused command changed the database: watch list = %q", got)
			}
		})
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("serve exited %d\nstderr: %s", code, s.stderr)
	}
	c.ok("restore", "before.db")
	if got := c.ok("watch", "list"); strings.Contains(got, "lamps") {
		t.Errorf("restore after serve stopped did not restore: %q", got)
	}
}

// While a restore or migrate down holds the serve lock, serve does not open
// the database: exit 75 with the reason.
func TestServeRefusedWhileTheDatabaseIsBeingReplaced(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	lock, err := store.ExcludeServe(filepath.Join(c.dir, "dealscout.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = lock.Release() }()
	code, out, errs := c.run("serve", "--addr", "127.0.0.1:0", "--no-scheduler")
	if code != ExitLocked || !strings.Contains(errs, "restore or migrate down") || strings.Contains(out, "serving on") {
		t.Errorf("serve exit %d, stderr %q, stdout %q; want %d naming the restore or migrate down, not serving", code, errs, out, ExitLocked)
	}
}
