package render

import (
	"strings"
	"testing"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

func TestPrice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		d    notify.Deal
		want string
	}{
		{"whole dollars", notify.Deal{PriceCents: 12000, Currency: "USD"}, "$120"},
		{"cents", notify.Deal{PriceCents: 11999, Currency: "USD"}, "$119.99"},
		{"drop", notify.Deal{PriceCents: 12000, OldPriceCents: 15000, Currency: "USD"}, "$120 (was $150, −20%)"},
		{"rise is no drop", notify.Deal{PriceCents: 15000, OldPriceCents: 12000, Currency: "USD"}, "$150"},
		{"free", notify.Deal{Free: true}, "Free"},
		{"dropped to free", notify.Deal{Free: true, OldPriceCents: 5000, Currency: "EUR"}, "Free (was €50)"},
		{"other currency", notify.Deal{PriceCents: 4550, Currency: "cad"}, "45.50 CAD"},
	}
	for _, tt := range tests {
		if got := Price(tt.d); got != tt.want {
			t.Errorf("%s: Price = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestGroupsSortsByBand(t *testing.T) {
	t.Parallel()
	m := channeltest.DigestMessage()
	groups := Groups(m.Deals)
	var got []string
	for _, g := range groups {
		for _, d := range g.Deals {
			got = append(got, Score(d))
		}
		got = append(got, "|")
	}
	if strings.Join(got, " ") != "96 92 | 48 |" {
		t.Errorf("groups = %v, want [96 92] [48]", got)
	}
	if m.Deals[0].Score != 48 {
		t.Error("Groups reordered its input")
	}
}

func TestDigestLinesSaysHowManyMore(t *testing.T) {
	t.Parallel()
	lines := DigestLines(channeltest.DigestMessage())
	if last := lines[len(lines)-1]; last != "and 2 more" {
		t.Errorf("last line = %q, want \"and 2 more\"", last)
	}
}

func TestTruncate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s    string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly", 7, "exactly"},
		{"too long here", 8, "too lon…"},
		{"ééééé", 3, "éé…"},
		{"x", 0, ""},
	}
	for _, tt := range tests {
		if got := Truncate(tt.s, tt.max); got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.s, tt.max, got, tt.want)
		}
	}
}

func TestPlainGolden(t *testing.T) {
	t.Parallel()
	for name, m := range map[string]notify.Message{
		"deal.txt":   channeltest.DealMessage(),
		"digest.txt": channeltest.DigestMessage(),
		"test.txt":   channeltest.TestMessage(),
	} {
		channeltest.Golden(t, name, []byte(Plain(m)+"\n"))
	}
}
