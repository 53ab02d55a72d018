package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
)

// measurePrune simulates a year of weekly polls, each bringing perWeek new
// listings while last week's leave the source, with `prune --older-than 90d`
// after each. The binary has no clock to inject, so time is compressed by
// moving every stored timestamp a week into the past between rounds (the
// same as a week passing). Bounded means the stored listings settle near 13
// weeks' worth and the file stops growing.
func measurePrune(ctx context.Context, h *harness) error {
	if !h.hasCommand(ctx, "prune") {
		h.notMeasured("prune keeps the database bounded over a simulated year", "prune not present in this build")
		return nil
	}
	const weeks = 52
	perWeek := 500
	if h.o.quick {
		perWeek = 200
	}
	in, err := h.newInstance("prune")
	if err != nil {
		return err
	}
	path := filepath.Join(in.dir, "listings.jsonl")
	if err := writeJSONL(path, genItems(0, perWeek)); err != nil {
		return err
	}
	if _, err := in.run(ctx, "watch", "add", "bench", "--query", "table", "--source", "file:"+path, "--every", "24h", "--digest", "off"); err != nil {
		return err
	}
	var sizeAt26, size int64
	var count, countAt26 int
	for w := range weeks {
		if err := writeJSONL(path, genItems(w*perWeek, perWeek)); err != nil {
			return err
		}
		if _, err := in.run(ctx, "poll", "--all", "--no-notify"); err != nil {
			return fmt.Errorf("week %d: %w", w+1, err)
		}
		if err := shiftTime(ctx, in.db, "-7 days"); err != nil {
			return fmt.Errorf("week %d: move time on: %w", w+1, err)
		}
		if _, err := in.run(ctx, "prune", "--older-than", "90d"); err != nil {
			return fmt.Errorf("week %d: %w", w+1, err)
		}
		size = fileSize(in.db) + fileSize(in.db+"-wal")
		if w == 25 {
			sizeAt26 = size
			if countAt26, err = countListings(ctx, in.db); err != nil {
				return err
			}
		}
	}
	if count, err = countListings(ctx, in.db); err != nil {
		return err
	}
	// Bounded: by week 26 the window is full, so the second half of the
	// year must not add to it.
	kept := float64(count) / float64(max(1, countAt26))
	h.add(row{measure: fmt.Sprintf("prune --older-than 90d, a simulated year (%s new/week): listings, week 52 ÷ week 26", fmtCount(perWeek)),
		measured: fmtCount(count), ceiling: fmtCount(countAt26) + fmt.Sprintf(" (%s unpruned)", fmtCount(weeks*perWeek)),
		ratio: fmt.Sprintf("%.2f×", kept), target: "≤ 1.1×", verdict: verdict(kept <= 1.1)})
	growth := float64(size) / float64(max(1, sizeAt26))
	h.add(row{measure: "prune: database size, week 52 ÷ week 26", measured: fmtMB(float64(size)), ceiling: fmtMB(float64(sizeAt26)),
		ratio: fmt.Sprintf("%.2f×", growth), target: "≤ 1.2×", verdict: verdict(growth <= 1.2)})
	return nil
}

// shiftTime moves every stored timestamp (TEXT columns named *_at, *_seen
// or *_until holding an RFC 3339 time) by the SQLite modifier delta.
func shiftTime(ctx context.Context, db, delta string) error {
	conn, err := sql.Open("sqlite", dsn(db, false))
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	tables, err := strings1(ctx, conn, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'goose_%'`)
	if err != nil {
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	for _, t := range tables {
		cols, err := strings1(ctx, conn, `SELECT name FROM pragma_table_info(?) WHERE type = 'TEXT'`, t)
		if err != nil {
			return err
		}
		for _, c := range cols {
			if !strings.HasSuffix(c, "_at") && !strings.HasSuffix(c, "_seen") && !strings.HasSuffix(c, "_until") {
				continue
			}
			// Identifiers come from the schema itself, quoted; the delta is ours.
			q := fmt.Sprintf(`UPDATE "%s" SET "%s" = strftime('%%Y-%%m-%%dT%%H:%%M:%%fZ', "%s", ?) WHERE "%s" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*'`, t, c, c, c) // #nosec G201
			if _, err := tx.ExecContext(ctx, q, delta); err != nil {
				return fmt.Errorf("%s.%s: %w", t, c, err)
			}
		}
	}
	return tx.Commit()
}

func strings1(ctx context.Context, conn *sql.DB, q string, args ...any) ([]string, error) {
	rows, err := conn.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func countListings(ctx context.Context, db string) (int, error) {
	conn, err := sql.Open("sqlite", dsn(db, true))
	if err != nil {
		return 0, err
	}
	defer func() { _ = conn.Close() }()
	var n int
	err = conn.QueryRowContext(ctx, `SELECT count(*) FROM listings`).Scan(&n)
	return n, err
}
