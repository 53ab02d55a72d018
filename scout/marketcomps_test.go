package scout

import "testing"

func TestMarketCounted(t *testing.T) {
	// Quartiles $180–$220: the fence is max(1.5 × $40, 10% × $200) = $60,
	// so prices $120–$280 count.
	m := Market{MedianCents: 20000, P25Cents: 18000, P75Cents: 22000, Confidence: ConfidenceHigh, Condition: "excellent/great/good"}
	ok := Comp{Title: "oak table", PriceCents: 20000, Currency: "USD", Condition: CondGood}
	with := func(f func(*Comp)) Comp { c := ok; f(&c); return c }
	cases := []struct {
		name string
		m    Market
		c    Comp
		want bool
	}{
		{"in the middle", m, ok, true},
		{"currency in another case", m, with(func(c *Comp) { c.Currency = "usd" }), true},
		{"another currency", m, with(func(c *Comp) { c.Currency = "EUR" }), false},
		{"title says for parts", m, with(func(c *Comp) { c.Title = "oak table for parts" }), false},
		{"another condition bucket", m, with(func(c *Comp) { c.Condition = CondFair }), false},
		{"any condition when the market used all", func() Market { x := m; x.Condition = "all"; return x }(), with(func(c *Comp) { c.Condition = CondFair }), true},
		{"on the low fence", m, with(func(c *Comp) { c.PriceCents = 12000 }), true},
		{"below the low fence", m, with(func(c *Comp) { c.PriceCents = 11999 }), false},
		{"on the high fence", m, with(func(c *Comp) { c.PriceCents = 28000 }), true},
		{"above the high fence", m, with(func(c *Comp) { c.PriceCents = 28001 }), false},
		{"tight quartiles fence at 10% of the median", Market{MedianCents: 20000, P25Cents: 20000, P75Cents: 20000},
			with(func(c *Comp) { c.PriceCents = 17999 }), false},
	}
	for _, c := range cases {
		if got := c.m.Counted("USD", c.c); got != c.want {
			t.Errorf("%s: Counted = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestMarketCompWindowDays(t *testing.T) {
	if got := (Market{WindowDays: 14}).CompWindowDays(); got != 14 {
		t.Errorf("recorded window: %d days, want 14", got)
	}
	if got := (Market{}).CompWindowDays(); got != 30 {
		t.Errorf("no recorded window: %d days, want the default 30", got)
	}
}
