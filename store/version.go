package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Version identifies the database's content: two reads of the same Versions
// give equal values only if nothing was committed in between, by this
// process or any other (a cron poll, the CLI). Results computed from the
// database can be kept until it changes, which is what serve does for the
// pages and API lists that every client asks for again and again.
type Version struct {
	conn int64 // which connection counted: a new one counts afresh
	data int64 // SQLite's PRAGMA data_version on that connection
}

// Versions reads Version on one connection of the read pool that it keeps
// for itself: SQLite's data_version counts the commits of other connections
// as seen by one connection, so it means nothing across a pool. Safe for
// concurrent use; each call is one PRAGMA on that connection, which starts
// and ends a read transaction (so it sees every commit made before it).
type Versions struct {
	s     *Store
	mu    sync.Mutex
	conn  *sql.Conn
	stmt  driver.Stmt // PRAGMA data_version, prepared once on conn's driver connection
	conns int64
	// begun counts the reads started (each under mu); last is the latest
	// one's result. A caller that finds, once it holds mu, that a read began
	// after it arrived takes that read's result: it saw every commit made
	// before the caller asked. Under load one PRAGMA then answers every
	// request that queued behind it.
	begun atomic.Int64
	last  Version
	ok    bool
}

// Versions returns a reader of this store's Version. It takes a read
// connection at its first use and holds it until Close.
func (s *Store) Versions() *Versions { return &Versions{s: s} }

// Current returns the database's Version now.
func (v *Versions) Current(ctx context.Context) (Version, error) {
	arrived := v.begun.Load()
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.ok && v.begun.Load() > arrived {
		return v.last, nil
	}
	v.begun.Add(1)
	v.ok = false
	// WithoutCancel: a cancelled request must not break the shared connection
	// halfway through a statement; the PRAGMA takes microseconds.
	ctx = context.WithoutCancel(ctx)
	if v.conn == nil {
		c, err := v.s.rdb.Conn(ctx)
		if err != nil {
			return Version{}, fmt.Errorf("store: data version: %w", err)
		}
		v.conn, v.conns = c, v.conns+1
	}
	// The driver's own statement, not database/sql's: for a one-column
	// PRAGMA run thousands of times a second, database/sql's bookkeeping
	// cost more than SQLite.
	var n int64
	err := v.conn.Raw(func(dc any) error {
		if v.stmt == nil {
			p, ok := dc.(driver.ConnPrepareContext)
			if !ok {
				return fmt.Errorf("driver %T cannot prepare", dc)
			}
			stmt, err := p.PrepareContext(ctx, "PRAGMA data_version")
			if err != nil {
				return err
			}
			v.stmt = stmt
		}
		q, ok := v.stmt.(driver.StmtQueryContext)
		if !ok {
			return fmt.Errorf("driver statement %T cannot query", v.stmt)
		}
		rows, err := q.QueryContext(ctx, nil)
		if err != nil {
			return err
		}
		dest := []driver.Value{nil}
		err = rows.Next(dest)
		err = errors.Join(err, rows.Close())
		if err != nil {
			return err
		}
		got, ok := dest[0].(int64)
		if !ok {
			return fmt.Errorf("data_version is %T, not an integer", dest[0])
		}
		n = got
		return nil
	})
	if err != nil {
		// Start again on a fresh connection next time; its counts are its
		// own, so its Versions never equal this one's.
		_ = v.closeLocked()
		return Version{}, fmt.Errorf("store: data version: %w", err)
	}
	v.last, v.ok = Version{conn: v.conns, data: n}, true
	return v.last, nil
}

func (v *Versions) closeLocked() error {
	if v.conn == nil {
		return nil
	}
	var err error
	if v.stmt != nil {
		stmt := v.stmt
		err = v.conn.Raw(func(any) error { return stmt.Close() })
	}
	err = errors.Join(err, v.conn.Close())
	v.conn, v.stmt = nil, nil
	return err
}

// Close gives the connection back to the read pool.
func (v *Versions) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.closeLocked()
}
