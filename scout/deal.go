package scout

import "time"

// Score component names. Each stored score explains itself through these.
const (
	CompPrice     = "price"     // price on its own (the original formula: 1 − price/$300)
	CompMarket    = "market"    // price against the market median of comparable listings
	CompLimit     = "limit"     // price against the watch's max price
	CompFree      = "free"      // the item is free
	CompCondition = "condition" // normalised condition
	CompRecency   = "recency"   // how recently it was posted
	CompDistance  = "distance"  // how far from the watch's location
	CompPhotos    = "photos"    // whether it has photos
	CompKeyword   = "keyword"   // how well the title matches the query
	CompRisk      = "risk"      // signals of a different thing: "for parts", "box only", "wanted"
)

// ComponentNames lists every component, in display order.
var ComponentNames = []string{CompPrice, CompMarket, CompLimit, CompFree, CompCondition, CompRecency, CompDistance, CompPhotos, CompKeyword, CompRisk}

// IsComponent reports whether name is a score component.
func IsComponent(name string) bool {
	for _, n := range ComponentNames {
		if n == name {
			return true
		}
	}
	return false
}

// Component is one factor of a score: a value in 0..1, its weight, and why.
type Component struct {
	Value  float64 `json:"value"`
	Weight float64 `json:"weight"`
	Reason string  `json:"reason"`
	// Points is what the component adds to a price-led score (Score.PriceLed),
	// negative for a penalty; other scores are a weighted mean and leave it 0.
	Points float64 `json:"points,omitempty"`
}

// Market is the market value estimated from comparable listings.
type Market struct {
	MedianCents int64  `json:"median_cents"`
	Samples     int    `json:"samples"`
	Confidence  string `json:"confidence"` // "none", "low", "medium", "high"
	IQRCents    int64  `json:"iqr_cents"`
	P25Cents    int64  `json:"p25_cents"`
	P75Cents    int64  `json:"p75_cents"`
	WindowDays  int    `json:"window_days"`
	Condition   string `json:"condition"` // the bucket used, or "all"
	// Similar is how many similar listings were found (at most NeighborsK),
	// at a cosine similarity of at least Floor; 0 for a market not built
	// from similar listings (given, or from before).
	Similar  int           `json:"similar,omitempty"`
	Floor    float64       `json:"similarity_floor,omitempty"`
	Examples []CompExample `json:"examples,omitempty"` // the most similar few
}

// CompExample is one of the comps a market was made from, for explanations.
type CompExample struct {
	Title      string  `json:"title"`
	PriceCents int64   `json:"price_cents"`
	Similarity float64 `json:"similarity"`
}

// Score is a deal's 0–100 score with everything that went into it.
type Score struct {
	Total       float64              `json:"score"`
	Components  map[string]Component `json:"components"`
	Market      Market               `json:"market"`
	ProfitCents *int64               `json:"profit_cents"`
	Fallback    bool                 `json:"fallback,omitempty"` // the original Deal Scout formula was used
	// PriceLed: the total is the price against the market in points plus
	// each component's Points (DESIGN.md §6), not a weighted mean.
	PriceLed bool `json:"price_led,omitempty"`
}

// Deal is a listing matched to a watch, with its score.
type Deal struct {
	ID          int64
	WatchID     int64
	Watch       string
	Listing     Listing
	Score       Score
	DistanceMi  *float64
	Status      string // new, seen, saved, dismissed
	FirstSeen   time.Time
	DuplicateOf *int64 // listing id of the same item seen first at another source
}

// Deal statuses.
const (
	DealNew       = "new"
	DealSeen      = "seen"
	DealSaved     = "saved"
	DealDismissed = "dismissed"
)
