package cmd

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
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
		"serve lock":           "dealscout.db.serve.lock",
	}
	commands := map[string][]string{"watch export": {"watch", "export"}, "backup": {"backup"}}
	for cname, args := range commands {
		for sname, path := range spellings {
			t.Run(cname+"/"+sname, func(t *testing.T) {
				files := []string{db, db + "-wal", db + "-shm", db + "-journal", db + ".lock", db + ".serve.lock"}
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

// sqliteFile creates a SQLite database at path and runs stmts in it.
func sqliteFile(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// binarySchema is the newest schema version this binary knows, as
// `migrate version` prints it.
func binarySchema(t *testing.T, c *cli) string {
	t.Helper()
	out := c.ok("migrate", "version")
	_, bin, ok := strings.Cut(strings.TrimSpace(out), "binary ")
	if !ok {
		t.Fatalf("migrate version printed %q", out)
	}
	return bin
}

// Items 2 and 3: restore takes only a sound dealscout database whose schema
// this binary knows, and leaves the current database untouched otherwise.
func TestRestoreRefusesWhatIsNotADealscoutBackup(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.ok("watch", "add", "chairs", "--query", "chair")
	db := filepath.Join(c.dir, "dealscout.db")
	bin := binarySchema(t, c)

	newer := filepath.Join(c.dir, "newer.db")
	c.ok("backup", newer)
	sqliteFile(t, newer, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, 1)`)
	foreign := filepath.Join(c.dir, "foreign.db")
	sqliteFile(t, foreign, `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)`, `INSERT INTO notes (body) VALUES ('hi')`)
	gooseOnly := filepath.Join(c.dir, "goose-only.db")
	sqliteFile(t, gooseOnly, `CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY AUTOINCREMENT, version_id INTEGER NOT NULL, is_applied INTEGER NOT NULL, tstamp TIMESTAMP DEFAULT (datetime('now')))`,
		`INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, 1)`)
	empty := filepath.Join(c.dir, "empty.db")
	text := filepath.Join(c.dir, "notes.txt")
	for path, body := range map[string]string{empty: "", text: "not a database at all\n"} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		name, file string
		want       []string
	}{
		{"empty file", empty, []string{"empty.db", "empty"}},
		{"text file", text, []string{"notes.txt", "not a SQLite database"}},
		{"another program's SQLite file", foreign, []string{"foreign.db", "not a dealscout database"}},
		{"no dealscout tables", gooseOnly, []string{"goose-only.db", "not a dealscout database"}},
		{"newer schema", newer, []string{"newer.db", "99999", "up to " + bin, "upgrade dealscout"}},
		{"the database itself", "dealscout.db", []string{"the database itself"}},
		{"missing file", filepath.Join(c.dir, "nope.db"), []string{"nope.db"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fileSum(t, db)
			code, out, errs := c.run("restore", tt.file)
			if code != ExitUsage {
				t.Fatalf("restore %s: exit %d, want %d\nstdout: %s\nstderr: %s", tt.file, code, ExitUsage, out, errs)
			}
			for _, w := range tt.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr %q does not mention %q", errs, w)
				}
			}
			if fileSum(t, db) != before {
				t.Error("the database changed although restore was refused")
			}
			if out := c.ok("watch", "list"); !strings.Contains(out, "chairs") {
				t.Errorf("the watch is gone after a refused restore:\n%s", out)
			}
			if m, _ := filepath.Glob(db + ".pre-restore-*"); len(m) > 0 {
				t.Errorf("a refused restore kept a copy: %v", m)
			}
		})
	}
}

// Item 2: a restore keeps the database it replaces, mode 0600, and says where;
// what was in the database's WAL is kept too.
func TestRestoreKeepsTheReplacedDatabase(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	c.ok("watch", "add", "chairs", "--query", "chair")
	c.ok("backup", "before.db")
	c.ok("watch", "add", "lamps", "--query", "lamp")
	out := c.ok("restore", "before.db")
	want := filepath.Join(c.dir, "dealscout.db") + ".pre-restore-20261124T180000Z"
	if !strings.Contains(out, want) {
		t.Fatalf("restore printed %q, want it to name the kept copy %s", out, want)
	}
	fi, err := os.Stat(want)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("kept copy has mode %v, want 0600", fi.Mode().Perm())
	}
	if got := c.ok("watch", "list"); strings.Contains(got, "lamps") || !strings.Contains(got, "chairs") {
		t.Errorf("after restore watch list = %q, want chairs only", got)
	}
	// The kept copy is a whole database: point --db at it and the watch added after the backup is there.
	if got := c.ok("--db", want, "watch", "list"); !strings.Contains(got, "lamps") {
		t.Errorf("the kept copy lacks the watch added after the backup:\n%s", got)
	}
	// A second restore in the same second does not overwrite the first copy.
	out = c.ok("restore", "before.db")
	if strings.Contains(out, want+"\n") || !strings.Contains(out, ".pre-restore-") {
		t.Errorf("second restore printed %q, want a different kept copy", out)
	}
	if got := c.ok("--db", want, "watch", "list"); !strings.Contains(got, "lamps") {
		t.Errorf("the second restore overwrote the first kept copy")
	}
}

// Item 4: rolling the schema back drops tables with their data, so it asks on
// a terminal, needs --yes otherwise, and backs the database up first.
func TestMigrateDownAsksOrNeedsYesAndBacksUpFirst(t *testing.T) {
	t.Parallel()
	db := func(c *cli) string { return filepath.Join(c.dir, "dealscout.db") }
	setup := func(t *testing.T) *cli {
		c := newCLI(t)
		c.ok("watch", "add", "chairs", "--query", "chair")
		return c
	}
	intact := func(t *testing.T, c *cli) {
		t.Helper()
		bin := binarySchema(t, c)
		if out := c.ok("migrate", "version"); !strings.HasPrefix(out, "database "+bin+",") {
			t.Errorf("schema changed: migrate version = %q", out)
		}
		if out := c.ok("watch", "list"); !strings.Contains(out, "chairs") {
			t.Errorf("watch gone: %q", out)
		}
	}
	backedUp := func(t *testing.T, c *cli, out string) {
		t.Helper()
		want := db(c) + ".pre-migrate-down-20261124T180000Z"
		if !strings.Contains(out, want) {
			t.Fatalf("output %q does not name the backup %s", out, want)
		}
		fi, err := os.Stat(want)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("backup mode %v, want 0600", fi.Mode().Perm())
		}
		c.ok("restore", want)
		if out := c.ok("watch", "list"); !strings.Contains(out, "chairs") {
			t.Errorf("restoring the backup did not bring the watch back: %q", out)
		}
	}

	for _, args := range [][]string{{"migrate", "down"}, {"migrate", "down", "--to", "0"}, {"migrate", "redo"}} {
		t.Run("no terminal, no --yes: "+strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			c := setup(t)
			code, out, errs := c.run(args...)
			if code != ExitUsage || !strings.Contains(errs, "--yes") {
				t.Errorf("exit %d stderr %q, want %d naming --yes", code, errs, ExitUsage)
			}
			if strings.Contains(out, "rolled back") {
				t.Errorf("stdout %q says something was rolled back", out)
			}
			if m, _ := filepath.Glob(db(c) + ".pre-migrate-down-*"); len(m) > 0 {
				t.Errorf("a refused rollback left a backup: %v", m)
			}
			intact(t, c)
		})
	}
	t.Run("terminal, answer no", func(t *testing.T) {
		t.Parallel()
		c := setup(t)
		c.terminal = true
		code, out, errs := c.runIn("n\n", "migrate", "down", "--to", "0")
		if code != ExitError || !strings.Contains(out, "[y/N]") || !strings.Contains(errs, "nothing rolled back") {
			t.Errorf("exit %d stdout %q stderr %q, want a question, exit 1 and nothing rolled back", code, out, errs)
		}
		intact(t, c)
	})
	t.Run("terminal, answer yes", func(t *testing.T) {
		t.Parallel()
		c := setup(t)
		c.terminal = true
		code, out, errs := c.runIn("y\n", "migrate", "down", "--to", "0")
		if code != 0 || !strings.Contains(out, "every table") || !strings.Contains(out, "rolled back 00001") {
			t.Fatalf("exit %d stdout %q stderr %q, want a warning that every table goes and a rollback", code, out, errs)
		}
		backedUp(t, c, out)
	})
	t.Run("--yes", func(t *testing.T) {
		t.Parallel()
		c := setup(t)
		out := c.ok("migrate", "down", "--to", "0", "--yes")
		if v := c.ok("migrate", "version"); !strings.HasPrefix(v, "database 0,") {
			t.Fatalf("after down --to 0 --yes: %q", v)
		}
		backedUp(t, c, out)
	})
	t.Run("nothing to roll back needs no backup", func(t *testing.T) {
		t.Parallel()
		c := setup(t)
		c.ok("migrate", "down", "--to", "0", "--yes")
		for _, m := range mustGlob(t, db(c)+".pre-migrate-down-*") {
			_ = os.Remove(m)
		}
		if out := c.ok("migrate", "down", "--to", "0"); !strings.Contains(out, "nothing to roll back") {
			t.Errorf("second down printed %q", out)
		}
		if m := mustGlob(t, db(c)+".pre-migrate-down-*"); len(m) > 0 {
			t.Errorf("a no-op rollback took a backup: %v", m)
		}
	})
}

func mustGlob(t *testing.T, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// stalledServer answers nothing until the client gives up; started says when
// the first request arrived.
func stalledServer(t *testing.T) (url string, started <-chan struct{}) {
	t.Helper()
	ch := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(ch) })
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv.URL, ch
}

// Item 10: a signal during a poll exits 128+signal with one line saying so
// and what was stored before it; the cut-short steps' "context canceled"
// errors are not printed.
func TestPollInterruptedBySignal(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		sig  os.Signal
		name string
		code int
	}{{syscall.SIGTERM, "SIGTERM", ExitTerminated}, {os.Interrupt, "SIGINT", ExitInterrupted}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			feedURL, started := stalledServer(t)
			c := newCLI(t, "DEALSCOUT_ALLOW_PRIVATE_NETWORKS=true")
			file := filepath.Join(c.dir, "listings.jsonl")
			writeListings(t, file, sofas(3, 20000))
			c.ok("watch", "add", "a-sofas", "--query", "sofa", "--source", "file:"+file)
			c.ok("watch", "add", "b-stalled", "--query", "table", "--source", "feed:"+feedURL+"/rss")

			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			go func() {
				select {
				case <-started:
					cancel(&interrupted{sig: tt.sig})
				case <-time.After(30 * time.Second):
				}
			}()
			var out, errb bytes.Buffer
			code := Run(ctx, []string{"poll"}, Env{Environ: c.env, WorkDir: c.dir, Stdout: &out, Stderr: &errb,
				Now: func() time.Time { return c.now }})
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out.String(), errb.String())
			}
			lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], "interrupted by "+tt.name) {
				t.Errorf("stderr = %q, want one line saying interrupted by %s", errb.String(), tt.name)
			}
			if !strings.Contains(errb.String(), "3 new listings") || !strings.Contains(errb.String(), "1 of 2 watches polled in full") {
				t.Errorf("stderr %q does not report what was stored before the signal", errb.String())
			}
			if all := out.String() + errb.String(); strings.Contains(all, "context canceled") {
				t.Errorf("output repeats the cancellation of each step:\n%s", all)
			}
			if _, rep := c.poll("--watch", "a-sofas"); len(rep.Watches) != 1 || rep.Watches[0].New != 0 || rep.Watches[0].Fetched != 3 {
				t.Errorf("what the interrupted poll reported stored is not in the database: next poll %+v", rep)
			}
		})
	}
}

// Item 8: editing a watch's filters re-evaluates its stored deals at once:
// those that no longer match leave `deals`, and edit says how many.
func TestWatchEditReevaluatesDeals(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	file := filepath.Join(c.dir, "listings.jsonl")
	writeListings(t, file, sofas(3, 20000)) // $200, $201, $202
	c.ok("watch", "add", "sofas", "--query", "sofa", "--source", "file:"+file)
	c.ok("poll")
	count := func() int {
		t.Helper()
		var ds []map[string]any
		if err := json.Unmarshal([]byte(c.ok("deals", "--watch", "sofas", "--json")), &ds); err != nil {
			t.Fatal(err)
		}
		return len(ds)
	}
	if n := count(); n != 3 {
		t.Fatalf("after the first poll %d deals, want 3", n)
	}
	out := c.ok("watch", "edit", "sofas", "--max-price", "200.50")
	if !strings.Contains(out, "2 deals no longer match") || !strings.Contains(out, "1 left") {
		t.Errorf("edit printed %q, want it to say 2 deals no longer match and 1 left", out)
	}
	if n := count(); n != 1 {
		t.Errorf("after --max-price 200.50, deals shows %d, want 1", n)
	}
	c.ok("watch", "edit", "sofas", "--query", "grey sofa -number")
	if n := count(); n != 0 {
		t.Errorf("after excluding \"number\", deals shows %d, want 0", n)
	}
	// Widening the filters again brings them back with the next poll.
	c.ok("watch", "edit", "sofas", "--max-price", "none", "--query", "sofa")
	c.ok("poll", "--all")
	if n := count(); n != 3 {
		t.Errorf("after widening and polling, %d deals, want 3", n)
	}
	// Deals found by a source the watch no longer has go too.
	other := filepath.Join(c.dir, "other.jsonl")
	more := sofas(5, 30000)[3:] // sofa-003, sofa-004 at another file source
	writeListings(t, other, more)
	c.ok("watch", "edit", "sofas", "--source", "file:"+file, "--source", "file:"+other)
	c.ok("poll", "--all")
	if n := count(); n != 5 {
		t.Fatalf("with two sources, %d deals, want 5", n)
	}
	if out := c.ok("watch", "edit", "sofas", "--source", "file:"+other); !strings.Contains(out, "3 deals no longer match") {
		t.Errorf("dropping a source printed %q, want 3 deals no longer match", out)
	}
	if n := count(); n != 2 {
		t.Errorf("after dropping a source, %d deals, want 2", n)
	}
	// A listing entered by hand is the user's own: a filter edit keeps it.
	g := newCLI(t, "DEALSCOUT_LEGAL_MODE=guided")
	g.ok("watch", "add", "lamps", "--query", "lamp")
	g.ok("listing", "add", "https://example.com/lamp", "--title", "Brass lamp", "--price", "30", "--watch", "lamps")
	if out := g.ok("watch", "edit", "lamps", "--query", "floor lamp", "--source", "demo"); strings.Contains(out, "no longer match") {
		t.Errorf("edit removed a hand-entered listing: %q", out)
	}
}

// Item 6: DEALSCOUT_TIMEZONE is the zone of every time shown to people, and
// the zone is printed with it; JSON keeps RFC 3339 in UTC.
func TestTimesShownInTheConfiguredZone(t *testing.T) {
	t.Parallel()
	hook := newHookServer(t)
	c := newCLI(t, "DEALSCOUT_ALLOW_PRIVATE_NETWORKS=true", "DEALSCOUT_WEBHOOK_SECRET=whsec_dGVzdHNlY3JldA==",
		"DEALSCOUT_TIMEZONE=America/New_York")
	file := filepath.Join(c.dir, "a.jsonl")
	free := sofas(1, 0)
	writeListings(t, file, free)
	c.ok("channel", "add", "hook", "webhook+"+hook.URL+"/hook")
	c.ok("watch", "add", "sofas", "--query", "sofa", "--source", "file:"+file, "--notify", "hook")
	c.ok("poll", "--alert-backfill") // 18:00 UTC = 13:00 EST
	const local = "2026-11-24 13:00 EST"
	for _, args := range [][]string{{"watch", "show", "sofas"}, {"alerts", "list"}, {"channel", "list"}, {"deals"}} {
		out := c.ok(args...)
		if !strings.Contains(out, local) {
			t.Errorf("%v does not show the time as %s:\n%s", args, local, out)
		}
		if strings.Contains(out, "18:00") {
			t.Errorf("%v shows the UTC time:\n%s", args, out)
		}
	}
	if out := c.ok("migrate", "status"); !strings.Contains(out, " EST") {
		t.Errorf("migrate status shows no zone:\n%s", out)
	}
	if out := c.ok("alerts", "list", "--json"); !strings.Contains(out, `"created_at": "2026-11-24T18:00:00Z"`) {
		t.Errorf("alerts list --json does not keep RFC 3339 UTC:\n%s", out)
	}
}
