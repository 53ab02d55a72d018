package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
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
	conns int64
}

// Versions returns a reader of this store's Version. It takes a read
// connection at its first use and holds it until Close.
func (s *Store) Versions() *Versions { return &Versions{s: s} }

// Current returns the database's Version now.
func (v *Versions) Current(ctx context.Context) (Version, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.conn == nil {
		c, err := v.s.rdb.Conn(ctx)
		if err != nil {
			return Version{}, fmt.Errorf("store: data version: %w", err)
		}
		v.conn, v.conns = c, v.conns+1
	}
	var n int64
	// WithoutCancel: a cancelled request must not break the shared connection
	// halfway through a statement; the PRAGMA takes microseconds.
	if err := v.conn.QueryRowContext(context.WithoutCancel(ctx), "PRAGMA data_version").Scan(&n); err != nil {
		// Start again on a fresh connection next time; its counts are its
		// own, so its Versions never equal this one's.
		_ = v.conn.Close()
		v.conn = nil
		return Version{}, fmt.Errorf("store: data version: %w", err)
	}
	return Version{conn: v.conns, data: n}, nil
}

// Close gives the connection back to the read pool.
func (v *Versions) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.conn == nil {
		return nil
	}
	err := v.conn.Close()
	v.conn = nil
	return err
}
