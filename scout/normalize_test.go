package scout

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestDetectFree(t *testing.T) {
	t.Parallel()
	unknown := func(title string) Listing { return Listing{Title: title} }
	priced := func(title string, cents int64) Listing {
		return Listing{Title: title, PriceCents: cents, PriceKnown: true}
	}
	tests := []struct {
		name string
		l    Listing
		want bool
	}{
		{"price 0", priced("Couch", 0), true},
		{"free in the title", unknown("FREE couch"), true},
		{"free after the item", unknown("Couch - free"), true},
		{"free with a colon", unknown("Free: dresser, must pick up"), true},
		{"curb alert", unknown("Curb alert! Desk"), true},
		{"free to good home", unknown("Kittens free to good home"), true},
		{"free to a good home in the description", Listing{Title: "Piano", Description: "Free to a good home, you haul"}, true},
		{"giving away", unknown("Giving away moving boxes"), true},
		{"for free", unknown("Couch for free"), true},
		{"$1 placeholder price", priced("FREE couch", 100), true},
		{"free shipping", unknown("Lamp, free shipping"), false},
		{"free delivery", unknown("Sofa - free delivery"), false},
		{"bonus item with +", unknown("iPhone 12 + free case"), false},
		{"bonus item with with", unknown("Xbox with free controller"), false},
		{"smoke free home", unknown("Couch from smoke free home"), false},
		{"smoke-free hyphenated", unknown("Smoke-free loveseat"), false},
		{"free in description only is not enough", Listing{Title: "Couch", Description: "free delivery nearby"}, false},
		{"priced item saying free", priced("FREE delivery couch", 15000), false},
		{"priced item with free in the title", priced("Free couch", 15000), false},
		{"freezer is not free", unknown("Chest freezer"), false},
		{"nothing", unknown("Oak table"), false},
	}
	for _, tt := range tests {
		if got := DetectFree(tt.l); got != tt.want {
			t.Errorf("%s: DetectFree(title %q, desc %q, price %d known %v) = %v, want %v",
				tt.name, tt.l.Title, tt.l.Description, tt.l.PriceCents, tt.l.PriceKnown, got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	pacific := time.FixedZone("PST", -8*3600)
	tests := []struct {
		name  string
		in    Listing
		check func(Listing) string // "" when right, else what is wrong
	}{
		{"title trimmed onto one line", Listing{Title: "  Oak\n  table \t"}, func(l Listing) string {
			return wantString("Title", l.Title, "Oak table")
		}},
		{"title capped at 300 characters, not bytes", Listing{Title: strings.Repeat("é", 400)}, func(l Listing) string {
			if n := utf8.RuneCountInString(l.Title); n != MaxTitleRunes || !utf8.ValidString(l.Title) {
				return "Title has " + strconv.Itoa(n) + " runes or is invalid UTF-8, want 300 valid"
			}
			return ""
		}},
		{"description capped at 5000 characters", Listing{Description: strings.Repeat("a", 6000)}, func(l Listing) string {
			if n := utf8.RuneCountInString(l.Description); n != MaxDescriptionRunes {
				return "Description has " + strconv.Itoa(n) + " runes, want 5000"
			}
			return ""
		}},
		{"invalid UTF-8 dropped", Listing{Title: "Oak\xff table"}, func(l Listing) string {
			return wantString("Title", l.Title, "Oak table")
		}},
		{"currency upper-cased", Listing{Currency: " cad"}, func(l Listing) string { return wantString("Currency", l.Currency, "CAD") }},
		{"missing currency is USD", Listing{}, func(l Listing) string { return wantString("Currency", l.Currency, "USD") }},
		{"condition text mapped", Listing{Condition: "Used - Very Good"}, func(l Listing) string {
			return wantString("Condition", string(l.Condition), "great")
		}},
		{"vocabulary condition kept", Listing{Condition: "Like New"}, func(l Listing) string {
			return wantString("Condition", string(l.Condition), "like_new")
		}},
		{"missing condition is unknown", Listing{}, func(l Listing) string {
			return wantString("Condition", string(l.Condition), "unknown")
		}},
		{"negative price is unknown", Listing{PriceCents: -5, PriceKnown: true}, func(l Listing) string {
			if l.PriceKnown || l.PriceCents != 0 {
				return "negative price kept as known"
			}
			return ""
		}},
		{"free detected", Listing{Title: "Curb alert: couch"}, func(l Listing) string {
			if !l.Free {
				return "Free = false for a curb alert"
			}
			return ""
		}},
		{"source's free flag kept", Listing{Title: "Couch", Free: true}, func(l Listing) string {
			if !l.Free {
				return "Free cleared"
			}
			return ""
		}},
		{"posted time in UTC", Listing{PostedAt: time.Date(2026, 11, 24, 1, 0, 0, 0, pacific)}, func(l Listing) string {
			if l.PostedAt.Location() != time.UTC || !l.PostedAt.Equal(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)) {
				return "PostedAt = " + l.PostedAt.String() + ", want 2026-11-24 09:00 UTC"
			}
			return ""
		}},
		{"future posted time clamped to now", Listing{PostedAt: now.Add(5 * time.Hour)}, func(l Listing) string {
			if !l.PostedAt.Equal(now) {
				return "PostedAt = " + l.PostedAt.String() + ", want now"
			}
			return ""
		}},
		{"missing posted time stays missing", Listing{}, func(l Listing) string {
			if !l.PostedAt.IsZero() {
				return "PostedAt = " + l.PostedAt.String() + ", want zero"
			}
			return ""
		}},
		{"coordinates from a ZIP", Listing{PostalCode: " 94105 "}, func(l Listing) string {
			if !l.HasCoords || math.Abs(l.Lat-37.79) > 0.05 || math.Abs(l.Lng+122.39) > 0.05 {
				return "94105 gave no coordinates near 37.79,-122.39"
			}
			return ""
		}},
		{"given coordinates win over the ZIP", Listing{PostalCode: "94105", HasCoords: true, Lat: 40.7, Lng: -74}, func(l Listing) string {
			if l.Lat != 40.7 || l.Lng != -74 {
				return "coordinates replaced by the ZIP's"
			}
			return ""
		}},
		{"invalid coordinates replaced by the ZIP", Listing{PostalCode: "94105", HasCoords: true, Lat: 200, Lng: 0}, func(l Listing) string {
			if !l.HasCoords || math.Abs(l.Lat-37.79) > 0.05 {
				return "invalid coordinates not replaced by 94105's"
			}
			return ""
		}},
		{"non-US postal code not looked up", Listing{PostalCode: "94105", Country: "de"}, func(l Listing) string {
			if l.HasCoords {
				return "a German postal code was looked up as a US ZIP"
			}
			return ""
		}},
		{"unknown shipping is -1", Listing{ShippingCents: -7}, func(l Listing) string {
			return wantString("ShippingCents", strconv.Itoa(int(l.ShippingCents)), "-1")
		}},
		{"free shipping in the text", Listing{Title: "Lamp, free shipping", ShippingCents: -1}, func(l Listing) string {
			return wantString("ShippingCents", strconv.Itoa(int(l.ShippingCents)), "0")
		}},
		{"quoted shipping kept", Listing{ShippingCents: 899}, func(l Listing) string {
			return wantString("ShippingCents", strconv.Itoa(int(l.ShippingCents)), "899")
		}},
		{"empty and repeated images dropped", Listing{Images: []string{"", "https://x/1.jpg", " ", "https://x/1.jpg"}}, func(l Listing) string {
			if len(l.Images) != 1 {
				return "Images = " + strings.Join(l.Images, ",") + ", want one"
			}
			return ""
		}},
	}
	for _, tt := range tests {
		if problem := tt.check(Normalize(tt.in, now)); problem != "" {
			t.Errorf("%s: %s", tt.name, problem)
		}
	}
}

func TestNormalizeLeavesInputAlone(t *testing.T) {
	t.Parallel()
	images := []string{"", "https://x/1.jpg"}
	Normalize(Listing{Title: " x ", Images: images}, time.Now())
	if images[0] != "" || images[1] != "https://x/1.jpg" {
		t.Errorf("Normalize modified the caller's Images slice: %q", images)
	}
}

func wantString(field, got, want string) string {
	if got != want {
		return field + " = " + `"` + got + `", want "` + want + `"`
	}
	return ""
}
