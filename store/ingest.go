package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// ingestChunk is how many rows one bulk statement reads or touches, and how
// often a long write checks its context. The per-row statements run under a
// context without cancellation: for a cancellable one the driver starts a
// goroutine per statement to watch it.
const ingestChunk = 500

// priorListing is what a fetch's write needs to know about a stored listing:
// its columns, to skip rewriting one whose content did not change, and this
// watch's deal for it, to skip rewriting an unchanged score.
type priorListing struct {
	id                                                int64
	title, description, currency, condition, category string
	postalCode, country, locationText, url, images    string
	seller, normTitle                                 string
	price, shipping                                   int64
	priceKnown, free, auction                         bool
	postedAt                                          sql.NullString
	lat, lng                                          sql.NullFloat64
	duplicateOf                                       sql.NullInt64
	dealID, alerted                                   sql.NullInt64
	score                                             sql.NullFloat64
	components, factors                               sql.NullString
	weightsID                                         sql.NullInt64
	distance                                          sql.NullFloat64
	scored                                            sql.NullString // the deal's updated_at: when its score was last written
	// stale: written earlier in this batch; compare price and title only.
	stale bool
}

// priorQuery reads, for one source and up to ingestChunk of its ids, every
// stored listing and the watch's deal for it: what the poll needs to know
// about a listing (Known) and what its write compares with, in one read.
const priorQuery = `SELECT l.id, l.source_id, l.title, l.description, l.price_cents, l.currency, l.price_known,
		l.free, l.condition, l.category, l.posted_at, l.lat, l.lng, l.postal_code, l.country, l.location_text, l.url,
		l.images, l.shipping_cents, l.auction, l.seller, l.norm_title, l.duplicate_of,
		d.id, d.score, d.components, df.factors, d.weights_id, d.distance_mi, d.alerted_price_cents, d.updated_at
	FROM listings l LEFT JOIN deals d ON d.watch_id = ?1 AND d.listing_id = l.id LEFT JOIN deal_factors df ON df.deal_id = d.id
	WHERE l.source = ?2 AND l.source_id IN (SELECT value FROM json_each(?3))`

// loadPrior reads, in one statement per source and chunk, every stored
// listing of ls (by Listing.Key()) and the watch's deal for it, into w.prior
// in place of what was there. Asked inside the write transaction, so the
// answer holds until commit.
func (w *fetchWrite) loadPrior(ctx context.Context, n int, listing func(i int) *scout.Listing) error {
	w.prior = make(map[string]*priorListing, n)
	if n == 0 {
		return nil
	}
	err := forKeyChunks(ctx, n, listing, func(rowCtx context.Context, src, ids string) error {
		return readPrior(rowCtx, w.st.prior, w.watchID, src, ids, w.prior)
	})
	if err != nil {
		return fmt.Errorf("prior listings: %w", err)
	}
	return nil
}

func readPrior(ctx context.Context, stmt *sql.Stmt, watchID int64, src, ids string, out map[string]*priorListing) error {
	rows, err := stmt.QueryContext(ctx, watchID, src, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		p := &priorListing{}
		var sid string
		if err := rows.Scan(&p.id, &sid, &p.title, &p.description, &p.price, &p.currency, &p.priceKnown, &p.free, &p.condition,
			&p.category, &p.postedAt, &p.lat, &p.lng, &p.postalCode, &p.country, &p.locationText, &p.url, &p.images,
			&p.shipping, &p.auction, &p.seller, &p.normTitle, &p.duplicateOf, &p.dealID, &p.score, &p.components, &p.factors, &p.weightsID, &p.distance,
			&p.alerted, &p.scored); err != nil {
			return err
		}
		out[src+"\x00"+sid] = p
	}
	return rows.Err()
}

// keepScoreFor is how long a poll keeps the stored score of a listing seen
// again unchanged. Recency and the market move with time; nothing else
// catches a score up but `dealscout score --refresh`.
const keepScoreFor = 24 * time.Hour

// known is what the poll needs from a stored listing. Unchanged says the
// listing is stored exactly as l and already a deal of the watch, scored
// since scoredSince: the poll may keep its score (scout.FetchItem.Keep).
func (p *priorListing) known(l *scout.Listing, scoredSince string) scout.Known {
	k := scout.Known{ListingID: p.id, PriceCents: p.price, Currency: p.currency, PriceKnown: p.priceKnown,
		HasDeal: p.dealID.Valid, AlertedCents: p.alerted.Int64}
	if p.duplicateOf.Valid {
		id := p.duplicateOf.Int64
		k.DuplicateOf = &id
	}
	if p.dealID.Valid && p.score.Valid && p.scored.Valid && p.scored.String >= scoredSince {
		images, _ := json.Marshal(nonNil(l.Images))
		k.Unchanged = p.sameContent(l, string(images), normTitle(l.Title))
		if p.distance.Valid {
			d := p.distance.Float64
			k.DistanceMi = &d
		}
	}
	return k
}

// sameContent reports whether writing l over the stored row would change
// nothing but last_seen and gone_at. It mirrors updListing column by column;
// posted_at is kept when the source no longer gives one (COALESCE there).
func (p *priorListing) sameContent(l *scout.Listing, images, norm string) bool {
	if p.stale {
		return false
	}
	if p.title != l.Title || p.description != l.Description || p.price != l.PriceCents || p.currency != l.Currency ||
		p.priceKnown != l.PriceKnown || p.free != l.Free || p.condition != string(l.Condition) || p.category != l.Category ||
		p.postalCode != l.PostalCode || p.country != l.Country || p.locationText != l.LocationText || p.url != l.URL ||
		p.images != images || p.shipping != l.ShippingCents || p.auction != l.Auction || p.seller != l.Seller ||
		p.normTitle != norm {
		return false
	}
	if !l.PostedAt.IsZero() && (!p.postedAt.Valid || p.postedAt.String != ts(l.PostedAt)) {
		return false
	}
	if l.HasCoords {
		return p.lat.Valid && p.lng.Valid && p.lat.Float64 == l.Lat && p.lng.Float64 == l.Lng
	}
	return !p.lat.Valid && !p.lng.Valid
}

// sameDeal reports whether updDeal would change nothing but missed and
// updated_at: same score, stored score (s) and distance, no digest to flag
// and no alerted price to record.
func (p *priorListing) sameDeal(it *scout.FetchItem, s *dealScore, alerted any) bool {
	if p.stale || !p.dealID.Valid || alerted != nil || it.DigestPending {
		return false
	}
	if !p.score.Valid || p.score.Float64 != it.Score.Total || !p.components.Valid || p.components.String != s.comps {
		return false
	}
	if id, ok := s.weights.(int64); ok != p.weightsID.Valid || ok && id != p.weightsID.Int64 {
		return false
	}
	if s.hasFactors() != p.factors.Valid || p.factors.String != s.factors {
		return false
	}
	if it.DistanceMi == nil {
		return !p.distance.Valid
	}
	return p.distance.Valid && p.distance.Float64 == *it.DistanceMi
}

// touchSeen marks listings seen now, and this watch's deals for them found
// again, in bulk: what a re-poll writes for rows whose content is unchanged.
// deals were scored again to the same result, so their updated_at moves;
// kept ones were not scored, so theirs stays, and says how old the score is
// (keepScoreFor). It runs before gone marking, as the per-row updates it
// replaces did.
func touchSeen(ctx context.Context, tx *sql.Tx, watchID int64, listings, deals, kept []int64, now string) error {
	for start := 0; start < len(listings); start += ingestChunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		ids, _ := json.Marshal(listings[start:min(start+ingestChunk, len(listings))])
		if _, err := tx.ExecContext(ctx, `UPDATE listings SET last_seen = ?, gone_at = NULL
			WHERE id IN (SELECT value FROM json_each(?))`, now, string(ids)); err != nil {
			return fmt.Errorf("touch listings: %w", err)
		}
	}
	for _, set := range []struct {
		ids []int64
		q   string
	}{
		{deals, `UPDATE deals SET missed = 0, updated_at = ?1 WHERE watch_id = ?2 AND listing_id IN (SELECT value FROM json_each(?3))`},
		// Most kept deals were seen last time too: leave their rows alone.
		{kept, `UPDATE deals SET missed = 0 WHERE watch_id = ?2 AND listing_id IN (SELECT value FROM json_each(?3)) AND missed != 0`},
	} {
		for start := 0; start < len(set.ids); start += ingestChunk {
			if err := ctx.Err(); err != nil {
				return err
			}
			ids, _ := json.Marshal(set.ids[start:min(start+ingestChunk, len(set.ids))])
			if _, err := tx.ExecContext(ctx, set.q, now, watchID, string(ids)); err != nil {
				return fmt.Errorf("touch deals: %w", err)
			}
		}
	}
	return nil
}

// forKeyChunks calls fn with the ids of the n listings, by source, up to ingestChunk at a time,
// as a JSON array for json_each. fn's context cannot be cancelled (see
// ingestChunk); ctx is checked before each chunk.
func forKeyChunks(ctx context.Context, n int, listing func(i int) *scout.Listing, fn func(rowCtx context.Context, src, ids string) error) error {
	bySource := map[string][]string{}
	var order []string
	for i := range n {
		l := listing(i)
		if _, ok := bySource[l.Source]; !ok {
			order = append(order, l.Source)
		}
		bySource[l.Source] = append(bySource[l.Source], l.SourceID)
	}
	rowCtx := context.WithoutCancel(ctx)
	for _, src := range order {
		ids := bySource[src]
		for start := 0; start < len(ids); start += ingestChunk {
			if err := ctx.Err(); err != nil {
				return err
			}
			chunk, _ := json.Marshal(ids[start:min(start+ingestChunk, len(ids))])
			if err := fn(rowCtx, src, string(chunk)); err != nil {
				return err
			}
		}
	}
	return nil
}
