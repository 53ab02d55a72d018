package webhook

import (
	"time"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/deliver"
	"github.com/dealscout/dealscout/notify/render"
)

// Payload is the JSON body of every webhook request. Every key is always
// present (null or empty when unknown) so receivers need no existence checks.
//
//	{
//	  "id": "a1b2c3d4",                 // same as the webhook-id header
//	  "kind": "deal",                   // deal | digest | test | source_failing | source_recovered
//	  "watch": "couches",               // "" for test and source messages
//	  "title": "Score 92: IKEA sofa",
//	  "text": "",                       // body of test and source messages
//	  "created_at": "2026-11-24T15:04:05Z",
//	  "deals": [ { see Deal } ],        // one for deal, best first for digest, [] otherwise
//	  "more": 0                         // digest: matches beyond "deals"
//	}
type Payload struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Watch     string    `json:"watch"`
	Title     string    `json:"title"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
	Deals     []Deal    `json:"deals"`
	More      int       `json:"more"`
}

// Deal is one deal in a Payload. Money is integer cents in currency.
type Deal struct {
	ListingID     int64    `json:"listing_id"`
	Title         string   `json:"title"`
	PriceCents    int64    `json:"price_cents"`
	OldPriceCents *int64   `json:"old_price_cents"` // the price before a drop; null without one
	Currency      string   `json:"currency"`
	Price         string   `json:"price"` // for people: "$120 (was $150, −20%)"
	Free          bool     `json:"free"`
	Condition     string   `json:"condition"`
	Score         float64  `json:"score"`   // 0–100
	Reasons       []string `json:"reasons"` // top reasons, best first
	MarketCents   *int64   `json:"market_cents"`
	ProfitCents   *int64   `json:"profit_cents"`
	DistanceMi    *float64 `json:"distance_mi"`
	Source        string   `json:"source"`
	URL           string   `json:"url"`
	ImageURL      string   `json:"image_url"`
	Reason        string   `json:"reason"` // why it alerted: free, score, price_drop, digest
	SellerMessage string   `json:"seller_message"`
}

// buildPayload renders m as the request body.
func buildPayload(m notify.Message) ([]byte, error) {
	p := Payload{
		ID: m.ID, Kind: m.Kind, Watch: m.Watch, Title: m.Title, Text: m.Text,
		CreatedAt: m.CreatedAt.UTC(), Deals: make([]Deal, 0, len(m.Deals)), More: m.More,
	}
	for _, d := range m.Deals {
		p.Deals = append(p.Deals, dealOf(d))
	}
	return deliver.JSON(p)
}

func dealOf(d notify.Deal) Deal {
	out := Deal{
		ListingID: d.ListingID, Title: d.Title, PriceCents: d.PriceCents, Currency: d.Currency,
		Price: render.Price(d), Free: d.Free, Condition: d.Condition, Score: d.Score,
		Reasons: d.Reasons, ProfitCents: d.ProfitCents, DistanceMi: d.DistanceMi,
		Source: d.Source, URL: d.URL, ImageURL: d.ImageURL, Reason: d.Reason, SellerMessage: d.SellerMessage,
	}
	if out.Reasons == nil {
		out.Reasons = []string{}
	}
	if d.OldPriceCents > 0 {
		old := d.OldPriceCents
		out.OldPriceCents = &old
	}
	if d.MarketCents > 0 {
		market := d.MarketCents
		out.MarketCents = &market
	}
	return out
}
