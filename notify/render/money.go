package render

import (
	"fmt"
	"strings"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/scout"
)

// Minus is the sign used in "−20%". Channels limited to GSM-7 (SMS) map it
// back to "-".
const Minus = "\u2212"

// Money renders an amount for an alert: whole amounts without cents ("$120"),
// others with them ("$119.99"), so short messages stay short.
func Money(cents int64, currency string) string {
	s := scout.FormatPrice(cents, currency)
	if cents%100 == 0 {
		s = strings.Replace(s, ".00", "", 1)
	}
	return s
}

// Price is the deal's price as people read it: "Free", "$120", or on a drop
// "$120 (was $150, −20%)" and "Free (was $150)".
func Price(d notify.Deal) string {
	pct := DropPercent(d)
	switch {
	case d.Free && pct > 0:
		return "Free (was " + Money(d.OldPriceCents, d.Currency) + ")"
	case d.Free:
		return "Free"
	case pct > 0:
		return fmt.Sprintf("%s (was %s, %s%d%%)", Money(d.PriceCents, d.Currency), Money(d.OldPriceCents, d.Currency), Minus, pct)
	}
	return Money(d.PriceCents, d.Currency)
}

// DropPercent is the price drop in whole percent, rounded; 0 without a drop.
func DropPercent(d notify.Deal) int {
	if d.OldPriceCents <= 0 || d.PriceCents >= d.OldPriceCents {
		return 0
	}
	drop := d.OldPriceCents - d.PriceCents
	return int((drop*100 + d.OldPriceCents/2) / d.OldPriceCents)
}
