package channels

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/dealscout/dealscout/notify"
)

func TestLogChannelWritesAlertsToTheLog(t *testing.T) {
	if _, err := Parse("log:somewhere"); err == nil {
		t.Error("log:somewhere parsed; want an error saying log: takes nothing")
	}
	var buf bytes.Buffer
	n, err := New("log:", Deps{Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	if err != nil {
		t.Fatalf("New(log:) = %v", err)
	}
	m := notify.Message{Kind: notify.KindDeal, Watch: "couches", Title: "Deal 91/100: Grey sofa",
		Deals: []notify.Deal{{Title: "Grey sofa", PriceCents: 12000, Currency: "USD", Score: 91, PageURL: "http://127.0.0.1:8080/deals/4"}}}
	if _, err := n.Send(context.Background(), m); err != nil {
		t.Fatalf("Send = %v", err)
	}
	out := buf.String()
	for _, want := range []string{"Deal 91/100: Grey sofa", `"watch":"couches"`, "Deal page: http://127.0.0.1:8080/deals/4"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q: %s", want, out)
		}
	}
}
