package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"
)

// migration00011 is Go, not SQL, because its down rewrites every deal whose
// score is stored as factors into the "k" layout that older binaries read,
// which takes the scoring's own arithmetic.
//
// Up: score_weights holds each weight set deals were scored with, and
// deals.weights_id names a deal's (NULL for a deal stored in an older
// layout). It carries no REFERENCES clause: SQLite cannot drop a column
// that has one, and the down must. deal_factors holds the factors of the
// deals that have a weight set, out of the deal rows, so that a re-score
// after a weight change rewrites narrow rows (deals.components then holds
// only the profit, which the deal list sorts by). Deals stored before keep
// their layout until they are scored again.
//
// Down: every deal stored as factors gets its components back in the "k"
// layout, weights applied; then the column and the tables go.
func migration00011() *goose.Migration {
	m := goose.NewGoMigration(11, &goose.GoFunc{RunTx: up00011}, &goose.GoFunc{RunTx: down00011})
	m.Source = "00011_score_weights.go"
	return m
}

func up00011(ctx context.Context, tx *sql.Tx) error {
	for _, q := range []string{
		`CREATE TABLE score_weights (
			id      INTEGER PRIMARY KEY,
			weights TEXT NOT NULL UNIQUE -- scout.WeightsKey: every component's weight, as JSON
		)`,
		`ALTER TABLE deals ADD COLUMN weights_id INTEGER`, // score_weights.id; NULL: components in an older layout
		`CREATE TABLE deal_factors (
			deal_id INTEGER PRIMARY KEY REFERENCES deals(id) ON DELETE CASCADE,
			factors TEXT NOT NULL -- the factors layout (store/factorcodec.go)
		)`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("add score weights: %w", err)
		}
	}
	return nil
}

func down00011(ctx context.Context, tx *sql.Tx) error {
	type row struct {
		id    int64
		comps string
	}
	const page = 1000
	for after := int64(0); ; {
		rows, err := tx.QueryContext(ctx, `SELECT d.id, d.score, d.components, df.factors, sw.weights
			FROM deals d LEFT JOIN score_weights sw ON sw.id = d.weights_id LEFT JOIN deal_factors df ON df.deal_id = d.id
			WHERE d.id > ? AND d.weights_id IS NOT NULL ORDER BY d.id LIMIT ?`, after, page)
		if err != nil {
			return fmt.Errorf("read scores to convert: %w", err)
		}
		var out []row
		for rows.Next() {
			var id int64
			var total float64
			var comps []byte
			var factors, weights sql.NullString
			if err := rows.Scan(&id, &total, &comps, &factors, &weights); err != nil {
				_ = rows.Close()
				return fmt.Errorf("read scores to convert: %w", err)
			}
			s, err := decodeDealScore(comps, factors, total, weights)
			if err != nil {
				_ = rows.Close()
				return fmt.Errorf("deal %d: its stored score cannot be converted back (%w); run `dealscout score --refresh` with this version, then migrate down", id, err)
			}
			k, err := AppendComponents(nil, s)
			if err != nil {
				_ = rows.Close()
				return fmt.Errorf("deal %d: %w", id, err)
			}
			out = append(out, row{id, string(k)})
		}
		err = rows.Err()
		_ = rows.Close()
		if err != nil {
			return fmt.Errorf("read scores to convert: %w", err)
		}
		for _, r := range out {
			if _, err := tx.ExecContext(ctx, `UPDATE deals SET components = ? WHERE id = ?`, r.comps, r.id); err != nil {
				return fmt.Errorf("convert deal %d's score: %w", r.id, err)
			}
		}
		if len(out) < page {
			break
		}
		after = out[len(out)-1].id
	}
	for _, q := range []string{`DROP TABLE deal_factors`, `ALTER TABLE deals DROP COLUMN weights_id`, `DROP TABLE score_weights`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("drop score weights: %w", err)
		}
	}
	return nil
}
