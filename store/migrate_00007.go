package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/pressly/goose/v3"

	"github.com/dealscout/dealscout/scout"
)

// migration00007 is Go, not SQL, because it computes each stored feed
// spec's scout.SourceSpec.ID (a SHA-256 prefix SQLite cannot compute).
//
// Up: (1) poll_runs may be 'aborted' — a run still 'running' when the next
// poll takes the lock was killed; (2) every place outside watches that kept
// a feed spec or URL with credentials or a query — listings.source,
// deals.source_spec, source_state.spec and last_error, the outbox's keys,
// payloads and errors, run reports — gets the masked ID instead.
//
// Down: aborted runs become 'failed'; stored IDs of specs that a watch still
// names are turned back into those specs. Masked error texts stay masked.
func migration00007() *goose.Migration {
	m := goose.NewGoMigration(7, &goose.GoFunc{RunTx: up00007}, &goose.GoFunc{RunTx: down00007})
	m.Source = "00007_source_ids.go"
	return m
}

const pollRunsTable = `CREATE TABLE poll_runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT    NOT NULL,
    finished_at TEXT,
    status      TEXT    NOT NULL DEFAULT 'running' CHECK (status IN (%s)),
    report      TEXT    NOT NULL DEFAULT '{}' -- JSON, the shape ` + "`poll --json`" + ` prints
)`

// rebuildPollRuns recreates poll_runs with the given allowed statuses
// (SQLite cannot alter a CHECK constraint), mapping statuses through fix.
func rebuildPollRuns(ctx context.Context, tx *sql.Tx, statuses, fix string) error {
	for _, q := range []string{
		`ALTER TABLE poll_runs RENAME TO poll_runs_old`,
		fmt.Sprintf(pollRunsTable, statuses),
		`INSERT INTO poll_runs (id, started_at, finished_at, status, report)
			SELECT id, started_at, finished_at, ` + fix + `, report FROM poll_runs_old`,
		`DROP TABLE poll_runs_old`,
		`CREATE INDEX poll_runs_started ON poll_runs(started_at)`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("rebuild poll_runs: %w", err)
		}
	}
	return nil
}

func up00007(ctx context.Context, tx *sql.Tx) error {
	if err := rebuildPollRuns(ctx, tx, `'running', 'ok', 'partial', 'failed', 'aborted'`, `status`); err != nil {
		return err
	}
	raws, err := storedFeedSpecs(ctx, tx)
	if err != nil {
		return err
	}
	for _, raw := range raws {
		spec, err := scout.ParseSourceSpec(raw)
		if err != nil || spec.Kind != scout.KindFeed {
			continue
		}
		if err := maskSpec(ctx, tx, spec); err != nil {
			return err
		}
	}
	return nil
}

func down00007(ctx context.Context, tx *sql.Tx) error {
	if err := rebuildPollRuns(ctx, tx, `'running', 'ok', 'partial', 'failed'`,
		`CASE status WHEN 'aborted' THEN 'failed' ELSE status END`); err != nil {
		return err
	}
	raws, err := watchFeedSpecs(ctx, tx)
	if err != nil {
		return err
	}
	for _, raw := range raws {
		spec, err := scout.ParseSourceSpec(raw)
		if err != nil || spec.ID() == spec.String() {
			continue
		}
		id, full := spec.ID(), spec.String()
		for _, q := range []string{
			`UPDATE listings SET source = ?2 WHERE source = ?1`,
			`UPDATE deals SET source_spec = ?2 WHERE source_spec = ?1`,
			`UPDATE source_state SET spec = ?2 WHERE spec = ?1`,
		} {
			if _, err := tx.ExecContext(ctx, q, id, full); err != nil {
				return fmt.Errorf("restore feed spec: %w", err)
			}
		}
	}
	return nil
}

// storedFeedSpecs lists every distinct feed spec the database mentions: the
// watches' and those listings, deals and source state kept (a watch may have
// dropped a feed whose listings remain).
func storedFeedSpecs(ctx context.Context, tx *sql.Tx) ([]string, error) {
	set := map[string]bool{}
	ws, err := watchFeedSpecs(ctx, tx)
	if err != nil {
		return nil, err
	}
	for _, s := range ws {
		set[s] = true
	}
	for _, q := range []string{
		`SELECT DISTINCT source FROM listings WHERE source LIKE 'feed:%'`,
		`SELECT DISTINCT source_spec FROM deals WHERE source_spec LIKE 'feed:%'`,
		`SELECT DISTINCT spec FROM source_state WHERE spec LIKE 'feed:%'`,
	} {
		if err := collect(ctx, tx, q, func(s string) { set[s] = true }); err != nil {
			return nil, err
		}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out, nil
}

func watchFeedSpecs(ctx context.Context, tx *sql.Tx) ([]string, error) {
	var out []string
	err := collect(ctx, tx, `SELECT sources FROM watches`, func(js string) {
		var srcs []string
		if json.Unmarshal([]byte(js), &srcs) != nil {
			return
		}
		for _, s := range srcs {
			if strings.HasPrefix(strings.ToLower(strings.TrimSpace(s)), scout.KindFeed+":") {
				out = append(out, s)
			}
		}
	})
	return out, err
}

func collect(ctx context.Context, tx *sql.Tx, q string, fn func(string)) error {
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("read feed specs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		fn(s)
	}
	return rows.Err()
}

// maskSpec replaces one feed spec by its ID where it is a key, and every
// form of it and its URL in stored texts by the masked forms.
func maskSpec(ctx context.Context, tx *sql.Tx, spec scout.SourceSpec) error {
	full, id := spec.String(), spec.ID()
	if full == id {
		return nil
	}
	for _, q := range []string{
		`UPDATE listings SET source = ?2 WHERE source = ?1`,
		`UPDATE deals SET source_spec = ?2 WHERE source_spec = ?1`,
		`UPDATE source_state SET spec = ?2 WHERE spec = ?1`,
	} {
		if _, err := tx.ExecContext(ctx, q, full, id); err != nil {
			return fmt.Errorf("mask feed spec: %w", err)
		}
	}
	// Longest first: the spec contains the URL.
	pairs := [][2]string{{full, id}, {spec.Arg, scout.MaskURL(spec.Arg)}}
	if u, err := url.Parse(spec.Arg); err == nil && u.User != nil {
		pairs = append(pairs, [2]string{u.Redacted(), scout.MaskURL(spec.Arg)}) // how older errors showed it
	}
	for _, p := range append([][2]string(nil), pairs...) {
		if esc := jsonEscaped(p[0]); esc != p[0] {
			pairs = append(pairs, [2]string{esc, jsonEscaped(p[1])}) // inside stored JSON
		}
	}
	for _, p := range pairs {
		for _, q := range []string{
			`UPDATE source_state SET last_error = replace(last_error, ?1, ?2) WHERE instr(last_error, ?1) > 0`,
			`UPDATE notifications SET dedupe_key = replace(dedupe_key, ?1, ?2) WHERE instr(dedupe_key, ?1) > 0`,
			`UPDATE notifications SET payload = replace(payload, ?1, ?2) WHERE instr(payload, ?1) > 0`,
			`UPDATE notifications SET last_error = replace(last_error, ?1, ?2) WHERE instr(last_error, ?1) > 0`,
			`UPDATE poll_runs SET report = replace(report, ?1, ?2) WHERE instr(report, ?1) > 0`,
		} {
			if _, err := tx.ExecContext(ctx, q, p[0], p[1]); err != nil {
				return fmt.Errorf("mask feed spec in stored text: %w", err)
			}
		}
	}
	return nil
}

// jsonEscaped is s as encoding/json writes it inside a string ("&" is \u0026).
func jsonEscaped(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}
