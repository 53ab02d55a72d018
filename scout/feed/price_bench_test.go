package feed

import (
	"strings"
	"testing"
)

// BenchmarkParsePrice parses the asking price from the texts a feed poll
// meets most: a plain title, foreign grouping, a reference price to skip, a
// free item, a title with no price, and a long description where the price
// comes last (the worst case: every word is scanned). Each case checks its
// answer once, so a benchmark never times a wrong path.
func BenchmarkParsePrice(b *testing.B) {
	longDesc := strings.Repeat("Solid oak, smoke-free home, minor scuffs on one leg, 72 x 36 inches, seats 6. ", 25) + "Asking $450 obo."
	cases := []struct {
		name, text string
		cents      int64
		free, ok   bool
	}{
		{"title", "Mid-century oak dining table - $1,299.99", 129999, false, true},
		{"euro", "Canapé d'angle 1 299,00 €", 129900, false, true},
		{"was-now", "Sofa was $300, now $150 - pick up today", 15000, false, true},
		{"free", "FREE couch, curb alert, must go tonight", 0, true, true},
		{"no-price", "IKEA Kallax 4x4 shelf unit, white, model 2019", 0, false, false},
		{"long-description", longDesc, 45000, false, true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if cents, _, free, ok := ParsePrice(c.text); cents != c.cents || free != c.free || ok != c.ok {
				b.Fatalf("ParsePrice(%q) = %d, free %v, ok %v; want %d, %v, %v", c.text, cents, free, ok, c.cents, c.free, c.ok)
			}
			b.SetBytes(int64(len(c.text)))
			b.ReportAllocs()
			for b.Loop() {
				ParsePrice(c.text)
			}
		})
	}
}
