package sms

import (
	"strings"
	"testing"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels/channeltest"
)

func TestBuildBodyGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		golden string
		msg    notify.Message
	}{
		{"deal.txt", channeltest.DealMessage()},
		{"price_drop.txt", channeltest.DropMessage()},
		{"digest.txt", channeltest.DigestMessage()},
		{"test.txt", channeltest.TestMessage()},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			t.Parallel()
			channeltest.Golden(t, tt.golden, []byte(buildBody(tt.msg)+"\n"))
		})
	}
}

// TestBuildBodyOneSegment checks the body fits one segment of the encoding
// the text needs.
func TestBuildBodyOneSegment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		title   string
		wantGSM bool
		limit   int
	}{
		{"long GSM title", strings.Repeat("Mid-century teak sideboard ", 10), true, gsmSegment},
		{"GSM extension characters count twice", strings.Repeat("{sofa} [bed] ", 20), true, gsmSegment},
		{"emoji needs Unicode", "🛋️ " + strings.Repeat("velvet sofa ", 10), false, unicodeSegment},
		{"Chinese needs Unicode", strings.Repeat("沙发", 40), false, unicodeSegment},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := channeltest.DealMessage()
			m.Deals[0].Title = tt.title
			m.Deals[0].URL = "https://x.co/1"
			body := buildBody(m)
			if isGSM(body) != tt.wantGSM || length(body) > tt.limit {
				t.Errorf("body %q: GSM %t, length %d; want GSM %t and at most %d", body, isGSM(body), length(body), tt.wantGSM, tt.limit)
			}
		})
	}
}

// TestBuildBodyKeepsGSM: the price drop's "−" must not turn the text Unicode.
func TestBuildBodyKeepsGSM(t *testing.T) {
	t.Parallel()
	if body := buildBody(channeltest.DropMessage()); !isGSM(body) {
		t.Errorf("body %q is not GSM-7", body)
	}
}

func TestValidNumber(t *testing.T) {
	t.Parallel()
	for n, want := range map[string]bool{
		"+14155550123": true, "+442071838750": true, "14155550123": false, "+0123456789": false,
		"+1415555": true, "+141": false, "+1415555012345678": false, "+1 415 555 0123": false,
	} {
		if got := ValidNumber(n); got != want {
			t.Errorf("ValidNumber(%q) = %t, want %t", n, got, want)
		}
	}
}
