package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// PruneReport says what Prune removed (or, in a dry run, would remove).
type PruneReport struct {
	Cutoff       time.Time `json:"cutoff"`        // rows older than this were candidates
	DryRun       bool      `json:"dry_run"`       // nothing was changed
	Listings     int64     `json:"listings"`      // gone listings, and unmatched ones not seen since the cutoff
	Deals        int64     `json:"deals"`         // deals of those listings
	PriceHistory int64     `json:"price_history"` // price records: of removed listings, and older than the cutoff
	PollRuns     int64     `json:"poll_runs"`     // finished poll runs started before the cutoff
	Alerts       int64     `json:"alerts"`        // sent or given-up (dead) alerts created before the cutoff
	// Other counts rows of further tables that referenced a removed row with
	// ON DELETE CASCADE, by table.
	Other map[string]int64 `json:"other,omitempty"`
	// KeptSaved counts listings past the window kept because one of their
	// deals is saved.
	KeptSaved int64 `json:"kept_saved"`
	// FreeBytes is the space SQLite holds free inside the file after pruning:
	// it is reused by later writes; VACUUM would give it back to the disk.
	FreeBytes int64 `json:"free_bytes"`
	FileBytes int64 `json:"file_bytes"`
	Batches   int   `json:"batches"` // write transactions used
	// LongestBatchMillis is the longest of those transactions, lock wait
	// included: about the most a poll running meanwhile waited for prune.
	LongestBatchMillis float64 `json:"longest_batch_ms"`
}

// pruneBatch is how many candidate rows one write transaction removes: small
// enough that a poll waiting for the write lock is not held up for long
// (a batch of 250 listings, with their deals and price history, takes tens of
// milliseconds; see BenchmarkPrune).
const pruneBatch = 250

// pruneDepth bounds ON DELETE CASCADE chains, which a schema cycle could
// otherwise turn into endless recursion.
const pruneDepth = 8

// Candidate rules, each a WHERE clause over one table's rows with the cutoff
// as its only parameter (repeated). They are checked again inside the write
// transaction, so a listing a poll sees again, or a deal a user saves, between
// the read and the delete is kept.
const (
	// A listing goes when a source said it is gone before the cutoff, or when
	// no watch matches it and nothing has seen it since the cutoff. A listing
	// still matched by a watch that merely stopped polling is kept: a machine
	// switched off for three months must not come back empty.
	pruneListingsWhere = `((gone_at IS NOT NULL AND gone_at < ?1)
		OR (last_seen < ?1 AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.listing_id = listings.id)))
		AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.listing_id = listings.id AND d.status = 'saved')`
	pruneKeptSavedWhere = `((gone_at IS NOT NULL AND gone_at < ?1) OR last_seen < ?1)
		AND EXISTS (SELECT 1 FROM deals d WHERE d.listing_id = listings.id AND d.status = 'saved')`
	// Old price records go except the newest one before the cutoff, which is
	// the listing's price when the window opens, so the chart still starts at
	// a known price. A saved deal keeps its whole history.
	prunePriceHistoryWhere = `seen_at < ?1
		AND EXISTS (SELECT 1 FROM price_history n WHERE n.listing_id = price_history.listing_id AND n.seen_at < ?1
			AND (n.seen_at > price_history.seen_at OR (n.seen_at = price_history.seen_at AND n.id > price_history.id)))
		AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.listing_id = price_history.listing_id AND d.status = 'saved')`
	// Price records of listings the first step removes are not counted
	// twice: a real run has already removed them; a dry run has not.
	prunePriceHistoryNotListed = ` AND NOT EXISTS (SELECT 1 FROM listings WHERE listings.id = price_history.listing_id AND ` + pruneListingsWhere + `)`
	// A run still marked running a day after the cutoff was killed: no run
	// outlives DEALSCOUT_POLL_TIMEOUT's 24 h ceiling.
	prunePollRunsWhere = `started_at < ?1 AND (status <> 'running' OR started_at < strftime('%Y-%m-%dT%H:%M:%fZ', ?1, '-1 day'))`
	// Pending alerts are never removed, however old.
	pruneAlertsWhere = `created_at < ?1 AND status IN ('sent', 'dead')`
)

// Prune removes what the retention window no longer needs: gone listings with
// their deals and price history, price records older than the window, poll
// runs and finished alerts started or created before it. A saved deal and its
// listing are never removed. It works in short write transactions of at most
// pruneBatch rows, so polls running at the same time wait for the write lock
// only briefly. A dry run does the same work and rolls every transaction
// back, so its counts are what a real run would remove.
func (s *Store) Prune(ctx context.Context, olderThan time.Duration, dryRun bool) (PruneReport, error) {
	rep := PruneReport{Cutoff: s.Now().Add(-olderThan), DryRun: dryRun}
	if olderThan <= 0 {
		return rep, fmt.Errorf("store: prune: the window must be positive (got %s)", olderThan)
	}
	p, err := s.newPruner(ctx, dryRun)
	if err != nil {
		return rep, err
	}
	defer p.close()
	cutoff := ts(rep.Cutoff)
	if err := s.rdb.QueryRowContext(ctx, `SELECT count(*) FROM listings WHERE `+pruneKeptSavedWhere, cutoff).Scan(&rep.KeptSaved); err != nil {
		return rep, fmt.Errorf("store: prune: count saved listings: %w", err)
	}
	// A run cut short after removing listings left references to clear.
	if err := p.clearDangling(ctx); err != nil {
		return rep, fmt.Errorf("store: prune: %w", err)
	}
	counts := map[string]int64{}
	for _, step := range []struct{ table, where string }{
		{"listings", pruneListingsWhere},
		{"price_history", prunePriceHistoryWhere + prunePriceHistoryNotListed},
		{"poll_runs", prunePollRunsWhere},
		{"notifications", pruneAlertsWhere},
	} {
		n, err := p.pruneTable(ctx, step.table, step.where, cutoff, counts)
		rep.Batches += n
		rep.LongestBatchMillis = float64(p.longest.Microseconds()) / 1000
		if err != nil {
			rep.fill(counts)
			return rep, fmt.Errorf("store: prune %s: %w", step.table, err)
		}
	}
	err = p.clearDangling(ctx)
	rep.LongestBatchMillis = float64(p.longest.Microseconds()) / 1000
	rep.fill(counts)
	if err != nil {
		return rep, fmt.Errorf("store: prune: %w", err)
	}
	rep.FileBytes, rep.FreeBytes, err = s.fileSpace(ctx)
	if err != nil {
		return rep, fmt.Errorf("store: prune: %w", err)
	}
	return rep, nil
}

func (r *PruneReport) fill(counts map[string]int64) {
	r.Listings, r.Deals, r.PriceHistory = counts["listings"], counts["deals"], counts["price_history"]
	r.PollRuns, r.Alerts = counts["poll_runs"], counts["notifications"]
	for t, n := range counts {
		switch t {
		case "listings", "deals", "price_history", "poll_runs", "notifications":
		case "deal_factors": // a deal's own score, removed with it
		default:
			if r.Other == nil {
				r.Other = map[string]int64{}
			}
			r.Other[t] = n
		}
	}
}

// fileSpace reports the database file's size and the free pages inside it.
func (s *Store) fileSpace(ctx context.Context) (file, free int64, err error) {
	var pageSize, pages, freePages int64
	err = s.rdb.QueryRowContext(ctx, `SELECT (SELECT page_size FROM pragma_page_size), (SELECT page_count FROM pragma_page_count),
		(SELECT freelist_count FROM pragma_freelist_count)`).Scan(&pageSize, &pages, &freePages)
	if err != nil {
		return 0, 0, fmt.Errorf("page counts: %w", err)
	}
	return pageSize * pages, pageSize * freePages, nil
}

// Vacuum rebuilds the database file without its free pages and returns the
// file size before and after. It holds the write lock for the whole rebuild
// (about 1 s per 100 MB here), so run it when no poll is due.
func (s *Store) Vacuum(ctx context.Context) (before, after int64, err error) {
	if before, _, err = s.fileSpace(ctx); err != nil {
		return 0, 0, fmt.Errorf("store: vacuum: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM`); err != nil {
		return before, 0, fmt.Errorf("store: vacuum: %w", friendly(err))
	}
	if after, _, err = s.fileSpace(ctx); err != nil {
		return before, 0, fmt.Errorf("store: vacuum: %w", err)
	}
	return before, after, nil
}

// pruner deletes on a connection of its own with foreign-key enforcement off,
// and applies each ON DELETE action itself, one statement per batch. With
// enforcement on, SQLite looks for the children of every deleted listing one
// row at a time, and two of those lookups (duplicates, alerts) have no index:
// a full scan of the table per deleted listing (BenchmarkDeleteWithForeignKeysOn).
// SET NULL references without an index are cleared in one pass at the end
// instead of one scan per batch, so while prune runs a duplicate or an alert
// may name a listing that is already gone (a link to it finds nothing). The
// connection never serves anything else, so no other write runs without
// foreign keys.
type pruner struct {
	db     *sql.DB
	dryRun bool
	refs   map[string][]foreignKey // parent table → the keys that reference it
	// longest is the longest write transaction so far.
	longest time.Duration
}

type foreignKey struct {
	child, from, to, onDelete string
	parent                    string
	// deferred: the child column has no index, so instead of one scan of
	// the child table per batch, dangling values are cleared in one pass at
	// the end (and at the start, after an interrupted run).
	deferred bool
}

func (s *Store) newPruner(ctx context.Context, dryRun bool) (*pruner, error) {
	// The DSN applies to every connection the pool opens, so enforcement
	// stays off even if database/sql replaces a broken connection.
	dsn := strings.Replace(s.dsn, "_pragma=foreign_keys(1)", "_pragma=foreign_keys(0)", 1) + "&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: prune: %w", err)
	}
	db.SetMaxOpenConns(1)
	p := &pruner{db: db, dryRun: dryRun, refs: map[string][]foreignKey{}}
	var fk int
	if err := db.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 0 {
		p.close()
		return nil, fmt.Errorf("store: prune: could not turn foreign-key enforcement off on its connection (foreign_keys=%d): %v", fk, err)
	}
	if err := p.loadForeignKeys(ctx); err != nil {
		p.close()
		return nil, fmt.Errorf("store: prune: %w", err)
	}
	return p, nil
}

func (p *pruner) close() { _ = p.db.Close() }

// loadForeignKeys reads the schema's foreign keys, so tables that later
// migrations add are handled as the schema declares them.
func (p *pruner) loadForeignKeys(ctx context.Context) error {
	rows, err := p.db.QueryContext(ctx, `SELECT m.name, f.id, f.seq, f."table", f."from", coalesce(f."to", ''), f.on_delete
		FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.name, f.id, f.seq`)
	if err != nil {
		return fmt.Errorf("read foreign keys: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var child, parent, from, to, onDelete string
		var id, seq int
		if err := rows.Scan(&child, &id, &seq, &parent, &from, &to, &onDelete); err != nil {
			return fmt.Errorf("read foreign keys: %w", err)
		}
		if seq > 0 {
			return fmt.Errorf("%s has a foreign key of several columns to %s, which prune cannot follow", child, parent)
		}
		p.refs[parent] = append(p.refs[parent], foreignKey{child: child, from: from, to: to, onDelete: strings.ToUpper(onDelete), parent: parent})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read foreign keys: %w", err)
	}
	// A key that names no parent column references the parent's primary key.
	for parent, fks := range p.refs {
		for i := range fks {
			if fks[i].to != "" {
				continue
			}
			var pk string
			if err := p.db.QueryRowContext(ctx, `SELECT name FROM pragma_table_info(?) WHERE pk = 1`, parent).Scan(&pk); err != nil {
				return fmt.Errorf("read the primary key of %s: %w", parent, err)
			}
			fks[i].to = pk
		}
		for i := range fks {
			if fks[i].onDelete != "SET NULL" {
				continue
			}
			indexed, err := p.indexed(ctx, fks[i].child, fks[i].from)
			if err != nil {
				return err
			}
			fks[i].deferred = !indexed
		}
	}
	return nil
}

// indexed reports whether column leads a full (not partial) index of table.
func (p *pruner) indexed(ctx context.Context, table, column string) (bool, error) {
	var n int
	err := p.db.QueryRowContext(ctx, `SELECT count(*) FROM pragma_index_list(?1) l, pragma_index_info(l.name) i
		WHERE l.partial = 0 AND i.seqno = 0 AND i.name = ?2`, table, column).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read the indexes of %s: %w", table, err)
	}
	return n > 0, nil
}

// clearDangling sets to NULL every deferred SET NULL reference whose parent
// row is gone, one statement per key.
func (p *pruner) clearDangling(ctx context.Context) error {
	for _, fks := range p.refs {
		for _, fk := range fks {
			if !fk.deferred {
				continue
			}
			child, from := quoteIdent(fk.child), quoteIdent(fk.from)
			q := `UPDATE ` + child + ` SET ` + from + ` = NULL WHERE ` + from + ` IS NOT NULL AND NOT EXISTS
				(SELECT 1 FROM ` + quoteIdent(fk.parent) + ` p WHERE p.` + quoteIdent(fk.to) + ` = ` + child + `.` + from + `)`
			if err := p.write(ctx, func(tx *sql.Tx) error { _, err := tx.ExecContext(ctx, q); return err }); err != nil {
				return fmt.Errorf("clear %s.%s of removed %s: %w", fk.child, fk.from, fk.parent, err)
			}
		}
	}
	return nil
}

// pruneTable removes the rows of table matching where, in batches: each batch
// of ids is read on a read snapshot, then re-checked and removed in one write
// transaction. It returns how many write transactions it ran.
func (p *pruner) pruneTable(ctx context.Context, table, where, cutoff string, counts map[string]int64) (int, error) {
	var last int64
	batches := 0
	for {
		ids, err := p.candidates(ctx, table, where, cutoff, last)
		if err != nil || len(ids) == 0 {
			return batches, err
		}
		last = ids[len(ids)-1]
		batch := map[string]int64{}
		err = p.write(ctx, func(tx *sql.Tx) error {
			clear(batch)
			still, err := queryIDs(ctx, tx, `SELECT id FROM `+quoteIdent(table)+` WHERE id IN (SELECT value FROM json_each(?2)) AND (`+where+`) ORDER BY id`, cutoff, idList(ids))
			if err != nil {
				return err
			}
			return p.deleteRows(ctx, tx, table, still, batch, 0)
		})
		batches++
		if err != nil {
			return batches, err
		}
		for t, n := range batch {
			counts[t] += n
		}
		if len(ids) < pruneBatch {
			return batches, nil
		}
	}
}

func (p *pruner) candidates(ctx context.Context, table, where, cutoff string, after int64) ([]int64, error) {
	tx, err := p.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	return queryIDs(ctx, tx, `SELECT id FROM `+quoteIdent(table)+` WHERE id > ?2 AND (`+where+`) ORDER BY id LIMIT ?3`, cutoff, after, pruneBatch)
}

// write runs fn in one immediate transaction, committed or, in a dry run,
// rolled back; a transaction that meets SQLITE_BUSY is retried whole.
func (p *pruner) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	start := time.Now() // wall time on purpose: this measures, it does not date
	defer func() { p.longest = max(p.longest, time.Since(start)) }()
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = p.tryWrite(ctx, fn)
		if !IsBusy(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(100*(attempt+1)) * time.Millisecond):
		}
	}
	return err
}

func (p *pruner) tryWrite(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil || p.dryRun {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// deleteRows deletes the rows of table with the given ids after applying
// every ON DELETE action that references them, as SQLite would with
// foreign keys on, but one statement per referencing key instead of one
// lookup per row. counts gains the rows deleted per table.
func (p *pruner) deleteRows(ctx context.Context, tx *sql.Tx, table string, ids []int64, counts map[string]int64, depth int) error {
	if len(ids) == 0 {
		return nil
	}
	if depth > pruneDepth {
		return fmt.Errorf("ON DELETE CASCADE chain from %s is deeper than %d tables", table, pruneDepth)
	}
	list := idList(ids)
	for _, fk := range p.refs[table] {
		// The parent key is usually the id; read it when the key names another column.
		keys := list
		if fk.to != "id" {
			var err error
			if keys, err = columnValues(ctx, tx, table, fk.to, list); err != nil {
				return err
			}
		}
		match := quoteIdent(fk.from) + ` IN (SELECT value FROM json_each(?1))`
		switch fk.onDelete {
		case "CASCADE":
			children, err := queryIDs(ctx, tx, `SELECT rowid FROM `+quoteIdent(fk.child)+` WHERE `+match, keys)
			if err != nil {
				return fmt.Errorf("find %s rows of removed %s: %w", fk.child, table, err)
			}
			if err := p.deleteRows(ctx, tx, fk.child, children, counts, depth+1); err != nil {
				return err
			}
		case "SET NULL":
			if fk.deferred {
				continue // clearDangling
			}
			if _, err := tx.ExecContext(ctx, `UPDATE `+quoteIdent(fk.child)+` SET `+quoteIdent(fk.from)+` = NULL WHERE `+match, keys); err != nil {
				return fmt.Errorf("clear %s.%s of removed %s: %w", fk.child, fk.from, table, err)
			}
		default: // NO ACTION, RESTRICT, SET DEFAULT: SQLite would refuse the delete; so does prune.
			var n int64
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+quoteIdent(fk.child)+` WHERE `+match, keys).Scan(&n); err != nil {
				return fmt.Errorf("check %s rows of removed %s: %w", fk.child, table, err)
			}
			if n > 0 {
				return fmt.Errorf("%d %s rows still reference %s (ON DELETE %s)", n, fk.child, table, fk.onDelete)
			}
		}
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM `+quoteIdent(table)+` WHERE rowid IN (SELECT value FROM json_each(?1))`, list)
	if err != nil {
		return fmt.Errorf("delete %s: %w", table, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	counts[table] += n
	return nil
}

func columnValues(ctx context.Context, tx *sql.Tx, table, column, ids string) (string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+quoteIdent(column)+` FROM `+quoteIdent(table)+` WHERE rowid IN (SELECT value FROM json_each(?1))`, ids)
	if err != nil {
		return "", fmt.Errorf("read %s.%s: %w", table, column, err)
	}
	defer rows.Close()
	var vals []any
	for rows.Next() {
		var v any
		if err := rows.Scan(&v); err != nil {
			return "", err
		}
		if b, ok := v.([]byte); ok {
			v = string(b)
		}
		vals = append(vals, v)
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	b, err := json.Marshal(vals)
	return string(b), err
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func queryIDs(ctx context.Context, q queryer, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// idList is ids as a JSON array, for json_each: one parameter for a whole batch.
func idList(ids []int64) string {
	b, _ := json.Marshal(ids) // []int64 always marshals
	return string(b)
}

// quoteIdent quotes a table or column name read from the schema.
func quoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}
