package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Issue 12 item 9: a database the user may read but not write (a 0444 file
// in a 0555 directory, as on a read-only mount or another user's data)
// still serves the commands that only read: watch list, deals, backup.
//
// Root ignores permission bits, so as root the commands run as the unprivileged
// user nobody (uid 65534): the kernel, not a test hook, refuses the writes,
// exactly as for a real user. As any other user they run as that user.
func TestReadOnlyDatabaseServesReads(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.ok("watch", "add", "chairs", "--query", "chair", "--source", "demo")
	e.ok("poll")
	out := t.TempDir() // where the backup goes: writable by the user below
	for _, d := range []string{filepath.Dir(e.dir), filepath.Dir(out), filepath.Dir(binPath)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(out, 0o777); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{e.db + "-wal", e.db + "-shm"} {
		if _, err := os.Stat(f); err == nil {
			t.Fatalf("%s left behind after the poll; the test wants a cleanly closed database", f)
		}
	}
	if err := os.Chmod(e.db, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(e.dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(e.dir, 0o755) })
	before, err := os.ReadFile(e.db)
	if err != nil {
		t.Fatal(err)
	}

	run := func(args ...string) (int, string, string) {
		cmd := exec.Command(binPath, args...)
		cmd.Dir = e.dir
		cmd.Env = e.vars
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if os.Getuid() == 0 {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		}
		_ = cmd.Run()
		return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
	}
	// The premise: this user really cannot write the file.
	code, _, stderr := run("watch", "add", "lamps", "--query", "lamp")
	if code == 0 {
		t.Fatal("watch add succeeded on the read-only database: the test's premise does not hold")
	}
	if !strings.Contains(stderr, "read-only to this user") {
		t.Errorf("watch add on a read-only database says %q, want it to say the database is read-only", stderr)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"watch", "list"}, "chairs"},
		{[]string{"watch", "show", "chairs"}, "chair"},
		{[]string{"deals", "--json"}, `"watch": "chairs"`},
		{[]string{"backup", filepath.Join(out, "copy.db")}, "integrity ok"},
	} {
		code, stdout, stderr := run(tt.args...)
		if code != 0 || !strings.Contains(stdout, tt.want) {
			t.Errorf("dealscout %s on a read-only database: exit %d, want 0 and %q\nstdout: %.300s\nstderr: %s",
				strings.Join(tt.args, " "), code, tt.want, stdout, stderr)
		}
	}
	if code, stdout, _ := run("--db", filepath.Join(out, "copy.db"), "watch", "list"); code != 0 || !strings.Contains(stdout, "chairs") {
		t.Errorf("the backup taken read-only does not hold the watch: exit %d %q", code, stdout)
	}
	after, err := os.ReadFile(e.db)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("the read-only database file changed")
	}
}
