package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/dealscout/dealscout/scout"
)

// StoredFactors is one open deal as a re-score after a weight change reads
// it: its stored total and its factors, undecoded.
type StoredFactors struct {
	DealID, ListingID, WatchID int64
	Total                      float64
	WeightsID                  int64  // 0 for none: the row is in an older layout
	Factors                    []byte // the factors layout; a slice of the page's buffer
}

// FactorsPage is a page of StoredFactors, whose rows share one buffer.
type FactorsPage struct {
	Rows []StoredFactors
	buf  []byte
}

// factorsQuery reads a page of a watch's open deals for applying new
// weights: no listing, only the deal row and its factors, along the
// (watch_id, listing_id) index as rescoreQuery does.
const factorsQuery = `SELECT d.id, d.listing_id, d.watch_id, d.score, d.weights_id, df.factors
	FROM deals d LEFT JOIN deal_factors df ON df.deal_id = d.id
	WHERE d.watch_id = ? AND d.listing_id > ? AND d.status != 'dismissed' ORDER BY d.listing_id LIMIT ?`

// allFactorsQuery is factorsQuery for every watch's deals, in deal order.
const allFactorsQuery = `SELECT d.id, d.listing_id, d.watch_id, d.score, d.weights_id, df.factors
	FROM deals d LEFT JOIN deal_factors df ON df.deal_id = d.id
	WHERE d.id > ? AND d.status != 'dismissed' ORDER BY d.id LIMIT ?`

// FactorsForRescore reads up to limit open deals of a watch whose listing
// id is above after, in listing id order, into page (whose rows and buffer
// it reuses); with watchID 0, of every watch, whose deal id is above after,
// in deal id order.
func (s *Store) FactorsForRescore(ctx context.Context, page *FactorsPage, watchID, after int64, limit int) error {
	page.Rows, page.buf = page.Rows[:0], page.buf[:0]
	var ends []int
	err := s.read(ctx, func(tx *sql.Tx) error {
		q, args := factorsQuery, []any{watchID, after, limit}
		if watchID == 0 {
			q, args = allFactorsQuery, []any{after, limit}
		}
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var comps sql.RawBytes
		var wid sql.NullInt64
		for rows.Next() {
			var r StoredFactors
			if err := rows.Scan(&r.DealID, &r.ListingID, &r.WatchID, &r.Total, &wid, &comps); err != nil {
				return err
			}
			r.WeightsID = wid.Int64
			page.buf = append(page.buf, comps...)
			ends = append(ends, len(page.buf))
			page.Rows = append(page.Rows, r)
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("store: deals for re-scoring: %w", err)
	}
	// The buffer may have moved while it grew: slice it once it is whole.
	start := 0
	for i, end := range ends {
		page.Rows[i].Factors = page.buf[start:end:end]
		start = end
	}
	return nil
}

// FactorsForTotal reads factors that FactorsForRescore returned, for
// Factors.Total only: the reasons, the market's comps and the words of the
// warning signs are left out, which no total depends on.
func FactorsForTotal(b []byte) (scout.Factors, error) {
	if !isFactors(b) {
		return scout.Factors{}, fmt.Errorf("store: not stored as factors")
	}
	return decodeFactors(b, true)
}
