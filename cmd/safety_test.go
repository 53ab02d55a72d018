package cmd

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fileSum is the SHA-256 of a file, or "" when it does not exist.
func fileSum(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return string(s[:])
}

// Item 1: a command that writes a file never writes over the database or the
// files SQLite and the poll lock keep beside it, however the path is spelled.
func TestWritingCommandsRefuseTheDatabaseFiles(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.ok("watch", "add", "chairs", "--query", "chair")
	db := filepath.Join(c.dir, "dealscout.db")
	sub := filepath.Join(c.dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"link.db": "dealscout.db", "wal-link": "dealscout.db-wal",
		"sub/up.db": "../dealscout.db", "lock-link": db + ".lock"} {
		if err := os.Symlink(target, filepath.Join(c.dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	spellings := map[string]string{
		"absolute":             db,
		"relative":             "dealscout.db",
		"dot slash":            "./dealscout.db",
		"dot dot":              "sub/../dealscout.db",
		"symlink":              "link.db",
		"symlink in a subdir":  "sub/up.db",
		"wal":                  "dealscout.db-wal",
		"shm":                  "./dealscout.db-shm",
		"journal":              db + "-journal",
		"lock":                 "dealscout.db.lock",
		"dangling link to wal": "wal-link",
		"link to lock":         "lock-link",
	}
	commands := map[string][]string{"watch export": {"watch", "export"}, "backup": {"backup"}}
	for cname, args := range commands {
		for sname, path := range spellings {
			t.Run(cname+"/"+sname, func(t *testing.T) {
				files := []string{db, db + "-wal", db + "-shm", db + "-journal", db + ".lock"}
				before := map[string]string{}
				for _, f := range files {
					before[f] = fileSum(t, f)
				}
				code, out, errs := c.run(append(args, path)...)
				if code != ExitUsage {
					t.Fatalf("dealscout %s %s: exit %d, want %d (refused)\nstdout: %s\nstderr: %s", cname, path, code, ExitUsage, out, errs)
				}
				if !strings.Contains(errs, "database") || !strings.Contains(errs, "choose another file") {
					t.Errorf("stderr %q does not say the file is the database's and to choose another", errs)
				}
				for _, f := range files {
					if got := fileSum(t, f); got != before[f] {
						t.Errorf("%s changed", filepath.Base(f))
					}
				}
				if out := c.ok("watch", "list"); !strings.Contains(out, "chairs") {
					t.Errorf("watch list after the refusal lost the watch:\n%s", out)
				}
			})
		}
	}
	// A file beside the database that merely starts with its name is fine.
	c.ok("watch", "export", "dealscout.db.json")
	c.ok("backup", "dealscout.db.bak")
}
