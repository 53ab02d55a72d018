package cmd

import (
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/web"
)

// deals show writes counts in the right number and a loss as "-$9.95", as
// score does (issue 12 item 16).
func TestDealsShowPluralsAndSigns(t *testing.T) {
	t.Parallel()
	loss, gain := int64(-995), int64(12000)
	cases := []struct {
		name      string
		market    scout.Market
		profit    *int64
		want, not []string
	}{
		{"one comp, a loss", scout.Market{MedianCents: 5000, Samples: 1, Confidence: scout.ConfidenceLow}, &loss,
			[]string{"from 1 comp (", "estimated profit -$9.95"}, []string{"1 comps", "$-"}},
		{"two comps, a gain", scout.Market{MedianCents: 5000, Samples: 2, Confidence: scout.ConfidenceMedium}, &gain,
			[]string{"from 2 comps (", "estimated profit $120.00"}, []string{"-$"}},
		{"one comp, too few", scout.Market{Samples: 1, Confidence: scout.ConfidenceNone}, nil,
			[]string{"market value unknown (1 comp; too few)"}, []string{"1 comps"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := web.DealDetail{Market: c.market}
			d.Title, d.PriceCents, d.Currency, d.ProfitCents = "Chair", 6000, "USD", c.profit
			var b strings.Builder
			printDealDetail(&b, d, time.UTC)
			for _, w := range c.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("deals show lacks %q:\n%s", w, b.String())
				}
			}
			for _, w := range c.not {
				if strings.Contains(b.String(), w) {
					t.Errorf("deals show has %q:\n%s", w, b.String())
				}
			}
		})
	}
}
