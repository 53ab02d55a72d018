package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/dealscout/dealscout/scout"
)

// ErrAmbiguous is returned when a listing id alone does not say which deal is
// meant because the listing matched several watches.
var ErrAmbiguous = errors.New("ambiguous")

// DealStatuses are the statuses MarkDeal accepts, in the order users see them.
var DealStatuses = []string{scout.DealNew, scout.DealSeen, scout.DealSaved, scout.DealDismissed}

// ValidDealStatus reports whether status is one of DealStatuses.
func ValidDealStatus(status string) bool {
	for _, s := range DealStatuses {
		if s == status {
			return true
		}
	}
	return false
}

// MarkDeal sets the status of the deal of listing listingID in watch (or, with
// watch "", in the one watch the listing matched). It is the one way the UI,
// the API and `deals mark` change a deal's status. ErrNotFound when there is
// no such deal; ErrAmbiguous when watch is "" and the listing matched several
// watches.
func (s *Store) MarkDeal(ctx context.Context, listingID int64, watch, status string) error {
	if !ValidDealStatus(status) {
		return &scout.FieldError{Field: "status", Problem: fmt.Sprintf("%q is not one of %s", status, strings.Join(DealStatuses, ", "))}
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		q, args := `SELECT d.id, w.name FROM deals d JOIN watches w ON w.id = d.watch_id WHERE d.listing_id = ?`, []any{listingID}
		if watch != "" {
			q, args = q+` AND w.name = ?`, append(args, watch)
		}
		rows, err := tx.QueryContext(ctx, q+` ORDER BY w.name`, args...)
		if err != nil {
			return fmt.Errorf("store: mark deal %d: %w", listingID, err)
		}
		var ids []int64
		var names []string
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return fmt.Errorf("store: mark deal %d: %w", listingID, err)
			}
			ids, names = append(ids, id), append(names, name)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: mark deal %d: %w", listingID, err)
		}
		switch {
		case len(ids) == 0:
			return fmt.Errorf("listing %d matched to %s: %w (see `dealscout deals`)", listingID, orAny(watch), ErrNotFound)
		case len(ids) > 1:
			return fmt.Errorf("listing %d matched several watches (%s): %w; name one with --watch", listingID, strings.Join(names, ", "), ErrAmbiguous)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE deals SET status = ?, updated_at = ? WHERE id = ?`, status, ts(s.Now()), ids[0]); err != nil {
			return fmt.Errorf("store: mark deal %d: %w", listingID, err)
		}
		return nil
	})
}
