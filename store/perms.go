package store

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
)

// tightenMode makes a database that another tool created readable by other
// users (0644 under the usual umask) private, with its -wal and -shm: they
// hold channel tokens and webhook URLs, and SQLite gives a new -wal and
// -shm the main file's mode. It warns once — the files are 0600 afterwards —
// and when it cannot (a file of another user, a read-only file system) it
// says what to run instead of failing: reads must still work.
func tightenMode(path string, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var fixed, stuck []string
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 == 0 {
			continue
		}
		was := fmt.Sprintf("%s was %04o", p, fi.Mode().Perm())
		if err := os.Chmod(p, 0o600); err != nil {
			stuck = append(stuck, was)
			continue
		}
		fixed = append(fixed, was)
	}
	if len(fixed) > 0 {
		log.Warn("the database was readable by other users; made it private (0600), as dealscout creates it",
			"files", strings.Join(fixed, "; "))
	}
	if len(stuck) > 0 {
		log.Warn("the database is readable by other users and could not be made private; run chmod 600 on it",
			"files", strings.Join(stuck, "; "), "fix", "chmod 600 "+path+"*")
	}
}
