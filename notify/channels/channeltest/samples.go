package channeltest

import "github.com/dealscout/dealscout/notify"

// The sample deal's title carries every character some format must escape
// (<, >, &, quotes, Markdown) so the golden files show the escaping.
const sampleTitle = `IKEA "Ektorp" sofa <3 & *ottoman*`

func ptr[T any](v T) *T { return &v }

// Deal is the sample deal: a high score with market, profit and distance known.
func Deal() notify.Deal {
	return notify.Deal{
		ListingID:     42,
		Title:         sampleTitle,
		PriceCents:    12000,
		Currency:      "USD",
		Condition:     "good",
		Score:         91.6,
		Reasons:       []string{"58% below market", "posted 1 h ago", "2.1 mi away", "has photos"},
		MarketCents:   29000,
		ProfitCents:   ptr(int64(17000)),
		DistanceMi:    ptr(2.1),
		Source:        "craigslist",
		ImageURL:      "https://images.example.com/sofa.jpg",
		URL:           "https://sfbay.craigslist.org/sfc/fuo/d/sofa/7890.html",
		Reason:        "score",
		SellerMessage: "Hi! Is the sofa still available? I can pick it up today for $120.",
	}
}

// DealMessage is an instant alert about Deal.
func DealMessage() notify.Message {
	d := Deal()
	return notify.Message{
		ID: "a1b2c3d4", Kind: notify.KindDeal, Watch: "couches",
		Title: "Score 92: " + d.Title, Deals: []notify.Deal{d}, CreatedAt: Now,
	}
}

// DropMessage is an instant alert about a price drop from $150 to $120.
func DropMessage() notify.Message {
	m := DealMessage()
	m.ID = "e5f6a7b8"
	m.Deals[0].OldPriceCents = 15000
	m.Deals[0].Reason = "price_drop"
	m.Title = "Price drop: " + m.Deals[0].Title
	return m
}

// DigestMessage is a digest of three deals (given worst first, to show the
// channels sort) and two more.
func DigestMessage() notify.Message {
	free := notify.Deal{
		ListingID: 7, Title: "Free loveseat, must go", Currency: "USD", Free: true,
		Score: 96, Source: "feed", URL: "https://example.org/free/7", Reason: "digest",
	}
	low := notify.Deal{
		ListingID: 9, Title: "Leather couch [scratched]", PriceCents: 45050, Currency: "USD",
		Score: 48, Source: "ebay", URL: "https://www.ebay.com/itm/9", Reason: "digest",
	}
	return notify.Message{
		ID: "c9d0e1f2", Kind: notify.KindDigest, Watch: "couches",
		Title: "5 new deals for couches", Deals: []notify.Deal{low, Deal(), free},
		More: 2, CreatedAt: Now,
	}
}

// TestMessage is what `channel test` sends.
func TestMessage() notify.Message {
	return notify.Message{
		ID: "f3a4b5c6", Kind: notify.KindTest, Title: "dealscout test alert",
		Text: "If you can read this, the channel works.", CreatedAt: Now,
	}
}
