package scout

import (
	"strings"
	"testing"
	"time"
)

// Micro-benchmarks of the per-listing work of a poll that bench_test.go does
// not cover: parsing a watch's query, matching a listing against it (the
// long description is the costly part), title relevance, condition and free
// detection, and amount parsing. Each checks its answer once before timing,
// so it never times a path that returns the wrong thing.

var benchDesc = strings.Repeat("Solid oak, smoke-free home, a few scuffs on one leg, seats six comfortably. ", 20) +
	"Comes with the matching grey couch cover."

func BenchmarkParseQuery(b *testing.B) {
	q, ex := `"grey couch" sectional -sleeper -"pull out"`, []string{"broken", "parts"}
	if t := ParseQuery(q, ex); len(t.Include) != 2 || len(t.Exclude) != 4 {
		b.Fatalf("ParseQuery(%q) = include %q, exclude %q; want 2 and 4 terms", q, t.Include, t.Exclude)
	}
	b.ReportAllocs()
	for b.Loop() {
		ParseQuery(q, ex)
	}
}

// BenchmarkTermsMatch matches a phrase query against a listing whose long
// description holds the phrase at its end, so every word is read.
func BenchmarkTermsMatch(b *testing.B) {
	t := ParseQuery(`"grey couch" -sleeper`, []string{"broken"})
	l := Listing{Title: "Café sectional, three seats — like new!", Description: benchDesc}
	if !t.Match(l) {
		b.Fatal("the listing should match: its description ends with the phrase")
	}
	b.SetBytes(int64(len(l.Title) + len(l.Description)))
	b.ReportAllocs()
	for b.Loop() {
		t.Match(l)
	}
}

func BenchmarkRelevance(b *testing.B) {
	t := ParseQuery(`"oak dining table" extendable -broken`, nil)
	title := "Solid Oak Dining Table 6ft, extendable - Mission Style"
	if r := Relevance(t, title); r != 1 {
		b.Fatalf("Relevance = %v; want 1", r)
	}
	b.ReportAllocs()
	for b.Loop() {
		Relevance(t, title)
	}
}

func BenchmarkNormalizeCondition(b *testing.B) {
	cases := []struct {
		in   string
		want Condition
	}{
		{"good", CondGood},                     // the vocabulary itself
		{"Used - Like New", CondLikeNew},       // seller wording
		{"For parts or not working", CondPoor}, // eBay's name
		{"gently loved, smells fine", CondUnknown},
	}
	for _, c := range cases {
		if got := NormalizeCondition(c.in); got != c.want {
			b.Fatalf("NormalizeCondition(%q) = %q; want %q", c.in, got, c.want)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range cases {
			NormalizeCondition(c.in)
		}
	}
}

// BenchmarkDetectFree runs the free detection on a priced-unknown listing
// whose text says "free" only about something else: every rule is tried.
func BenchmarkDetectFree(b *testing.B) {
	l := Listing{Title: "Grey couch + free delivery, smoke-free home", Description: benchDesc}
	if DetectFree(l) {
		b.Fatal("free delivery and smoke-free do not make the couch free")
	}
	b.ReportAllocs()
	for b.Loop() {
		DetectFree(l)
	}
}

func BenchmarkParseAmount(b *testing.B) {
	if c, err := ParseAmount("1,299.99"); err != nil || c != 129999 {
		b.Fatalf("ParseAmount = %d, %v; want 129999", c, err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = ParseAmount("1,299.99")
	}
}

// BenchmarkNormalizeLongText is Normalize on a listing with a long
// description and no postal code: the text clean-up without the ZIP lookup
// BenchmarkNormalize includes.
func BenchmarkNormalizeLongText(b *testing.B) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	l := Listing{Title: "  Solid   oak dining table,\tseats six ", Description: benchDesc, Currency: "usd",
		Condition: "Used - Good", PriceCents: 45000, PriceKnown: true, PostedAt: now.Add(-time.Hour), ShippingCents: -1,
		Images: []string{"https://x/1.jpg", "https://x/2.jpg"}}
	if n := Normalize(l, now); n.Title != "Solid oak dining table, seats six" || n.Condition != CondGood || n.Free {
		b.Fatalf("Normalize = title %q, condition %q, free %v", n.Title, n.Condition, n.Free)
	}
	b.ReportAllocs()
	for b.Loop() {
		Normalize(l, now)
	}
}
