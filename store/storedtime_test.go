package store

import (
	"database/sql"
	"math/rand/v2"
	"testing"
	"time"
)

// TestParseStoredTimeMatchesTimeParse checks the hand-written reader of the
// stored time layout against time.Parse: the same time for every string ts
// writes, and no answer where time.Parse rejects the string.
func TestParseStoredTimeMatchesTimeParse(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	base := time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 20000 {
		want := base.Add(time.Duration(r.Int64N(int64(200 * 365 * 24 * time.Hour)))).Truncate(time.Millisecond)
		got, ok := parseStoredTime(ts(want))
		if !ok || !got.Equal(want) || got.Location() != time.UTC {
			t.Fatalf("parseStoredTime(%q) = %v, %v; want %v", ts(want), got, ok, want)
		}
	}
	for _, s := range []string{
		"", "2026-11-24", "2026-11-24T12:00:00Z", "2026-11-24T12:00:00.000+01:00",
		"2026-13-01T00:00:00.000Z", "2026-02-29T00:00:00.000Z", "2026-04-31T00:00:00.000Z",
		"2026-11-24T24:00:00.000Z", "2026-11-24T12:60:00.000Z", "2026-11-24T12:00:60.000Z",
		"2026-11-24T12:00:00.0a0Z", "2026/11/24T12:00:00.000Z", "2026-11-24 12:00:00.000Z", "-026-11-24T12:00:00.000Z",
	} {
		_, perr := time.Parse(timeFormat, s)
		if got, ok := parseStoredTime(s); ok && perr != nil {
			t.Errorf("parseStoredTime(%q) = %v, but time.Parse rejects it: %v", s, got, perr)
		}
	}
	if got, ok := parseStoredTime("2024-02-29T23:59:59.999Z"); !ok || got != time.Date(2024, 2, 29, 23, 59, 59, 999e6, time.UTC) {
		t.Errorf("leap day = %v, %v", got, ok)
	}
	// Other layouts still parse, through time.Parse.
	if got := parseTS(sql.NullString{String: "2026-11-24T12:00:00+01:00", Valid: true}); !got.Equal(time.Date(2026, 11, 24, 11, 0, 0, 0, time.UTC)) {
		t.Errorf("parseTS of RFC 3339 with an offset = %v", got)
	}
}
