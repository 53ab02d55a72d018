package web

import (
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

// DealJSON is a deal in lists: the documented `deals --json` shape plus its
// status and profit estimate.
type DealJSON struct {
	ID          int64    `json:"id"` // the listing's id
	Watch       string   `json:"watch"`
	Source      string   `json:"source"`
	SourceID    string   `json:"source_id"`
	Title       string   `json:"title"`
	PriceCents  int64    `json:"price_cents"`
	Currency    string   `json:"currency"`
	Condition   string   `json:"condition"`
	Score       float64  `json:"score"`
	Free        bool     `json:"free"`
	DistanceMi  *float64 `json:"distance_mi"`
	URL         string   `json:"url"`
	FirstSeen   string   `json:"first_seen"`
	DuplicateOf *int64   `json:"duplicate_of"`
	ProfitCents *int64   `json:"profit_cents"`
	Status      string   `json:"status"`
}

// NewDealJSON is d in the list shape.
func NewDealJSON(d scout.Deal) DealJSON {
	return DealJSON{ID: d.Listing.ID, Watch: d.Watch, Source: d.Listing.Source, SourceID: d.Listing.SourceID,
		Title: d.Listing.Title, PriceCents: d.Listing.PriceCents, Currency: d.Listing.Currency,
		Condition: string(d.Listing.Condition), Score: d.Score.Total, Free: d.Listing.Free, DistanceMi: d.DistanceMi,
		URL: d.Listing.URL, FirstSeen: d.FirstSeen.UTC().Format(time.RFC3339), DuplicateOf: d.DuplicateOf,
		ProfitCents: d.Score.ProfitCents, Status: d.Status}
}

// DealDetail is everything the deal page shows, for `deals show --json` and
// GET /api/v1/deals/{id}.
type DealDetail struct {
	DealJSON
	Description   string                  `json:"description"`
	Images        []string                `json:"images"`
	Link          string                  `json:"link"` // the listing's URL when it is http(s), else ""
	Verify        string                  `json:"verify,omitempty"`
	Breakdown     []scout.ComponentPoints `json:"breakdown"`
	Market        scout.Market            `json:"market"`
	UnderMarket   *float64                `json:"under_market_pct"`
	Comps         []CompJSON              `json:"comps"`
	PriceHistory  []PricePointJSON        `json:"price_history"`
	SameItem      []SameItemJSON          `json:"same_item"`
	SellerMessage string                  `json:"seller_message"`
}

// CompJSON is a comparable listing the market value counted.
type CompJSON struct {
	ID         int64  `json:"id"`
	Title      string `json:"title"`
	PriceCents int64  `json:"price_cents"`
	Currency   string `json:"currency"`
	Condition  string `json:"condition"`
	LastSeen   string `json:"last_seen"`
	Gone       bool   `json:"gone"`
}

// PricePointJSON is one price a listing had.
type PricePointJSON struct {
	PriceCents int64  `json:"price_cents"`
	Currency   string `json:"currency"`
	SeenAt     string `json:"seen_at"`
}

// SameItemJSON is the same item listed at another source.
type SameItemJSON struct {
	ID         int64  `json:"id"`
	Source     string `json:"source"`
	Title      string `json:"title"`
	PriceCents int64  `json:"price_cents"`
	Currency   string `json:"currency"`
	Free       bool   `json:"free"`
	URL        string `json:"url"`
}

// maxComps is how many comparable listings a deal's detail lists.
const maxComps = 10

// LoadDealDetail gathers a deal's detail: the deal of listing listingID in
// watch (or its best watch when watch is ""), its score in points, the comps,
// its prices and the same item elsewhere. sellerDefault is the configured
// message to a seller; a watch's own wins.
func LoadDealDetail(ctx context.Context, st *store.Store, listingID int64, watch string, now time.Time, sellerDefault string) (DealDetail, error) {
	d, err := st.DealForListing(ctx, listingID, watch)
	if err != nil {
		return DealDetail{}, err
	}
	v := DealDetail{DealJSON: NewDealJSON(d), Description: d.Listing.Description, Images: nonNil(d.Listing.Images),
		Link: httpURL(d.Listing.URL), Verify: verifyWarning(d.Score), Breakdown: scout.ScorePoints(d.Score),
		Market: d.Score.Market, SellerMessage: sellerDefault}
	if v.Breakdown == nil {
		v.Breakdown = []scout.ComponentPoints{}
	}
	if m := d.Score.Market; m.Known() && (d.Listing.PriceKnown || d.Listing.Free) {
		price := d.Listing.PriceCents
		if d.Listing.Free {
			price = 0
		}
		pct := 100 * float64(m.MedianCents-price) / float64(m.MedianCents)
		v.UnderMarket = &pct
	}
	hist, err := st.PriceHistory(ctx, d.Listing.ID)
	if err != nil {
		return v, err
	}
	v.PriceHistory = make([]PricePointJSON, 0, len(hist))
	for _, p := range hist {
		v.PriceHistory = append(v.PriceHistory, PricePointJSON{p.PriceCents, p.Currency, p.SeenAt.UTC().Format(time.RFC3339)})
	}
	same, err := st.SameItem(ctx, d.Listing.ID)
	if err != nil {
		return v, err
	}
	v.SameItem = make([]SameItemJSON, 0, len(same))
	for _, l := range same {
		v.SameItem = append(v.SameItem, SameItemJSON{l.ID, l.Source, l.Title, l.PriceCents, l.Currency, l.Free, l.URL})
	}
	if v.Comps, err = compsUsed(ctx, st, d, now); err != nil {
		return v, err
	}
	if w, err := st.Watch(ctx, d.Watch); err == nil && w.Settings.SellerMessage != "" {
		v.SellerMessage = w.Settings.SellerMessage
	}
	return v, nil
}

// compsUsed lists the comparable listings the market value counted
// (store.CompsUsed, as the deal page lists them).
func compsUsed(ctx context.Context, st *store.Store, d scout.Deal, now time.Time) ([]CompJSON, error) {
	comps, err := st.CompsUsed(ctx, d, now, maxComps)
	if err != nil {
		return nil, err
	}
	out := make([]CompJSON, 0, len(comps))
	for _, c := range comps {
		out = append(out, CompJSON{c.ID, c.Title, c.PriceCents, c.Currency, string(c.Condition), c.LastSeen.UTC().Format(time.RFC3339), c.Gone})
	}
	return out, nil
}

// verifyWarning collects the reasons that ask the user to verify a deal.
func verifyWarning(s scout.Score) string {
	var out []string
	for _, name := range scout.ComponentNames {
		if c, ok := s.Components[name]; ok && strings.Contains(strings.ToLower(c.Reason), "verify") {
			out = append(out, c.Reason)
		}
	}
	return strings.Join(out, "; ")
}

// httpURL is raw when it is an absolute http(s) URL, else "": a listing's
// link is never offered as javascript: or data:.
func httpURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
