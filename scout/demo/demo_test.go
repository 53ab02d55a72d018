package demo

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/scout/geo"
)

var t0 = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func fetchAt(t *testing.T, now time.Time, q scout.Query) []scout.Listing {
	t.Helper()
	res, err := New(Config{Now: func() time.Time { return now }}).Fetch(context.Background(), q)
	if err != nil {
		t.Fatalf("Fetch at %s: %v", now, err)
	}
	if !res.Complete {
		t.Fatalf("Fetch at %s: Complete = false, want true", now)
	}
	return res.Listings
}

func byID(ls []scout.Listing) map[string]scout.Listing {
	m := make(map[string]scout.Listing, len(ls))
	for _, l := range ls {
		m[l.SourceID] = l
	}
	return m
}

func TestFetchCount(t *testing.T) {
	t.Parallel()
	for h := 0; h < 30*24; h += 7 {
		now := t0.Add(time.Duration(h) * time.Hour)
		if n := len(fetchAt(t, now, scout.Query{})); n < 300 || n > 550 {
			t.Errorf("at %s: %d listings, want 300–550", now, n)
		}
	}
}

func TestFetchDeterministic(t *testing.T) {
	t.Parallel()
	a, b := fetchAt(t, t0, scout.Query{}), fetchAt(t, t0, scout.Query{})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two fetches at the same clock differ")
	}
}

func TestListingsKeepTheirIdentity(t *testing.T) {
	t.Parallel()
	before, after := byID(fetchAt(t, t0, scout.Query{})), byID(fetchAt(t, t0.Add(45*time.Minute), scout.Query{}))
	shared := 0
	for id, a := range before {
		b, ok := after[id]
		if !ok {
			continue
		}
		shared++
		// The price may drop in between; everything else must match.
		b.PriceCents = a.PriceCents
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s changed between polls:\n%+v\n%+v", id, a, b)
		}
	}
	if shared < len(before)*9/10 {
		t.Errorf("only %d of %d listings still listed 45 minutes later", shared, len(before))
	}
}

func TestNewListingsAppear(t *testing.T) {
	t.Parallel()
	before := byID(fetchAt(t, t0, scout.Query{}))
	var fresh []string
	for _, l := range fetchAt(t, t0.Add(3*time.Hour), scout.Query{}) {
		if _, ok := before[l.SourceID]; !ok {
			fresh = append(fresh, l.SourceID)
			if !l.PostedAt.After(t0) {
				t.Errorf("%s is new at +3h but was posted at %s, before the first poll", l.SourceID, l.PostedAt)
			}
		}
	}
	if len(fresh) < 5 {
		t.Errorf("%d new listings after 3 hours, want at least 5 (one every 20 minutes)", len(fresh))
	}
}

func TestListingsSell(t *testing.T) {
	t.Parallel()
	after := byID(fetchAt(t, t0.Add(24*time.Hour), scout.Query{}))
	gone := 0
	for _, l := range fetchAt(t, t0, scout.Query{}) {
		if _, ok := after[l.SourceID]; !ok {
			gone++
		}
	}
	if gone < 20 {
		t.Errorf("%d listings gone after a day, want at least 20", gone)
	}
}

func TestPricesOnlyDrop(t *testing.T) {
	t.Parallel()
	first := map[string]int64{}
	dropped := 0
	for h := 0; h <= 5*24; h += 6 {
		for _, l := range fetchAt(t, t0.Add(time.Duration(h)*time.Hour), scout.Query{}) {
			p, seen := first[l.SourceID]
			switch {
			case !seen:
				first[l.SourceID] = l.PriceCents
			case l.PriceCents > p:
				t.Errorf("%s went up from %d to %d", l.SourceID, p, l.PriceCents)
			case l.PriceCents < p:
				dropped++
				first[l.SourceID] = l.PriceCents
			}
		}
	}
	if dropped < 10 {
		t.Errorf("%d price drops over 5 days, want at least 10", dropped)
	}
}

func TestSomeAreBargains(t *testing.T) {
	t.Parallel()
	ls := fetchAt(t, t0, scout.Query{})
	prices := map[string][]int64{}
	for _, l := range ls {
		prices[l.Category] = append(prices[l.Category], l.PriceCents)
	}
	median := map[string]int64{}
	for c, ps := range prices {
		slices.Sort(ps)
		median[c] = ps[len(ps)/2]
	}
	var cheap, free, parts int
	for _, l := range ls {
		switch {
		case l.Free:
			free++
		case l.Condition == scout.CondPoor:
			parts++
		case l.PriceCents*10 <= median[l.Category]*6:
			cheap++
		}
	}
	if cheap < 5 || free < 1 || parts < 3 {
		t.Errorf("%d working items at ≤60%% of their category's median, %d free, %d for parts; want ≥5, ≥1, ≥3", cheap, free, parts)
	}
}

func TestListingsAreValid(t *testing.T) {
	t.Parallel()
	for _, l := range fetchAt(t, t0, scout.Query{}) {
		switch {
		case l.Source != scout.KindDemo || !strings.HasPrefix(l.SourceID, "demo-") || l.Title == "":
			t.Errorf("%s: source %q, title %q", l.SourceID, l.Source, l.Title)
		case l.PriceCents < 0 || l.PriceCents > scout.MaxPriceCents || l.Free != (l.PriceCents == 0) || !l.PriceKnown || l.Currency != "USD":
			t.Errorf("%s: price %d %s, free=%v, known=%v", l.SourceID, l.PriceCents, l.Currency, l.Free, l.PriceKnown)
		case !slices.Contains(scout.Conditions, l.Condition) || l.Condition == scout.CondUnknown:
			t.Errorf("%s: condition %q", l.SourceID, l.Condition)
		case len(l.Images) > 6:
			t.Errorf("%s: %d images, want at most 6", l.SourceID, len(l.Images))
		case l.PostedAt.After(t0) || l.PostedAt.Before(t0.Add(-maxLifetime)):
			t.Errorf("%s: posted at %s, want within the 9 days before %s", l.SourceID, l.PostedAt, t0)
		case !strings.HasSuffix(l.LocationText, ", CA"):
			t.Errorf("%s: location %q, want a Bay Area town", l.SourceID, l.LocationText)
		}
	}
}

func TestListingsAroundTheWatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		q        scout.Query
		center   geo.Point
		maxMiles float64
	}{
		{"no location: San Francisco", scout.Query{}, sanFrancisco, 45},
		{"Denver", scout.Query{HasCoords: true, Lat: 39.7392, Lng: -104.9903}, geo.Point{Lat: 39.7392, Lng: -104.9903}, 40.5},
		{"near the antimeridian", scout.Query{HasCoords: true, Lat: -17.7, Lng: 179.9}, geo.Point{Lat: -17.7, Lng: 179.9}, 40.5},
		{"invalid coords fall back", scout.Query{HasCoords: true, Lat: 123, Lng: 0}, sanFrancisco, 45},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, l := range fetchAt(t, t0, tt.q) {
				if !l.HasCoords || !geo.ValidPoint(l.Lat, l.Lng) {
					t.Fatalf("%s: coordinates %v, %v (has=%v) are not valid", l.SourceID, l.Lat, l.Lng, l.HasCoords)
				}
				if d := geo.DistanceMi(tt.center, geo.Point{Lat: l.Lat, Lng: l.Lng}); d > tt.maxMiles {
					t.Fatalf("%s is %.1f miles from the center, want at most %.1f", l.SourceID, d, tt.maxMiles)
				}
			}
		})
	}
}

func TestSlotAtRoundsDown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		at   time.Time
		want int64
	}{
		{epoch, 0},
		{epoch.Add(slotEvery - time.Nanosecond), 0},
		{epoch.Add(slotEvery), 1},
		{epoch.Add(-time.Nanosecond), -1},
		{epoch.Add(-slotEvery), -1},
	}
	for _, tt := range tests {
		if got := slotAt(tt.at); got != tt.want {
			t.Errorf("slotAt(epoch%+v) = %d, want %d", tt.at.Sub(epoch), got, tt.want)
		}
	}
}
