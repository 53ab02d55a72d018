package scout

import "time"

// Listing is one item for sale at a source, normalised. Money is integer cents
// plus an ISO 4217 currency; times are UTC.
type Listing struct {
	ID           int64     `json:"id,omitempty"` // store id; 0 until stored
	Source       string    `json:"source"`       // "ebay", "craigslist", "feed:https://…", or a file record's own source
	SourceID     string    `json:"source_id"`
	Title        string    `json:"title"`
	Description  string    `json:"description,omitempty"`
	PriceCents   int64     `json:"price_cents"`
	Currency     string    `json:"currency"`
	PriceKnown   bool      `json:"price_known"` // false when the source gave no usable price
	Free         bool      `json:"free"`
	Condition    Condition `json:"condition"`
	Category     string    `json:"category,omitempty"`
	PostedAt     time.Time `json:"posted_at,omitzero"` // zero when the source did not say
	HasCoords    bool      `json:"has_coords"`
	Lat          float64   `json:"lat,omitempty"`
	Lng          float64   `json:"lng,omitempty"`
	PostalCode   string    `json:"postal_code,omitempty"`
	Country      string    `json:"country,omitempty"`
	LocationText string    `json:"location_text,omitempty"`
	URL          string    `json:"url,omitempty"`
	Images       []string  `json:"images,omitempty"`
	// ShippingCents is the cheapest shipping cost the source quoted; -1 when unknown.
	ShippingCents int64  `json:"shipping_cents"`
	Auction       bool   `json:"auction,omitempty"`
	Seller        string `json:"seller,omitempty"`
}

// Key identifies a listing across polls: sources guarantee SourceID is stable.
func (l Listing) Key() string { return l.Source + "\x00" + l.SourceID }
