package feed

import (
	"testing"

	"github.com/dealscout/dealscout/scout"
)

func TestParsePrice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text     string
		cents    int64
		currency string
		free     bool
		ok       bool
	}{
		// Dollars, grouping and decimals.
		{"Sofa $1,299.99", 129999, "USD", false, true},
		{"$56 + Free Shipping", 5600, "USD", false, true},
		{"Couch - $250", 25000, "USD", false, true},
		{"Dresser $75.", 7500, "USD", false, true},
		{"Lamp $ 20, cash only", 2000, "USD", false, true},
		{"Table $12.5", 1250, "USD", false, true},
		{"Piano $1,000,000", 100000000, "USD", false, true},
		{"Bike $1.2k obo", 120000, "USD", false, true},
		{"Desk $5K", 500000, "USD", false, true},
		{"US $5.99 shipped", 599, "USD", false, true},
		{"US$5.99", 599, "USD", false, true},
		{"Chair $0", 0, "USD", true, true},
		{"$0.00 - take it", 0, "USD", true, true},

		// Other currencies, before and after the amount.
		{"Armchair £40", 4000, "GBP", false, true},
		{"Stuhl €12,50", 1250, "EUR", false, true},
		{"Sofa €1.299,00", 129900, "EUR", false, true},
		{"Sofa €1.299", 129900, "EUR", false, true},
		{"Canapé 1 299,00 €", 129900, "EUR", false, true},
		{"Tisch 45 €", 4500, "EUR", false, true},
		{"Tisch 45€", 4500, "EUR", false, true},
		{"Couch CA$20", 2000, "CAD", false, true},
		{"Couch C$20", 2000, "CAD", false, true},
		{"Couch A$20", 2000, "AUD", false, true},
		{"Couch AU$20", 2000, "AUD", false, true},
		{"Couch NZ$20", 2000, "NZD", false, true},
		{"Rice cooker HK$1,280", 128000, "HKD", false, true},
		{"Lamp (20 USD)", 2000, "USD", false, true},
		{"Lamp 20 EUR", 2000, "EUR", false, true},
		{"Lamp 20 eur", 2000, "EUR", false, true},
		{"Lamp EUR 20", 2000, "EUR", false, true},
		{"Lamp GBP 40", 4000, "GBP", false, true},
		{"San Jose, CA $200", 20000, "USD", false, true}, // California, not Canada

		// Reference prices and savings are not the asking price.
		{"Sofa was $300, now $150", 15000, "USD", false, true},
		{"Sofa $150 (reg. $300)", 15000, "USD", false, true},
		{"Reg $300 sofa $150", 15000, "USD", false, true},
		{"Regular $300 - $150 today", 15000, "USD", false, true},
		{"List: $1,299 Sale $899", 89900, "USD", false, true},
		{"List price $1,299, our price $899", 89900, "USD", false, true},
		{"MSRP $999 - $499", 49900, "USD", false, true},
		{"Orig. $80, asking $40", 4000, "USD", false, true},
		{"Original price $80; $40", 4000, "USD", false, true},
		{"$49.99 after $20 rebate", 4999, "USD", false, true},
		{"After $20 mail-in rebate: $49.99", 4999, "USD", false, true},
		{"Save $50: blender $79", 7900, "USD", false, true},
		{"Save up to $50 on blender $79", 7900, "USD", false, true},
		{"$10 off: mixer $89", 8900, "USD", false, true},
		{"$5.99 shipping, lamp $20", 2000, "USD", false, true},
		{"Compare at $60, $25 here", 2500, "USD", false, true},
		{"$20 or $30 for both", 2000, "USD", false, true},

		// Free items.
		{"FREE", 0, "", true, true},
		{"Free", 0, "", true, true},
		{"free couch", 0, "", true, true},
		{"Couch - FREE!", 0, "", true, true},
		{"Free to good home", 0, "", true, true},
		{"Curb alert: loveseat", 0, "", true, true},
		{"CURB ALERT", 0, "", true, true},
		{"Free couch, $20 for the ottoman", 0, "", true, true},
		{"$20 couch, free pillows", 2000, "USD", false, true},
		{"Was $300, now FREE", 0, "", true, true},
		{"Free delivery available on this $40 table", 4000, "USD", false, true},
		{"Free couch - delivery available", 0, "", true, true},

		// Not free, and no price.
		{"100% free shipping", 0, "", false, false},
		{"Free 2-day shipping", 0, "", false, false},
		{"Comes from a smoke free, pet free home", 0, "", false, false},
		{"smoke-free home", 0, "", false, false},
		{"Freezer, freestanding, carefree", 0, "", false, false},
		{"free-standing lamp", 0, "", false, false},
		{"Buy one get one free", 0, "", false, false},
		{"Free gift with purchase", 0, "", false, false},
		{"$", 0, "", false, false},
		{"$$$ cheap", 0, "", false, false},
		{"1,2,3", 0, "", false, false},
		{"$1,2,3", 0, "", false, false},
		{"$12,5", 0, "", false, false},
		{"$1.299", 0, "", false, false}, // ambiguous for dollars
		{"$1.299,999", 0, "", false, false},
		{"$12.345", 0, "", false, false},
		{"Model 3000 couch", 0, "", false, false},
		{"2 bedroom, 1990", 0, "", false, false},
		{"$10,000,000,000", 0, "", false, false},
		{"$1,000,000.01", 0, "", false, false},
		{"$99999999999999999999999", 0, "", false, false},
		{"$2m", 0, "", false, false},
		{"Condo $0.5M", 50000000, "USD", false, true},
		{"$.99", 0, "", false, false},
		{"", 0, "", false, false},
		{"Was $300", 0, "", false, false},
		{"$20 off", 0, "", false, false},
	}
	for _, tt := range tests {
		cents, currency, free, ok := ParsePrice(tt.text)
		if cents != tt.cents || currency != tt.currency || free != tt.free || ok != tt.ok {
			t.Errorf("ParsePrice(%q) = %d, %q, free=%v, ok=%v; want %d, %q, free=%v, ok=%v",
				tt.text, cents, currency, free, ok, tt.cents, tt.currency, tt.free, tt.ok)
		}
	}
}

// FuzzParsePrice checks ParsePrice never panics and keeps its promises about
// what it returns.
func FuzzParsePrice(f *testing.F) {
	for _, s := range []string{"$1,299.99", "€1.299,00", "1 299,00 €", "FREE", "was $5 now $3", "US $5.99",
		"$5k", "CA$20", "after $20 rebate", "curb alert", "free shipping", "$1.2k", "£", "€1,", "1 2 3 €"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cents, currency, free, ok := ParsePrice(text)
		if !ok {
			if cents != 0 || currency != "" || free {
				t.Fatalf("ParsePrice(%q): not ok but returned %d %q free=%v", text, cents, currency, free)
			}
			return
		}
		if cents < 0 || cents > scout.MaxPriceCents {
			t.Fatalf("ParsePrice(%q) = %d cents, outside 0..%d", text, cents, scout.MaxPriceCents)
		}
		if free != (cents == 0) {
			t.Fatalf("ParsePrice(%q) = %d cents but free=%v", text, cents, free)
		}
		if currency == "" && !free {
			t.Fatalf("ParsePrice(%q) = %d cents with no currency", text, cents)
		}
	})
}
