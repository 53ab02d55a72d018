package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrNotFound is returned when a named row does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a unique name is already taken.
var ErrConflict = errors.New("already exists")

// Store is dealscout's database.
type Store struct {
	writes writeTimes
	path   string
	dsn    string  // the common connection string, for one-off connections
	db     *sql.DB // writes: one connection, immediate transactions
	rdb    *sql.DB // reads: query_only connections
	now    func() time.Time
	// scoreLockBudget is ScoreLockBudget, a field so tests can shorten it.
	scoreLockBudget time.Duration
}

// Options tune Open.
type Options struct {
	Now    func() time.Time // clock; default time.Now
	Logger *slog.Logger     // told when Open tightens a loose file mode; default discards
	// Lean is for a long-running server (serve): no memory map, a 500 kB
	// page cache per reader and 2 MB for the writer instead of 256 MiB
	// mapped, 2 MB per reader and 32 MB for the writer. Every page a mapped
	// connection touches stays in the process's resident set until the
	// connection closes, so serve's prune at start over a 150 MB database
	// left it at 170 MB for the rest of its life. serve keeps its answers in
	// memory until the database changes (web/vcache), so it rarely reads
	// pages twice.
	Lean bool
}

// Open opens (creating with mode 0600 if needed) the database at path. It does
// not migrate: call Migrate or CheckSchema.
func Open(ctx context.Context, path string, o Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("store: database path is empty; set --db or DEALSCOUT_DB")
	}
	if err := createFile(path); err != nil {
		return nil, err
	}
	tightenMode(path, o.Logger)
	// mmap_size lets SQLite read the first 256 MiB of the file through a
	// memory map instead of a pread per page: a re-score of 100,000 deals
	// spent a quarter of its time in those system calls. It only reserves
	// address space; writes still go through the WAL.
	mapped, readCache, writerCache := "&_pragma=mmap_size(268435456)", "", "-32000"
	if o.Lean {
		// 500 kB for every reader, the one-off connections of prune and
		// backup included; 2 MB for the writer, in whose transactions a poll
		// reads what it writes.
		mapped, readCache, writerCache = "&_pragma=mmap_size(0)", "&_pragma=cache_size(-500)", "-2000"
	}
	base := "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)" + mapped
	db, err := sql.Open("sqlite", base+"&_pragma=journal_mode(WAL)&_pragma=cache_size("+writerCache+")&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// One writer connection: SQLite serialises writers anyway, and a single
	// connection keeps this process's own writes from contending.
	db.SetMaxOpenConns(1)
	rdb, err := sql.Open("sqlite", base+readCache+"&_pragma=query_only(1)")
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	rdb.SetMaxOpenConns(4)
	s := &Store{path: path, dsn: base + readCache, db: db, rdb: rdb, now: o.Now, scoreLockBudget: ScoreLockBudget}
	if s.now == nil {
		s.now = time.Now
	}
	// Opening a connection applies the pragmas and parses the schema, which
	// costs a poll with nothing due (most cron runs) about as much as all its
	// queries. A database already in WAL mode gets its writer connection at
	// the first write, if any; anything else (a new file, another journal
	// mode, not a database at all) is opened now, which sets WAL or says what
	// the file is.
	if !inWALMode(path) {
		var mode string
		if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			_ = s.Close()
			return nil, fmt.Errorf("store: open %s: %w", path, friendly(err))
		}
	}
	return s, nil
}

// inWALMode reports whether path starts with the header of a SQLite
// database in WAL mode (file format versions 2 and 2, bytes 18 and 19).
func inWALMode(path string) bool {
	f, err := os.Open(path) // #nosec G304 -- the user's own database path
	if err != nil {
		return false
	}
	defer f.Close()
	var h [20]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		return false
	}
	return string(h[:16]) == "SQLite format 3\x00" && h[18] == 2 && h[19] == 2
}

// createFile makes sure the file exists with mode 0600 before SQLite opens it,
// because SQLite would create it with the umask's mode, and its -wal and -shm
// files copy the main file's permissions.
func createFile(path string) error {
	if dir := filepath.Dir(path); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return fmt.Errorf("store: database directory %s: %w", dir, err)
		}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600) // #nosec G304 -- the user's own database path
	if err != nil {
		return fmt.Errorf("store: create %s: %w", path, err)
	}
	return f.Close()
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes both pools. The writer closes last: the last connection to
// close checkpoints the WAL into the database, and in a process that wrote,
// the writer has synced the WAL's directory already, so this order saves one
// fsync (of five in a cron poll with nothing due; strace counts them).
func (s *Store) Close() error {
	return errors.Join(s.rdb.Close(), s.db.Close())
}

// Now is the store's clock, in UTC.
func (s *Store) Now() time.Time { return s.now().UTC() }

// write runs fn in one immediate (write-locked) transaction, retrying the
// whole transaction when SQLite still reports BUSY after busy_timeout. This is
// the one place writes are retried.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	start := time.Now() // wall time on purpose: this measures, it does not date
	defer func() { s.writes.add(time.Since(start)) }()
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = s.tryWrite(ctx, fn)
		if !IsBusy(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(50*(attempt+1)) * time.Millisecond):
		}
	}
	return err
}

func (s *Store) tryWrite(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// read runs fn in a read-only transaction on the read pool: one consistent
// snapshot, never the write lock.
func (s *Store) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	return fn(tx)
}

// IsBusy reports whether err is SQLITE_BUSY or one of its extended codes
// (BUSY_SNAPSHOT is 517: 517 & 0xff == 5).
func IsBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// friendly turns SQLite's "file is not a database" into advice.
func friendly(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_NOTADB {
		return fmt.Errorf("the file is not a SQLite database (is --db pointing at the right file?): %w", err)
	}
	return err
}

// Times are stored as fixed-width UTC text so they sort as they compare.
const timeFormat = "2006-01-02T15:04:05.000Z"

func ts(t time.Time) string { return t.UTC().Format(timeFormat) }

func nullTS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ts(t)
}

func parseTS(s sql.NullString) time.Time {
	if !s.Valid || s.String == "" {
		return time.Time{}
	}
	if t, ok := parseStoredTime(s.String); ok {
		return t
	}
	t, err := time.Parse(timeFormat, s.String)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s.String)
	}
	return t.UTC()
}

// parseStoredTime reads the one layout ts writes, digit by digit: a re-score
// reads a time for each of 100,000 deals, and time.Parse, which has to
// interpret its layout, took a tenth of the reading. Anything else is not
// ok, and is left to time.Parse.
func parseStoredTime(s string) (time.Time, bool) {
	if len(s) != len(timeFormat) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
		s[16] != ':' || s[19] != '.' || s[23] != 'Z' {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	y, mo, d, h, mi, sec, ms := num(0, 4), num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2), num(20, 3)
	// time.Date normalises out-of-range fields (month 13 is January next
	// year); time.Parse rejects them, and so does this.
	if y < 0 || mo < 1 || mo > 12 || d < 1 || d > daysIn(time.Month(mo), y) || h < 0 || h > 23 ||
		mi < 0 || mi > 59 || sec < 0 || sec > 59 || ms < 0 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, ms*int(time.Millisecond), time.UTC), true
}

// daysIn is the number of days in month m of year y.
func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// writeTimes keeps how long this process's write transactions took, from
// asking for the write lock to commit, retries included.
type writeTimes struct {
	mu sync.Mutex
	d  []time.Duration
}

// maxWriteSamples bounds the memory a long-running process spends on this.
const maxWriteSamples = 100_000

func (w *writeTimes) add(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.d) < maxWriteSamples {
		w.d = append(w.d, d)
	}
}

// WriteTimes returns the durations of the write transactions this Store has
// run, oldest first (at most the first 100,000), for reports and tests.
func (s *Store) WriteTimes() []time.Duration {
	s.writes.mu.Lock()
	defer s.writes.mu.Unlock()
	return slices.Clone(s.writes.d)
}
