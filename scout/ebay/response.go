package ebay

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// searchResponse is the part of eBay's SearchPagedCollection we use.
type searchResponse struct {
	Total         int64         `json:"total"`
	Next          string        `json:"next"`
	ItemSummaries []itemSummary `json:"itemSummaries"`
	Warnings      []apiError    `json:"warnings"`
}

type itemSummary struct {
	ItemID           string           `json:"itemId"`
	Title            string           `json:"title"`
	ShortDescription string           `json:"shortDescription"`
	Price            *amount          `json:"price"`
	CurrentBidPrice  *amount          `json:"currentBidPrice"`
	BuyingOptions    []string         `json:"buyingOptions"`
	Condition        string           `json:"condition"`
	ConditionID      string           `json:"conditionId"`
	Image            *image           `json:"image"`
	AdditionalImages []image          `json:"additionalImages"`
	ThumbnailImages  []image          `json:"thumbnailImages"`
	ItemWebURL       string           `json:"itemWebUrl"`
	ItemLocation     *itemLocation    `json:"itemLocation"`
	ShippingOptions  []shippingOption `json:"shippingOptions"`
	ItemCreationDate string           `json:"itemCreationDate"`
	ItemOriginDate   string           `json:"itemOriginDate"`
	Seller           *struct {
		Username string `json:"username"`
	} `json:"seller"`
	Categories []struct {
		CategoryName string `json:"categoryName"`
	} `json:"categories"`
}

// amount is eBay's ConvertedAmount: the value is a decimal string.
type amount struct {
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

type image struct {
	ImageURL string `json:"imageUrl"`
}

type itemLocation struct {
	PostalCode      string `json:"postalCode"`
	Country         string `json:"country"`
	City            string `json:"city"`
	StateOrProvince string `json:"stateOrProvince"`
}

type shippingOption struct {
	ShippingCost *amount `json:"shippingCost"`
}

// parseSearch turns one page of search results into listings. It returns
// eBay's warnings as text and the absolute URL of the next page ("" on the
// last page). Items without an id are skipped: they could never be matched
// again on the next poll.
func parseSearch(body []byte) ([]scout.Listing, []string, string, error) {
	var r searchResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, nil, "", fmt.Errorf("malformed response: %w", err)
	}
	listings := make([]scout.Listing, 0, len(r.ItemSummaries))
	for _, it := range r.ItemSummaries {
		if strings.TrimSpace(it.ItemID) == "" {
			continue
		}
		listings = append(listings, it.listing())
	}
	warnings := make([]string, 0, len(r.Warnings))
	for _, w := range r.Warnings {
		warnings = append(warnings, "ebay: warning "+w.String())
	}
	return listings, warnings, r.Next, nil
}

func (it itemSummary) listing() scout.Listing {
	l := scout.Listing{
		Source:        SourceName,
		SourceID:      it.ItemID,
		Title:         strings.TrimSpace(it.Title),
		Description:   strings.TrimSpace(it.ShortDescription),
		Condition:     condition(it.Condition, it.ConditionID),
		URL:           it.ItemWebURL,
		Images:        images(it),
		ShippingCents: cheapestShipping(it.ShippingOptions),
		Auction:       slices.Contains(it.BuyingOptions, "AUCTION"),
		PostedAt:      postedAt(it.ItemCreationDate, it.ItemOriginDate),
	}
	if p := it.askingPrice(); p != nil {
		if cents, err := scout.ParseAmount(p.Value); err == nil {
			l.PriceCents, l.PriceKnown, l.Free = cents, true, cents == 0
			l.Currency = strings.ToUpper(p.Currency)
		}
	}
	if loc := it.ItemLocation; loc != nil {
		l.PostalCode = loc.PostalCode // eBay masks most ("941**"); kept as given
		l.Country = loc.Country
		l.LocationText = joinNonEmpty(", ", loc.City, loc.StateOrProvince)
	}
	if it.Seller != nil {
		l.Seller = it.Seller.Username
	}
	if len(it.Categories) > 0 {
		l.Category = it.Categories[0].CategoryName
	}
	return l
}

// askingPrice is what the item costs now: the fixed price when it can be
// bought outright, else the current bid of an auction.
func (it itemSummary) askingPrice() *amount {
	if slices.Contains(it.BuyingOptions, "AUCTION") && !slices.Contains(it.BuyingOptions, "FIXED_PRICE") &&
		it.CurrentBidPrice != nil && it.CurrentBidPrice.Value != "" {
		return it.CurrentBidPrice
	}
	return it.Price
}

// condition normalises eBay's condition name, falling back to its numeric
// condition id when the name says nothing we know.
func condition(name, id string) scout.Condition {
	if c := scout.NormalizeCondition(name); c != scout.CondUnknown {
		return c
	}
	n, err := strconv.Atoi(id)
	if err != nil {
		return scout.CondUnknown
	}
	switch {
	case n == 1000:
		return scout.CondNew
	case n >= 1500 && n < 2000, n == 2000, n == 2010, n == 2750:
		return scout.CondLikeNew // open box, new with defects, certified/excellent refurbished, like new
	case n == 2020, n == 2990, n == 4000:
		return scout.CondGreat // very good refurbished, pre-owned excellent, very good
	case n > 2020 && n <= 2500, n == 5000:
		return scout.CondGood
	case n == 3000, n == 3010, n == 6000:
		return scout.CondFair
	case n == 7000:
		return scout.CondPoor
	}
	return scout.CondUnknown
}

func images(it itemSummary) []string {
	var out []string
	add := func(u string) {
		if u = strings.TrimSpace(u); u != "" && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	if it.Image != nil {
		add(it.Image.ImageURL)
	}
	for _, im := range it.AdditionalImages {
		add(im.ImageURL)
	}
	if len(out) == 0 { // thumbnails are the same photos, smaller: only when nothing else
		for _, im := range it.ThumbnailImages {
			add(im.ImageURL)
		}
	}
	return out
}

// cheapestShipping is the lowest quoted shipping cost in cents, -1 when eBay
// quoted none (local pickup only, or calculated at checkout).
func cheapestShipping(opts []shippingOption) int64 {
	best := int64(-1)
	for _, o := range opts {
		if o.ShippingCost == nil {
			continue
		}
		c, err := scout.ParseAmount(o.ShippingCost.Value)
		if err == nil && (best < 0 || c < best) {
			best = c
		}
	}
	return best
}

func postedAt(dates ...string) time.Time {
	for _, d := range dates {
		if t, err := time.Parse(time.RFC3339, d); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}
