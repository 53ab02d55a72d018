package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// upgradeFills write rows that are valid at the schema of their version, for
// the tables that version created. A database created at version N gets the
// fills of every version up to N. Versions without a fill here (later
// migrations) get genericFill, which puts one row in each empty table; give
// a new migration its own fill when its tables have CHECK constraints or
// rows that need meaning.
var upgradeFills = map[int64]func(t *testing.T, db *sql.DB){
	1: func(t *testing.T, db *sql.DB) {
		exec(t, db,
			`INSERT INTO watches (id, name, query, sources, min_price_cents, max_price_cents, conditions, zip, radius_mi, notify, created_at, updated_at)
			 VALUES (1, 'couches', '"sectional sofa" -broken', '["demo"]', 1000, 40000, '["good"]', '94105', 25, '["phone"]', '2026-01-02T03:04:05.000Z', '2026-01-02T03:04:05.000Z'),
			        (2, 'bikes', 'road bike', '["feed:https://example.com/bikes.rss"]', NULL, NULL, '[]', '', 0, '[]', '2026-01-03T00:00:00.000Z', '2026-01-03T00:00:00.000Z')`,
			`INSERT INTO channels (id, name, url, kind, created_at) VALUES (1, 'phone', 'sms:+14155550123', 'sms', '2026-01-02T03:04:05.000Z')`,
			`INSERT INTO listings (id, source, source_id, title, description, price_cents, currency, free, condition, lat, lng, url, images, norm_title, first_seen, last_seen, gone_at)
			 VALUES (1, 'demo', 'a1', 'Grey sectional sofa', 'like new, ünïcode ✓', 25000, 'USD', 0, 'good', 37.78, -122.41, 'https://example.com/a1', '["https://example.com/a1.jpg"]', 'grey sectional sofa', '2026-01-02T03:04:05.000Z', '2026-01-05T00:00:00.000Z', NULL),
			        (2, 'feed', 'b2', 'Grey sectional sofa', '', 0, 'USD', 1, 'unknown', NULL, NULL, 'https://example.com/b2', '[]', 'grey sectional sofa', '2026-01-02T04:00:00.000Z', '2026-01-04T00:00:00.000Z', '2026-01-04T12:00:00.000Z')`,
			`UPDATE listings SET duplicate_of = 1 WHERE id = 2`,
			`INSERT INTO price_history (listing_id, price_cents, currency, seen_at) VALUES (1, 30000, 'USD', '2026-01-02T03:04:05.000Z'), (1, 25000, 'USD', '2026-01-04T00:00:00.000Z')`,
			`INSERT INTO deals (id, watch_id, listing_id, source_spec, score, components, distance_mi, status, first_seen, updated_at)
			 VALUES (1, 1, 1, 'demo', 82.5, '{}', 1.2, 'saved', '2026-01-02T03:04:05.000Z', '2026-01-05T00:00:00.000Z'),
			        (2, 1, 2, 'demo', 91, '{}', NULL, 'new', '2026-01-02T04:00:00.000Z', '2026-01-04T00:00:00.000Z')`,
		)
	},
	2: func(t *testing.T, db *sql.DB) {
		exec(t, db,
			`INSERT INTO poll_runs (started_at, finished_at, status, report) VALUES ('2026-01-05T00:00:00.000Z', '2026-01-05T00:00:03.000Z', 'partial', '{"run_id":1}')`,
			`INSERT INTO source_state (watch_id, spec, etag, last_modified, failure_streak, last_error) VALUES (1, 'demo', '"abc"', 'Mon, 05 Jan 2026 00:00:00 GMT', 2, 'timeout')`,
			`INSERT INTO api_usage (source, day, calls) VALUES ('ebay', '2026-01-05', 17)`,
			`INSERT INTO oauth_tokens (key, token, expires_at) VALUES ('ebay:production', 'tok', '2026-01-05T02:00:00.000Z')`,
		)
	},
	3: func(t *testing.T, db *sql.DB) {
		exec(t, db,
			`INSERT INTO notifications (dedupe_key, watch_id, listing_id, channel, reason, payload, status, attempts, next_attempt_at, created_at, sent_at)
			 VALUES ('1:1:phone:score', 1, 1, 'phone', 'score', '{"title":"Grey sectional sofa"}', 'sent', 1, '2026-01-05T00:00:00.000Z', '2026-01-05T00:00:00.000Z', '2026-01-05T00:00:01.000Z'),
			        ('1:2:phone:free', 1, 2, 'phone', 'free', '{}', 'pending', 0, '2026-01-05T00:00:00.000Z', '2026-01-05T00:00:00.000Z', NULL)`,
		)
	},
	4: nil, // an index only
	5: nil, // an index only
}

func exec(t *testing.T, db *sql.DB, stmts ...string) {
	t.Helper()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("fill: %v\n%s", err, q)
		}
	}
}

// genericFill puts one row into every empty table: a value of the declared
// type for each required column, and an existing row's key for each foreign
// key. It returns the tables it could not fill (a CHECK constraint, say),
// which then go through the upgrade empty.
func genericFill(t *testing.T, db *sql.DB) (unfilled []string) {
	t.Helper()
	for _, table := range tables(t, db) {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM ` + quoteIdent(table)).Scan(&n); err != nil || n > 0 {
			continue
		}
		fks := map[string][2]string{} // column → parent table, parent column
		rows, err := db.Query(`SELECT "from", "table", coalesce("to", '') FROM pragma_foreign_key_list(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var from, parent, to string
			_ = rows.Scan(&from, &parent, &to)
			fks[from] = [2]string{parent, to}
		}
		_ = rows.Close()
		var cols, vals []string
		rows, err = db.Query(`SELECT name, upper(type), "notnull", dflt_value IS NOT NULL, pk FROM pragma_table_info(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var name, typ string
			var notNull, hasDefault bool
			var pk int
			_ = rows.Scan(&name, &typ, &notNull, &hasDefault, &pk)
			if fk, ok := fks[name]; ok {
				to := fk[1]
				if to == "" {
					to = "rowid"
				}
				cols, vals = append(cols, quoteIdent(name)), append(vals, `(SELECT `+quoteIdent(to)+` FROM `+quoteIdent(fk[0])+` LIMIT 1)`)
				continue
			}
			if (!notNull && pk == 0) || hasDefault || (pk == 1 && strings.Contains(typ, "INT")) {
				continue
			}
			v := `'upgrade-test ` + name + `'`
			switch {
			case strings.Contains(typ, "INT"):
				v = "7"
			case strings.Contains(typ, "REAL"), strings.Contains(typ, "FLOA"), strings.Contains(typ, "DOUB"):
				v = "7.5"
			case strings.HasSuffix(name, "_at"):
				v = `'2026-01-05T00:00:00.000Z'`
			}
			cols, vals = append(cols, quoteIdent(name)), append(vals, v)
		}
		_ = rows.Close()
		q := `INSERT INTO ` + quoteIdent(table) + ` (` + strings.Join(cols, ", ") + `) VALUES (` + strings.Join(vals, ", ") + `)`
		if len(cols) == 0 {
			q = `INSERT INTO ` + quoteIdent(table) + ` DEFAULT VALUES`
		}
		if _, err := db.Exec(q); err != nil {
			unfilled = append(unfilled, fmt.Sprintf("%s (%v)", table, err))
		}
	}
	return unfilled
}

func tables(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		out = append(out, n)
	}
	return out
}

// snapshot is every row of every table, by table and rowid, column by column.
type snapshot map[string]map[int64]map[string]any

func takeSnapshot(t *testing.T, db *sql.DB) snapshot {
	t.Helper()
	snap := snapshot{}
	for _, table := range tables(t, db) {
		rows, err := db.Query(`SELECT rowid AS upgrade_rowid, * FROM ` + quoteIdent(table))
		if err != nil {
			t.Fatalf("read %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		snap[table] = map[int64]map[string]any{}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			row := map[string]any{}
			for i, c := range cols[1:] {
				v := vals[i+1]
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				row[c] = v
			}
			snap[table][vals[0].(int64)] = row
		}
		_ = rows.Close()
	}
	return snap
}

// keeps reports every row and value of old that now is missing or different.
// New tables, rows and columns are allowed; lost ones are not.
func (now snapshot) keeps(old snapshot) []string {
	var lost []string
	for table, rows := range old {
		cur, ok := now[table]
		if !ok {
			if len(rows) > 0 {
				lost = append(lost, fmt.Sprintf("table %s (%d rows) is gone", table, len(rows)))
			}
			continue
		}
		for id, row := range rows {
			got, ok := cur[id]
			if !ok {
				lost = append(lost, fmt.Sprintf("%s row %d is gone", table, id))
				continue
			}
			for col, v := range row {
				if g, ok := got[col]; !ok {
					lost = append(lost, fmt.Sprintf("%s.%s is gone (row %d held %v)", table, col, id, v))
				} else if !reflect.DeepEqual(g, v) {
					lost = append(lost, fmt.Sprintf("%s row %d: %s was %v, is %v", table, id, col, v, g))
				}
			}
		}
	}
	slices.Sort(lost)
	return lost
}

func schemaChecks(t *testing.T, s *Store, when string) {
	t.Helper()
	var res string
	if err := s.db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Errorf("%s: integrity_check = %q, %v", when, res, err)
	}
	rows, err := s.db.Query(`PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, parent string
		var rowid, fk any
		_ = rows.Scan(&table, &rowid, &parent, &fk)
		t.Errorf("%s: %s row %v references a missing %s row", when, table, rowid, parent)
	}
}

// TestUpgradeFromEveryVersion creates a database at every earlier schema
// version, fills it with rows valid at that version, migrates it up to the
// newest, down again to where it started and up once more, and checks that
// no row or value was lost on the way and that the newest code reads it.
func TestUpgradeFromEveryVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	probe := newTestStore(t)
	p, err := probe.provider()
	if err != nil {
		t.Fatal(err)
	}
	var versions []int64
	for _, src := range p.ListSources() {
		versions = append(versions, src.Version)
	}
	if len(versions) < 5 {
		t.Fatalf("found %d migrations, want at least the 5 this test knows", len(versions))
	}
	latest := versions[len(versions)-1]
	for _, from := range versions[:len(versions)-1] {
		t.Run(fmt.Sprintf("from_%05d", from), func(t *testing.T) {
			t.Parallel()
			s, err := Open(ctx, filepath.Join(t.TempDir(), "old.db"), Options{Now: func() time.Time { return testNow }})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			if _, err := s.Migrate(ctx, from); err != nil {
				t.Fatalf("create at version %d: %v", from, err)
			}
			for _, v := range versions {
				if v > from {
					break
				}
				fill, known := upgradeFills[v]
				switch {
				case fill != nil:
					fill(t, s.db)
				case !known:
					if unfilled := genericFill(t, s.db); len(unfilled) > 0 {
						t.Logf("version %d: no generic row for %s; add a fill for version %d to upgradeFills", v, strings.Join(unfilled, ", "), v)
					}
				}
			}
			before := takeSnapshot(t, s.db)

			applied, err := s.Migrate(ctx, 0)
			if err != nil {
				t.Fatalf("migrate up from %d: %v", from, err)
			}
			if len(applied) == 0 || applied[len(applied)-1] != latest {
				t.Fatalf("migrate up from %d applied %v, want up to %d", from, applied, latest)
			}
			schemaChecks(t, s, "after up")
			if lost := takeSnapshot(t, s.db).keeps(before); len(lost) > 0 {
				t.Errorf("migrating up from %d lost data:\n%s", from, strings.Join(lost, "\n"))
			}
			if err := s.CheckSchema(ctx); err != nil {
				t.Errorf("after up: CheckSchema: %v", err)
			}
			watches, err := s.Watches(ctx)
			if err != nil || len(watches) != 2 {
				t.Errorf("after up: Watches = %d, %v; want the 2 filled in", len(watches), err)
			}
			deals, err := s.Deals(ctx, DealFilter{})
			if err != nil || len(deals) != 2 {
				t.Errorf("after up: Deals = %d, %v; want the 2 filled in", len(deals), err)
			}

			if _, err := s.MigrateDown(ctx, from); err != nil {
				t.Fatalf("migrate down to %d: %v", from, err)
			}
			schemaChecks(t, s, "after down")
			if lost := takeSnapshot(t, s.db).keeps(before); len(lost) > 0 {
				t.Errorf("migrating down to %d lost data:\n%s", from, strings.Join(lost, "\n"))
			}
			if _, err := s.Migrate(ctx, 0); err != nil {
				t.Fatalf("migrate up again from %d: %v", from, err)
			}
			if lost := takeSnapshot(t, s.db).keeps(before); len(lost) > 0 {
				t.Errorf("migrating up again from %d lost data:\n%s", from, strings.Join(lost, "\n"))
			}
		})
	}
}
