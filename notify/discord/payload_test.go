package discord

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

func TestBuildPayloadGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		golden string
		msg    notify.Message
	}{
		{"deal.json", channeltest.DealMessage()},
		{"price_drop.json", channeltest.DropMessage()},
		{"digest.json", channeltest.DigestMessage()},
		{"test.json", channeltest.TestMessage()},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			t.Parallel()
			got, err := buildPayload(tt.msg)
			if err != nil {
				t.Fatal(err)
			}
			channeltest.Golden(t, tt.golden, got)
		})
	}
}

// TestBuildPayloadLimits feeds oversized text and checks every Discord limit.
func TestBuildPayloadLimits(t *testing.T) {
	t.Parallel()
	m := channeltest.DealMessage()
	long := strings.Repeat("x", 5000)
	m.Title = long
	m.Deals[0].Title = long
	m.Deals[0].SellerMessage = long
	m.Deals[0].Reasons = []string{long}
	got, err := buildPayload(m)
	if err != nil {
		t.Fatal(err)
	}
	var p payload
	if err := json.Unmarshal(got, &p); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, e := range p.Embeds {
		total += utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
		for _, f := range e.Fields {
			total += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
		}
		if e.Footer != nil {
			total += utf8.RuneCountInString(e.Footer.Text)
		}
	}
	checks := []struct {
		what     string
		n, limit int
	}{
		{"content", utf8.RuneCountInString(p.Content), maxContent},
		{"embed title", utf8.RuneCountInString(p.Embeds[0].Title), maxTitle},
		{"embed description", utf8.RuneCountInString(p.Embeds[0].Description), maxDescription},
		{"total", total, maxTotal},
	}
	for _, c := range checks {
		if c.n > c.limit {
			t.Errorf("%s is %d characters, limit %d", c.what, c.n, c.limit)
		}
	}
	for _, f := range p.Embeds[0].Fields {
		if n := utf8.RuneCountInString(f.Value); n > maxFieldValue {
			t.Errorf("field %q value is %d characters, limit %d", f.Name, n, maxFieldValue)
		}
	}
}

// TestBuildPayloadManyDeals checks a digest longer than one message keeps
// within the total and says how many it left out.
func TestBuildPayloadManyDeals(t *testing.T) {
	t.Parallel()
	m := channeltest.DigestMessage()
	d := channeltest.Deal()
	d.Title = strings.Repeat("long title ", 20)
	for range 100 {
		m.Deals = append(m.Deals, d)
	}
	got, err := buildPayload(m)
	if err != nil {
		t.Fatal(err)
	}
	var p payload
	if err := json.Unmarshal(got, &p); err != nil {
		t.Fatal(err)
	}
	shown := 0
	for _, e := range p.Embeds {
		shown += strings.Count(e.Description, "\n") + 1
	}
	wantMore := len(m.Deals) - shown + m.More
	if !strings.HasSuffix(p.Content, "and "+itoa(wantMore)+" more") {
		t.Errorf("content = %q, want it to end with \"and %d more\"", p.Content, wantMore)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
