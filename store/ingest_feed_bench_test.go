package store

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/scout/feed"
)

// BenchmarkPollFeed10MB is the harness's feed group in one process: one
// poll of a 10 MB RSS feed of ~4,700 items with long descriptions, for a
// new watch; it reports the peak heap (the target is 64 MB of RSS).
//
//	go test -run '^$' -bench PollFeed10MB -benchtime 1x -memprofile mem.out ./store
func BenchmarkPollFeed10MB(b *testing.B) {
	var body bytes.Buffer
	body.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<rss version="2.0"><channel><title>bench deals</title><link>https://example.com/</link><description>generated</description>` + "\n")
	count := 0
	for id := 500_000; body.Len() < 10_000_000-3000; id++ {
		var desc strings.Builder
		for desc.Len() < 1800 {
			fmt.Fprintf(&desc, "Listing %d: solid hardwood, smoke-free home, minor scuffs on one leg, dimensions on request. ", id)
		}
		fmt.Fprintf(&body, "<item><title>%s - $%d.00</title><link>https://example.com/feed/%d</link><guid isPermaLink=\"false\">bench-feed-%d</guid><pubDate>%s</pubDate><description>%s</description></item>\n",
			html.EscapeString(fmt.Sprintf("Oak dining table T%02d", id%40)), 100+id%300, id, id, testNow.Add(-time.Duration(id%72)*time.Hour).Format(time.RFC1123Z),
			html.EscapeString("<p>"+desc.String()[:1800]+"</p><img src=\"https://img.example.com/f/"+fmt.Sprint(id)+".jpg\">"))
		count++
	}
	body.WriteString("</channel></rss>\n")
	data := body.Bytes()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(data) }))
	defer srv.Close()
	src, err := feed.New(feed.Config{Client: srv.Client()})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s := benchStore(b)
		w := scout.NewWatch("bench")
		w.Query, w.Sources = "table", []string{"feed:" + srv.URL + "/deals.rss"}
		if err := s.CreateWatch(context.Background(), &w); err != nil {
			b.Fatal(err)
		}
		p := &scout.Poller{Store: s, Sources: map[string]scout.Source{scout.KindFeed: src}, Now: func() time.Time { return testNow },
			Log: slog.New(slog.DiscardHandler), Weights: scout.DefaultWeights(),
			Render: func(scout.RenderInput) ([]byte, error) { return []byte(`{}`), nil }}
		var t time.Duration
		peak := peakHeap(func() { t = cpuOf(b, func() { pollFile(b, s, p, count, count) }) })
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		b.ReportMetric(t.Seconds()*1000, "poll-cpu-ms")
	}
}

// BenchmarkPollFeed8k is the harness's ingest group for the feed: a first
// poll of 8,000 new items (short descriptions, no ETag), then an unchanged
// re-poll, each one's CPU time.
func BenchmarkPollFeed8k(b *testing.B) {
	var body bytes.Buffer
	body.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<rss version="2.0"><channel><title>bench deals</title><link>https://example.com/</link><description>generated</description>` + "\n")
	const count = 8000
	for id := range count {
		fmt.Fprintf(&body, "<item><title>%s - $%d.00</title><link>https://example.com/feed/%d</link><guid isPermaLink=\"false\">bench-feed-%d</guid><pubDate>%s</pubDate><description>%s</description></item>\n",
			html.EscapeString(fmt.Sprintf("Oak dining table %d T%02d", id%7, id%40)), 100+id%300, id, id, testNow.Add(-time.Duration(id%72)*time.Hour).Format(time.RFC1123Z),
			html.EscapeString("<p>Pick up in the Mission.</p><img src=\"https://img.example.com/f/"+fmt.Sprint(id)+".jpg\">"))
	}
	body.WriteString("</channel></rss>\n")
	data := body.Bytes()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(data) }))
	defer srv.Close()
	src, err := feed.New(feed.Config{Client: srv.Client()})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s := benchStore(b)
		w := scout.NewWatch("bench")
		w.Query, w.Sources = "table", []string{"feed:" + srv.URL + "/deals.rss"}
		if err := s.CreateWatch(context.Background(), &w); err != nil {
			b.Fatal(err)
		}
		p := &scout.Poller{Store: s, Sources: map[string]scout.Source{scout.KindFeed: src}, Now: func() time.Time { return testNow },
			Log: slog.New(slog.DiscardHandler), Weights: scout.DefaultWeights(),
			Render: func(scout.RenderInput) ([]byte, error) { return []byte(`{}`), nil }}
		first := cpuOf(b, func() { pollFile(b, s, p, count, count) })
		again := cpuOf(b, func() { pollFile(b, s, p, count, 0) })
		b.ReportMetric(first.Seconds()*1000, "poll-cpu-ms")
		b.ReportMetric(again.Seconds()*1000, "repoll-cpu-ms")
		b.ReportMetric(first.Seconds()/again.Seconds(), "first/repoll")
	}
}
