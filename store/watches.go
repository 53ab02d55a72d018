package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dealscout/dealscout/scout"
)

const watchColumns = `id, name, query, exclude, sources, min_price_cents, max_price_cents, currency, conditions,
	zip, lat, lng, radius_mi, min_score, notify, every_seconds, digest, quiet, paused, settings, backfilled,
	last_polled_at, created_at, updated_at`

// CreateWatch stores a new, already validated watch. ErrConflict when the name is taken.
func (s *Store) CreateWatch(ctx context.Context, w *scout.Watch) error {
	now := s.Now()
	args, err := watchArgs(w)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := nameTaken(ctx, tx, w.Name, 0); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, insertWatchSQL, append(args, ts(now), ts(now))...)
		if isUnique(err) {
			return fmt.Errorf("watch %q %w", w.Name, ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("store: create watch %q: %w", w.Name, err)
		}
		w.ID, _ = res.LastInsertId()
		w.CreatedAt, w.UpdatedAt = now, now
		return nil
	})
}

// UpdateWatch saves every user-editable field of w (found by ID) and, in the
// same transaction, removes the watch's deals that keep rejects (given each
// deal and the source spec that found it), so deals never show what the
// edited filters exclude; a later poll adds back whatever matches again.
// Every edit path (CLI, web UI, API) passes scout.DealStillMatches; a nil keep
// keeps every deal, for changes that cannot affect matching (demo's schedule).
func (s *Store) UpdateWatch(ctx context.Context, w *scout.Watch, keep func(d scout.Deal, sourceSpec string) bool) (removed, kept int, err error) {
	now := s.Now()
	args, err := watchArgs(w)
	if err != nil {
		return 0, 0, err
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		removed, kept = 0, 0
		if err := nameTaken(ctx, tx, w.Name, w.ID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, updateWatchSQL, append(args, ts(now), w.ID)...)
		if isUnique(err) {
			return fmt.Errorf("watch %q %w", w.Name, ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("store: update watch %q: %w", w.Name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("watch %q: %w", w.Name, ErrNotFound)
		}
		w.UpdatedAt = now
		if keep == nil {
			return nil
		}
		drop, n, err := rejectedDeals(ctx, tx, w.ID, keep)
		if err != nil {
			return fmt.Errorf("store: re-evaluate deals of %q: %w", w.Name, err)
		}
		for _, id := range drop {
			if _, err := tx.ExecContext(ctx, `DELETE FROM deals WHERE id = ?`, id); err != nil {
				return fmt.Errorf("store: remove deal %d: %w", id, err)
			}
		}
		removed, kept = len(drop), n-len(drop)
		return nil
	})
	return removed, kept, err
}

// rejectedDeals returns the ids of the watch's deals keep rejects, and how
// many deals it has.
func rejectedDeals(ctx context.Context, tx *sql.Tx, watchID int64, keep func(scout.Deal, string) bool) ([]int64, int, error) {
	specs := map[int64]string{}
	rows, err := tx.QueryContext(ctx, `SELECT id, source_spec FROM deals WHERE watch_id = ?`, watchID)
	if err != nil {
		return nil, 0, err
	}
	for rows.Next() {
		var id int64
		var spec string
		if err := rows.Scan(&id, &spec); err != nil {
			_ = rows.Close()
			return nil, 0, err
		}
		specs[id] = spec
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, 0, err
	}
	rows, err = tx.QueryContext(ctx, dealSelect+` WHERE d.watch_id = ?`, watchID)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var drop []int64
	n := 0
	for rows.Next() {
		d, err := scanDeal(rows)
		if err != nil {
			return nil, 0, err
		}
		n++
		if !keep(d, specs[d.ID]) {
			drop = append(drop, d.ID)
		}
	}
	return drop, n, rows.Err()
}

// nameTaken returns ErrConflict when another watch (not id) has this name in
// any case: "Chairs" and "chairs" would be two watches users cannot tell
// apart. Go's case folding covers every script, which SQLite's NOCASE and
// lower() do not; a user has tens of watches, not millions.
func nameTaken(ctx context.Context, tx *sql.Tx, name string, id int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, name FROM watches`)
	if err != nil {
		return fmt.Errorf("store: watch names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var other int64
		var n string
		if err := rows.Scan(&other, &n); err != nil {
			return fmt.Errorf("store: watch names: %w", err)
		}
		if other != id && strings.EqualFold(n, name) {
			if n == name {
				return fmt.Errorf("watch %q %w", name, ErrConflict)
			}
			return fmt.Errorf("watch %q %w as %q (names ignore case)", name, ErrConflict, n)
		}
	}
	return rows.Err()
}

// Watch returns the watch with this name.
func (s *Store) Watch(ctx context.Context, name string) (scout.Watch, error) {
	var w scout.Watch
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		w, err = scanWatch(tx.QueryRowContext(ctx, `SELECT `+watchColumns+` FROM watches WHERE name = ?`, name))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return w, fmt.Errorf("watch %q: %w (see `dealscout watch list`)", name, ErrNotFound)
	}
	if err != nil {
		return w, fmt.Errorf("store: watch %q: %w", name, err)
	}
	return w, nil
}

// Watches lists every watch by name.
func (s *Store) Watches(ctx context.Context) ([]scout.Watch, error) {
	return s.watchesWhere(ctx, "")
}

// DueWatches lists, by name, the watches a scheduled poll at now polls:
// not paused, and never polled or polled at least their interval ago. It
// reads only the schedule columns first, so a poll with nothing due (most
// cron runs) decodes no watch's stored JSON.
func (s *Store) DueWatches(ctx context.Context, now time.Time) ([]scout.Watch, error) {
	var due []int64
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, every_seconds, last_polled_at FROM watches WHERE NOT paused`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, every int64
			var last sql.NullString
			if err := rows.Scan(&id, &every, &last); err != nil {
				return err
			}
			polled := parseTS(last)
			if polled.IsZero() || !now.Before(polled.Add(time.Duration(every)*time.Second)) {
				due = append(due, id)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: list due watches: %w", err)
	}
	if len(due) == 0 {
		return nil, nil
	}
	ids, err := json.Marshal(due)
	if err != nil {
		return nil, err
	}
	return s.watchesWhere(ctx, `WHERE id IN (SELECT value FROM json_each(?))`, string(ids))
}

// digestWatches lists the watches whose digest is not off and that notify
// some channel, by name: the only ones a digest can be due for. Each poll
// asks, and decoding every watch's stored JSON costs more than the query.
func (s *Store) digestWatches(ctx context.Context) ([]scout.Watch, error) {
	return s.watchesWhere(ctx, `WHERE digest != 'off' AND notify NOT IN ('', '[]', 'null')`)
}

// watchesWhere lists the watches matching where (a constant clause with
// placeholders for args), by name.
func (s *Store) watchesWhere(ctx context.Context, where string, args ...any) ([]scout.Watch, error) {
	var out []scout.Watch
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+watchColumns+` FROM watches `+where+` ORDER BY name`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			w, err := scanWatch(rows)
			if err != nil {
				return err
			}
			out = append(out, w)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: list watches: %w", err)
	}
	return out, nil
}

// DeleteWatch removes a watch and its deals (listings stay: other watches and comps use them).
func (s *Store) DeleteWatch(ctx context.Context, name string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM watches WHERE name = ?`, name)
		if err != nil {
			return fmt.Errorf("store: delete watch %q: %w", name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("watch %q: %w", name, ErrNotFound)
		}
		return nil
	})
}

// SetWatchPaused pauses or resumes a watch.
func (s *Store) SetWatchPaused(ctx context.Context, name string, paused bool) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE watches SET paused = ?, updated_at = ? WHERE name = ?`, paused, ts(s.Now()), name)
		if err != nil {
			return fmt.Errorf("store: pause watch %q: %w", name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("watch %q: %w", name, ErrNotFound)
		}
		return nil
	})
}

// MarkWatchPolled records a finished poll of the watch; backfilled becomes
// true once any poll has stored what the sources offered.
func (s *Store) MarkWatchPolled(ctx context.Context, id int64, at time.Time, backfilled bool) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE watches SET last_polled_at = ?, backfilled = backfilled OR ? WHERE id = ?`, ts(at), backfilled, id)
		if err != nil {
			return fmt.Errorf("store: mark watch polled: %w", err)
		}
		return nil
	})
}

func watchArgs(w *scout.Watch) ([]any, error) {
	enc := func(v any) string {
		b, _ := json.Marshal(v) // slices and maps of plain values cannot fail
		return string(b)
	}
	var lat, lng any
	if w.HasCoords {
		lat, lng = w.Lat, w.Lng
	}
	conds := make([]string, len(w.Conditions))
	for i, c := range w.Conditions {
		conds[i] = string(c)
	}
	return []any{w.Name, w.Query, enc(nonNil(w.Exclude)), enc(nonNil(w.Sources)), w.MinPriceCents, w.MaxPriceCents,
		w.Currency, enc(conds), w.ZIP, lat, lng, w.RadiusMi, w.MinScore, enc(nonNil(w.Notify)),
		int64(w.Every / time.Second), w.Digest, w.Quiet, w.Paused, enc(w.Settings)}, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

type rowScanner interface{ Scan(dest ...any) error }

func scanWatch(r rowScanner) (scout.Watch, error) {
	var (
		w                                         scout.Watch
		exclude, sources, conds, notify, settings string
		minP, maxP                                sql.NullInt64
		lat, lng                                  sql.NullFloat64
		every                                     int64
		lastPolled, created, updated              sql.NullString
	)
	err := r.Scan(&w.ID, &w.Name, &w.Query, &exclude, &sources, &minP, &maxP, &w.Currency, &conds, &w.ZIP, &lat, &lng,
		&w.RadiusMi, &w.MinScore, &notify, &every, &w.Digest, &w.Quiet, &w.Paused, &settings, &w.Backfilled,
		&lastPolled, &created, &updated)
	if err != nil {
		return w, err
	}
	var cs []string
	w.Settings = scout.DefaultSettings()
	if err := errors.Join(json.Unmarshal([]byte(exclude), &w.Exclude), json.Unmarshal([]byte(sources), &w.Sources),
		json.Unmarshal([]byte(conds), &cs), json.Unmarshal([]byte(notify), &w.Notify),
		json.Unmarshal([]byte(settings), &w.Settings)); err != nil {
		return w, fmt.Errorf("watch %q has corrupt stored fields: %w", w.Name, err)
	}
	for _, c := range cs {
		w.Conditions = append(w.Conditions, scout.Condition(c))
	}
	if minP.Valid {
		w.MinPriceCents = &minP.Int64
	}
	if maxP.Valid {
		w.MaxPriceCents = &maxP.Int64
	}
	if lat.Valid && lng.Valid {
		w.HasCoords, w.Lat, w.Lng = true, lat.Float64, lng.Float64
	}
	w.Every = time.Duration(every) * time.Second
	w.LastPolledAt, w.CreatedAt, w.UpdatedAt = parseTS(lastPolled), parseTS(created), parseTS(updated)
	return w, nil
}

func isUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// watchArgColumns are the columns watchArgs fills, in its order.
var watchArgColumns = []string{"name", "query", "exclude", "sources", "min_price_cents", "max_price_cents", "currency",
	"conditions", "zip", "lat", "lng", "radius_mi", "min_score", "notify", "every_seconds", "digest", "quiet", "paused",
	"settings"}

// The statements that write watchArgs: insert (then created_at, updated_at),
// update (then updated_at, id), and the import's update, which changes a
// watch only when some column differs (then updated_at, id, and watchArgs
// again), so re-importing an export touches nothing.
var insertWatchSQL, updateWatchSQL, importUpdateSQL = func() (string, string, string) {
	cols := strings.Join(watchArgColumns, ", ")
	set := make([]string, len(watchArgColumns))
	same := make([]string, len(watchArgColumns))
	for i, c := range watchArgColumns {
		set[i] = c + "=?"
		same[i] = c + " IS ?"
	}
	insert := `INSERT INTO watches (` + cols + `, created_at, updated_at) VALUES (` +
		strings.Repeat("?,", len(watchArgColumns)+1) + `?)`
	update := `UPDATE watches SET ` + strings.Join(set, ", ") + `, updated_at=? WHERE id=?`
	return insert, update, update + ` AND NOT (` + strings.Join(same, " AND ") + `)`
}()

// ImportWatches creates or updates (by name) every watch in one transaction,
// so a failure leaves the stored watches as they were. A watch identical to
// the stored one is counted as unchanged and keeps its updated_at.
func (s *Store) ImportWatches(ctx context.Context, ws []scout.Watch) (created, updated, unchanged int, err error) {
	now := s.Now()
	err = s.write(ctx, func(tx *sql.Tx) error {
		created, updated, unchanged = 0, 0, 0
		for i := range ws {
			args, err := watchArgs(&ws[i])
			if err != nil {
				return err
			}
			var id int64
			err = tx.QueryRowContext(ctx, `SELECT id FROM watches WHERE name = ?`, ws[i].Name).Scan(&id)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				if err = nameTaken(ctx, tx, ws[i].Name, 0); err != nil {
					return err
				}
				_, err = tx.ExecContext(ctx, insertWatchSQL, append(args, ts(now), ts(now))...)
				created++
			case err == nil:
				q := append(append(args[:len(args):len(args)], ts(now), id), args...)
				var changed bool
				if changed, err = execChanged(ctx, tx, importUpdateSQL, q...); changed {
					updated++
				} else if err == nil {
					unchanged++
				}
			}
			if err != nil {
				return fmt.Errorf("store: import watch %q: %w", ws[i].Name, err)
			}
		}
		return nil
	})
	return created, updated, unchanged, err
}

// execChanged runs a statement and reports whether it changed any row.
func execChanged(ctx context.Context, tx *sql.Tx, query string, args ...any) (bool, error) {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
