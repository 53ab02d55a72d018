package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// stormWatch is one watch the write storm added, with when its `watch add`
// ran.
type stormWatch struct {
	name           string
	started, ended time.Time
	ok             bool
}

// TestBackupDuringWriteStorm takes backups with `dealscout backup` while polls
// and CLI writes hammer the database, and checks every one is a sound,
// private, consistent snapshot holding every watch committed before it
// began; then that `restore` is refused while a poll holds the lock and
// brings a backup back otherwise.
func TestBackupDuringWriteStorm(t *testing.T) {
	if testing.Short() {
		t.Skip("storms the database for several seconds; skipped with -short")
	}
	const nBackups = 10
	e := newEnv(t)
	m, _ := newMarket(t, 8)
	m.addShelf("feed", "desks", "desk", "D", 300)
	m.addShelf("file", "sofas", "sofa", "S", 400)
	m.writeFiles(t)
	hk := newHook(t)
	e.ok("channel", "add", "a", "webhook+"+hk.URL+"/a")
	for _, w := range [][2]string{{"desks", "desk"}, {"sofas", "sofa"}} {
		e.ok("watch", "add", w[0], "--query", w[1], "--source", m.source(w[0]), "--notify", "a", "--digest", "off")
	}
	e.ok("poll", "--all")
	schema := binarySchemaVersion(t, e.ok("migrate", "version"))

	var (
		mu       sync.Mutex
		failures []string
		storm    []*stormWatch
		nPolls   int
	)
	fail := func(what string, r result) {
		mu.Lock()
		failures = append(failures, what+":\n"+r.String())
		mu.Unlock()
	}
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // polls, each writing a changed market
		defer wg.Done()
		for ctx.Err() == nil {
			m.advance(5)
			if err := m.write(); err != nil {
				fail("market", result{code: -1, stderr: err.Error()})
				return
			}
			if r := e.run("poll", "--all"); r.code != exitOK {
				fail("poll during the storm", r)
			}
			mu.Lock()
			nPolls++
			mu.Unlock()
		}
	}()
	go func() { // CLI writes: add a watch, pause it, edit another
		defer wg.Done()
		for i := 0; ctx.Err() == nil; i++ {
			w := &stormWatch{name: fmt.Sprintf("storm-%03d", i), started: time.Now()}
			r := e.run("watch", "add", w.name, "--query", "desk", "--source", m.source("desks"), "--digest", "off")
			w.ended, w.ok = time.Now(), r.code == exitOK
			mu.Lock()
			storm = append(storm, w)
			mu.Unlock()
			if !w.ok {
				fail("watch add during the storm", r)
				continue
			}
			for _, args := range [][]string{{"watch", "pause", w.name}, {"watch", "edit", "desks", "--min-score", strconv.Itoa(60 + i%30)}} {
				if r := e.run(args...); r.code != exitOK {
					fail(strings.Join(args[:2], " ")+" during the storm", r)
				}
			}
		}
	}()

	type backup struct {
		path           string
		started, ended time.Time
		took           time.Duration
	}
	var backups []backup
	for i := 0; i < nBackups; i++ {
		time.Sleep(250 * time.Millisecond)
		b := backup{path: filepath.Join(e.dir, "backups", fmt.Sprintf("b%02d.db", i)), started: time.Now()}
		if i == 0 {
			if err := os.Mkdir(filepath.Dir(b.path), 0o700); err != nil {
				t.Fatal(err)
			}
		}
		r := e.run("backup", b.path)
		b.ended, b.took = time.Now(), r.took
		if r.code != exitOK {
			t.Errorf("backup %d during the storm:\n%s", i, r)
			continue
		}
		if mk, busy := busyText(r.stderr); busy {
			t.Errorf("backup %d said %q:\n%s", i, mk, r)
		}
		backups = append(backups, b)
	}
	cancel()
	wg.Wait()
	for _, f := range first(failures, 5) {
		t.Error(f)
	}
	if len(storm) < nBackups/2 || nPolls < 2 {
		t.Fatalf("the storm was too weak to say anything: %d watch adds, %d polls", len(storm), nPolls)
	}

	// Every backup: private, sound, with the schema and every watch committed
	// before it started, and none begun after it ended.
	names := map[string][]string{}
	for i, b := range backups {
		fi, err := os.Stat(b.path)
		if err != nil {
			t.Errorf("backup %d: %v", i, err)
			continue
		}
		if perm := fi.Mode().Perm(); perm != 0o600 {
			t.Errorf("backup %d has mode %#o, want 0600 (it holds channel tokens)", i, perm)
		}
		db := openRO(t, b.path)
		if res, err := integrity(t.Context(), db); err != nil || res != "ok" {
			t.Errorf("backup %d: integrity_check = %q (%v), want ok", i, res, err)
			continue
		}
		if n, err := foreignKeyProblems(t.Context(), db); err != nil || n != 0 {
			t.Errorf("backup %d: foreign_key_check found %d problems (%v)", i, n, err)
		}
		if v := queryInt(t, db, `SELECT max(version_id) FROM goose_db_version WHERE is_applied`); v != schema {
			t.Errorf("backup %d has schema version %d, want %d", i, v, schema)
		}
		if n := queryInt(t, db, `SELECT count(*) FROM deals`); n < 700 {
			t.Errorf("backup %d holds %d deals, want at least the 700 of the first poll", i, n)
		}
		got := storedWatchNames(t, db)
		names[b.path] = got
		for _, want := range []string{"desks", "sofas"} {
			if !slices.Contains(got, want) {
				t.Errorf("backup %d lacks watch %q: %v", i, want, got)
			}
		}
		for _, w := range storm {
			in := slices.Contains(got, w.name)
			switch {
			case w.ok && w.ended.Before(b.started) && !in:
				t.Errorf("backup %d lacks watch %s, added %s before the backup began", i, w.name, b.started.Sub(w.ended).Round(time.Millisecond))
			case w.started.After(b.ended) && in:
				t.Errorf("backup %d holds watch %s, added after the backup ended", i, w.name)
			}
		}
	}
	if left, _ := filepath.Glob(filepath.Join(e.dir, "backups", ".*")); len(left) > 0 {
		t.Errorf("backups left temporary files behind: %v", left)
	}
	var took latencies
	for _, b := range backups {
		took.add(b.took)
	}
	n, p50, _, worst := took.summary()
	t.Logf("%d backups checked, taken during a storm of %d polls and %d watch adds; backup took p50 %s, max %s", n, nPolls, len(storm), ms(p50), ms(worst))
	if len(backups) != nBackups {
		t.FailNow()
	}

	t.Run("restore refused while a poll runs", func(t *testing.T) {
		stall := newStallServer(t, time.Minute)
		e.ok("watch", "add", "stalled", "--query", "desk", "--source", "feed:"+stall.URL+"/stalled.rss", "--digest", "off")
		before := watchNames(t, e.ok("watch", "list", "--json"))
		p := e.start("poll", "--watch", "stalled")
		select {
		case <-stall.arrived:
		case <-time.After(15 * time.Second):
			stall.release()
			t.Fatalf("the poll never reached the stalled feed:\n%s", p.wait())
		}
		r := e.run("restore", backups[0].path)
		if r.code != exitLocked || !strings.Contains(r.stderr, "another dealscout poll") {
			t.Errorf("restore while a poll runs: want exit 75 saying another poll runs:\n%s", r)
		}
		if after := watchNames(t, e.ok("watch", "list", "--json")); !slices.Equal(after, before) {
			t.Errorf("a refused restore changed the watches: %v, then %v", before, after)
		}
		stall.release()
		if r := p.wait(); r.code != exitOK {
			t.Errorf("the stalled poll, once released:\n%s", r)
		}
	})

	t.Run("restore refuses a damaged backup", func(t *testing.T) {
		before := watchNames(t, e.ok("watch", "list", "--json"))
		bad := filepath.Join(e.dir, "damaged.db")
		raw, err := os.ReadFile(backups[1].path)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, bad, string(raw[:len(raw)/2]))
		if r := e.run("restore", bad); r.code == exitOK {
			t.Errorf("restore of a truncated backup succeeded:\n%s", r)
		}
		if after := watchNames(t, e.ok("watch", "list", "--json")); !slices.Equal(after, before) {
			t.Errorf("a refused restore changed the watches: %v, then %v", before, after)
		}
	})

	t.Run("restore", func(t *testing.T) {
		b := backups[nBackups/2]
		r := e.run("restore", b.path)
		if r.code != exitOK {
			t.Fatalf("restore with nothing running:\n%s", r)
		}
		if got := watchNames(t, e.ok("watch", "list", "--json")); !slices.Equal(got, names[b.path]) {
			t.Errorf("after restore the watches are %v, want the backup's %v", got, names[b.path])
		}
		if r := e.run("poll", "--all"); r.code != exitOK {
			t.Errorf("poll after restore:\n%s", r)
		}
		if res, err := integrity(t.Context(), openRO(t, e.db)); err != nil || res != "ok" {
			t.Errorf("after restore and a poll, integrity_check = %q (%v)", res, err)
		}
	})
}

var schemaRE = regexp.MustCompile(`binary (\d+)`)

// binarySchemaVersion reads the binary's schema version from `migrate version`.
func binarySchemaVersion(t *testing.T, out string) int {
	t.Helper()
	m := schemaRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("migrate version printed %q, want \"database N, binary N\"", out)
	}
	v, _ := strconv.Atoi(m[1])
	return v
}

// storedWatchNames lists the watches stored in a database file, sorted.
func storedWatchNames(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), `SELECT name FROM watches ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out) // the binary's collation and Go's may differ
	return out
}

// TestBackupIsNeverReadableByOthers watches the backup directory while
// backups run: no file there, the temporary snapshot included, may be
// readable by group or others even for a moment, since a backup holds the
// channel tokens.
func TestBackupIsNeverReadableByOthers(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped with -short")
	}
	e := newEnv(t)
	m, _ := newMarket(t, 9)
	m.addShelf("file", "sofas", "sofa", "S", 3000)
	m.writeFiles(t)
	e.ok("watch", "add", "sofas", "--query", "sofa", "--source", m.source("sofas"), "--digest", "off")
	e.ok("poll", "--all")
	dir := filepath.Join(e.dir, "backups")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	exposed := map[string]os.FileMode{}
	seen := map[string]int{}
	looks := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			entries, _ := os.ReadDir(dir)
			for _, en := range entries {
				seen[en.Name()]++
				if fi, err := en.Info(); err == nil && fi.Mode().Perm()&0o077 != 0 {
					exposed[en.Name()] = fi.Mode().Perm()
				}
			}
			looks++
			time.Sleep(50 * time.Microsecond)
		}
	}()
	for i := 0; i < 10; i++ {
		e.ok("backup", filepath.Join(dir, fmt.Sprintf("b%d.db", i)))
	}
	cancel()
	<-done
	tmps := 0
	for name, n := range seen {
		if strings.HasSuffix(name, ".tmp") {
			tmps += n
		}
	}
	if tmps == 0 {
		t.Fatalf("looked %d times and never caught a backup's temporary file: the test checked nothing (seen %v)", looks, seen)
	}
	if len(exposed) > 0 {
		t.Errorf("while backing up, files readable by others appeared: %v", exposed)
	}
	t.Logf("looked at the backup directory %d times during 10 backups, %d times catching a temporary snapshot; none was readable by others", looks, tmps)
}
