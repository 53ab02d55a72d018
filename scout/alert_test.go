package scout

import (
	"math"
	"testing"
	"time"
)

// alertNow is a Tuesday noon in UTC, outside any quiet window the tests set
// unless a case says otherwise.
var alertNow = time.Date(2026, 6, 2, 12, 0, 0, 0, time.UTC)

func alertWatch(edit func(w *Watch)) *Watch {
	w := NewWatch("chairs")
	w.ID = 7
	if edit != nil {
		edit(&w)
	}
	return &w
}

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

func TestDecideAlertRules(t *testing.T) {
	t.Parallel()
	free := func(c Condition) Listing {
		return Listing{Source: "demo", SourceID: "f1", Title: "oak chair", Free: true, PriceKnown: true, Condition: c}
	}
	priced := func(cents int64) Listing {
		return Listing{Source: "demo", SourceID: "p1", Title: "oak chair", PriceCents: cents, PriceKnown: true, Condition: CondGood}
	}
	cases := []struct {
		name string
		in   AlertInput
		want AlertDecision
	}{
		{"free in good condition alerts at once",
			AlertInput{Listing: free(CondGood), IsNew: true, Score: Score{Total: 40}},
			AlertDecision{Reason: ReasonFree}},
		{"free with unknown condition is acceptable",
			AlertInput{Listing: free(CondUnknown), IsNew: true, Score: Score{Total: 40}},
			AlertDecision{Reason: ReasonFree}},
		{"free in poor condition is no free alert: low score goes to the digest",
			AlertInput{Listing: free(CondPoor), IsNew: true, Score: Score{Total: 40}},
			AlertDecision{Digest: true}},
		{"free in poor condition still alerts on its score",
			AlertInput{Listing: free(CondPoor), IsNew: true, Score: Score{Total: 80}},
			AlertDecision{Reason: ReasonScore}},
		{"free in poor condition alerts when the watch asks for poor",
			AlertInput{Watch: alertWatch(func(w *Watch) { w.Conditions = []Condition{CondPoor} }),
				Listing: free(CondPoor), IsNew: true, Score: Score{Total: 40}},
			AlertDecision{Reason: ReasonFree}},
		{"free with AlertFree off goes to the digest",
			AlertInput{Watch: alertWatch(func(w *Watch) { w.Settings.AlertFree = false }),
				Listing: free(CondGood), IsNew: true, Score: Score{Total: 40}},
			AlertDecision{Digest: true}},
		{"free with AlertFree off still alerts on its score",
			AlertInput{Watch: alertWatch(func(w *Watch) { w.Settings.AlertFree = false }),
				Listing: free(CondGood), IsNew: true, Score: Score{Total: 90}},
			AlertDecision{Reason: ReasonScore}},
		{"score at the default threshold 75 alerts",
			AlertInput{Listing: priced(5000), IsNew: true, Score: Score{Total: 75}},
			AlertDecision{Reason: ReasonScore}},
		{"score just below the threshold goes to the digest",
			AlertInput{Listing: priced(5000), IsNew: true, Score: Score{Total: 74.9}},
			AlertDecision{Digest: true}},
		{"the watch's own threshold counts",
			AlertInput{Watch: alertWatch(func(w *Watch) { w.MinScore = 60 }), Listing: priced(5000), IsNew: true, Score: Score{Total: 65}},
			AlertDecision{Reason: ReasonScore}},
		{"drop of exactly 10% on a seen listing alerts",
			AlertInput{Listing: priced(9000), OldCents: 10000, Score: Score{Total: 40}},
			AlertDecision{Reason: ReasonPriceDrop, DropPct: 10}},
		{"drop of 25% on a seen listing alerts",
			AlertInput{Listing: priced(7500), OldCents: 10000, Score: Score{Total: 40}},
			AlertDecision{Reason: ReasonPriceDrop, DropPct: 25}},
		{"drop of 9% on a seen listing does nothing",
			AlertInput{Listing: priced(9100), OldCents: 10000, Score: Score{Total: 40}},
			AlertDecision{}},
		{"drop below the watch's own percentage does nothing",
			AlertInput{Watch: alertWatch(func(w *Watch) { w.Settings.PriceDropPct = 30 }), Listing: priced(7500), OldCents: 10000, Score: Score{Total: 40}},
			AlertDecision{}},
		{"drop on a listing new to the watch is judged as new, not as a drop",
			AlertInput{Listing: priced(5000), IsNew: true, OldCents: 10000, Score: Score{Total: 40}},
			AlertDecision{Digest: true}},
		{"further drop below the alerted price alerts again",
			AlertInput{Listing: priced(8000), OldCents: 9000, Alerted: 9000, Score: Score{Total: 40}},
			AlertDecision{Reason: ReasonPriceDrop, DropPct: 100 * 1000.0 / 9000}},
		{"drop back to the alerted price is not further",
			AlertInput{Listing: priced(8500), OldCents: 10000, Alerted: 8500, Score: Score{Total: 40}},
			AlertDecision{}},
		{"drop that stays above the alerted price is not further",
			AlertInput{Listing: priced(8800), OldCents: 10000, Alerted: 8500, Score: Score{Total: 40}},
			AlertDecision{}},
		{"seen listing with the same price does nothing, whatever its score",
			AlertInput{Listing: priced(5000), Score: Score{Total: 99}},
			AlertDecision{}},
		{"seen listing whose price went up does nothing",
			AlertInput{Listing: priced(12000), Score: Score{Total: 99}},
			AlertDecision{}},
		{"backfill stores a free item quietly",
			AlertInput{Listing: free(CondGood), IsNew: true, Backfill: true, Score: Score{Total: 99}},
			AlertDecision{}},
		{"backfill stores a price drop quietly",
			AlertInput{Listing: priced(5000), OldCents: 10000, Backfill: true},
			AlertDecision{}},
		{"a duplicate from another source stays quiet",
			AlertInput{Listing: priced(5000), IsNew: true, Duplicate: true, Score: Score{Total: 99}},
			AlertDecision{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			in := c.in
			if in.Watch == nil {
				in.Watch = alertWatch(nil)
			}
			in.Now = alertNow
			in.Acceptable = AcceptableForFree(in.Watch)
			got := DecideAlert(in)
			pctOff := math.Abs(got.DropPct - c.want.DropPct)
			got.DropPct, c.want.DropPct = 0, 0
			if got != c.want || pctOff > 1e-9 {
				t.Errorf("DecideAlert = %+v (drop off by %g%%), want %+v", got, pctOff, c.want)
			}
		})
	}
}

func TestDecideAlertQuietHours(t *testing.T) {
	t.Parallel()
	ny := mustLoc(t, "America/New_York")
	at := func(loc *time.Location, y int, mo time.Month, d, h, mi int) time.Time {
		return time.Date(y, mo, d, h, mi, 0, 0, loc)
	}
	newItem := func(score float64) AlertInput {
		return AlertInput{Listing: Listing{Source: "demo", SourceID: "1", PriceCents: 1000, PriceKnown: true},
			IsNew: true, Score: Score{Total: score}}
	}
	freeItem := AlertInput{Listing: Listing{Source: "demo", SourceID: "2", Free: true, PriceKnown: true, Condition: CondGood},
		IsNew: true, Score: Score{Total: 50}}
	drop := AlertInput{Listing: Listing{Source: "demo", SourceID: "3", PriceCents: 8000, PriceKnown: true},
		OldCents: 10000, Score: Score{Total: 50}}
	cases := []struct {
		name       string
		quiet      string
		loc        *time.Location
		in         AlertInput
		now        time.Time
		wantReason string
		wantHold   time.Time // zero = sent now
		wantDigest bool
	}{
		{"before midnight: held until 07:00 local the next day", "22:00-07:00", ny, newItem(80),
			at(ny, 2026, 6, 2, 23, 30), ReasonScore, at(ny, 2026, 6, 3, 7, 0), false},
		{"after midnight: held until 07:00 local the same day", "22:00-07:00", ny, newItem(80),
			at(ny, 2026, 6, 3, 2, 0), ReasonScore, at(ny, 2026, 6, 3, 7, 0), false},
		{"the window's first minute is quiet", "22:00-07:00", ny, newItem(80),
			at(ny, 2026, 6, 2, 22, 0), ReasonScore, at(ny, 2026, 6, 3, 7, 0), false},
		{"the window's end is not quiet", "22:00-07:00", ny, newItem(80),
			at(ny, 2026, 6, 3, 7, 0), ReasonScore, time.Time{}, false},
		{"just before the window is not quiet", "22:00-07:00", ny, newItem(80),
			at(ny, 2026, 6, 2, 21, 59), ReasonScore, time.Time{}, false},
		{"the window is read in the user's zone, not UTC", "08:00-09:00", ny, newItem(80),
			at(time.UTC, 2026, 6, 2, 12, 30), ReasonScore, at(ny, 2026, 6, 2, 9, 0), false},
		{"no zone means UTC", "08:00-09:00", nil, newItem(80),
			at(time.UTC, 2026, 6, 2, 12, 30), ReasonScore, time.Time{}, false},
		{"a window that ends after a DST change ends at local 07:00", "22:00-07:00", ny, newItem(80),
			at(ny, 2026, 3, 7, 23, 0), ReasonScore, at(ny, 2026, 3, 8, 7, 0), false},
		{"a free item is held too", "22:00-07:00", ny, freeItem,
			at(ny, 2026, 6, 2, 23, 30), ReasonFree, at(ny, 2026, 6, 3, 7, 0), false},
		{"a price drop is held too", "22:00-07:00", ny, drop,
			at(ny, 2026, 6, 2, 23, 30), ReasonPriceDrop, at(ny, 2026, 6, 3, 7, 0), false},
		{"just under the break-through score is held", "22:00-07:00", ny, newItem(94.9),
			at(ny, 2026, 6, 2, 23, 30), ReasonScore, at(ny, 2026, 6, 3, 7, 0), false},
		{"the break-through score 95 ignores quiet hours", "22:00-07:00", ny, newItem(95),
			at(ny, 2026, 6, 2, 23, 30), ReasonScore, time.Time{}, false},
		{"a score above break-through ignores quiet hours", "22:00-07:00", ny, newItem(99),
			at(ny, 2026, 6, 2, 23, 30), ReasonScore, time.Time{}, false},
		{"a digest item has nothing to hold", "22:00-07:00", ny, newItem(40),
			at(ny, 2026, 6, 2, 23, 30), "", time.Time{}, true},
		{"no quiet hours set", "", ny, newItem(80),
			at(ny, 2026, 6, 2, 23, 30), ReasonScore, time.Time{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			in := c.in
			in.Watch = alertWatch(func(w *Watch) { w.Quiet = c.quiet })
			in.Now, in.Loc = c.now.UTC(), c.loc
			in.Acceptable = AcceptableForFree(in.Watch)
			got := DecideAlert(in)
			if got.Reason != c.wantReason || got.Digest != c.wantDigest {
				t.Fatalf("reason %q digest %v, want reason %q digest %v", got.Reason, got.Digest, c.wantReason, c.wantDigest)
			}
			if !got.NotBefore.Equal(c.wantHold) {
				t.Errorf("NotBefore = %v, want %v", got.NotBefore, c.wantHold.UTC())
			}
			if !got.NotBefore.IsZero() && got.NotBefore.Location() != time.UTC {
				t.Errorf("NotBefore is in %v, want UTC (it is stored as UTC text)", got.NotBefore.Location())
			}
		})
	}
}

func TestDedupeKey(t *testing.T) {
	t.Parallel()
	l := Listing{Source: "demo", SourceID: "42", PriceCents: 9000}
	cheaper := l
	cheaper.PriceCents = 8000
	other := l
	other.SourceID = "43"
	keys := map[string]string{
		"base":                      DedupeKey(1, l, "phone", ReasonScore),
		"other channel":             DedupeKey(1, l, "email", ReasonScore),
		"other reason":              DedupeKey(1, l, "phone", ReasonFree),
		"other watch":               DedupeKey(2, l, "phone", ReasonScore),
		"other listing":             DedupeKey(1, other, "phone", ReasonScore),
		"price drop":                DedupeKey(1, l, "phone", ReasonPriceDrop),
		"price drop, further":       DedupeKey(1, cheaper, "phone", ReasonPriceDrop),
		"price drop, other channel": DedupeKey(1, l, "email", ReasonPriceDrop),
	}
	seen := map[string]string{}
	for name, k := range keys {
		if prev, dup := seen[k]; dup {
			t.Errorf("%s and %s share the key %q; each must alert on its own", prev, name, k)
		}
		seen[k] = name
	}
	if a, b := DedupeKey(1, l, "phone", ReasonScore), DedupeKey(1, l, "phone", ReasonScore); a != b {
		t.Errorf("the same alert gave two keys %q and %q; a re-run would alert twice", a, b)
	}
	if a, b := DedupeKey(1, l, "phone", ReasonScore), DedupeKey(1, cheaper, "phone", ReasonScore); a != b {
		t.Errorf("a score alert's key changed with the price (%q vs %q); only price drops carry the price", a, b)
	}
}

func TestParseDigest(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		want    Digest
		wantErr bool
	}{
		{"off", Digest{Off: true}, false},
		{"hourly", Digest{Hourly: true}, false},
		{"daily@08:00", Digest{Hour: 8}, false},
		{"daily@23:59", Digest{Hour: 23, Minute: 59}, false},
		{"daily@7:05", Digest{Hour: 7, Minute: 5}, false},
		{"daily@00:00", Digest{}, false},
		{"", Digest{}, true},
		{"daily", Digest{}, true},
		{"daily@", Digest{}, true},
		{"daily@24:00", Digest{}, true},
		{"daily@08:60", Digest{}, true},
		{"daily@0800", Digest{}, true},
		{"daily@08:0", Digest{}, true},
		{"weekly", Digest{}, true},
		{"Hourly", Digest{}, true},
	}
	for _, c := range cases {
		got, err := ParseDigest(c.in)
		if (err != nil) != c.wantErr {
			t.Errorf("ParseDigest(%q) error = %v, want error %v", c.in, err, c.wantErr)
			continue
		}
		if got != c.want {
			t.Errorf("ParseDigest(%q) = %+v, want %+v", c.in, got, c.want)
		}
	}
}

func TestParseQuiet(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in         string
		set        bool
		start, end int
		wantErr    bool
	}{
		{"", false, 0, 0, false},
		{"off", false, 0, 0, false},
		{"22:00-07:00", true, 22 * 60, 7 * 60, false},
		{"09:30-17:15", true, 9*60 + 30, 17*60 + 15, false},
		{"22:00 - 7:00", true, 22 * 60, 7 * 60, false},
		{"00:00-23:59", true, 0, 23*60 + 59, false},
		{"22:00-22:00", false, 0, 0, true},
		{"22:00", false, 0, 0, true},
		{"22:00-", false, 0, 0, true},
		{"25:00-07:00", false, 0, 0, true},
		{"22:00-07:61", false, 0, 0, true},
		{"night", false, 0, 0, true},
	}
	for _, c := range cases {
		got, err := ParseQuiet(c.in)
		if (err != nil) != c.wantErr {
			t.Errorf("ParseQuiet(%q) error = %v, want error %v", c.in, err, c.wantErr)
			continue
		}
		if got.Set != c.set || got.Start != c.start || got.End != c.end {
			t.Errorf("ParseQuiet(%q) = set %v %d–%d, want set %v %d–%d", c.in, got.Set, got.Start, got.End, c.set, c.start, c.end)
		}
	}
}

func TestQuietContainsAndEndAfter(t *testing.T) {
	t.Parallel()
	ny := mustLoc(t, "America/New_York")
	day := func(d, h, m int) time.Time { return time.Date(2026, 6, d, h, m, 0, 0, ny) }
	cases := []struct {
		name     string
		quiet    string
		t        time.Time
		contains bool
		end      time.Time
	}{
		{"wrapping window, evening", "22:00-07:00", day(2, 23, 0), true, day(3, 7, 0)},
		{"wrapping window, at start", "22:00-07:00", day(2, 22, 0), true, day(3, 7, 0)},
		{"wrapping window, early morning", "22:00-07:00", day(3, 6, 59), true, day(3, 7, 0)},
		{"wrapping window, at end", "22:00-07:00", day(3, 7, 0), false, day(4, 7, 0)},
		{"wrapping window, afternoon", "22:00-07:00", day(3, 15, 0), false, day(4, 7, 0)},
		{"same-day window, inside", "13:00-15:30", day(3, 14, 0), true, day(3, 15, 30)},
		{"same-day window, at end", "13:00-15:30", day(3, 15, 30), false, day(4, 15, 30)},
		{"same-day window, before", "13:00-15:30", day(3, 12, 59), false, day(3, 15, 30)},
		{"unset window is never quiet", "", day(3, 3, 0), false, time.Time{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			q, err := ParseQuiet(c.quiet)
			if err != nil {
				t.Fatalf("ParseQuiet(%q): %v", c.quiet, err)
			}
			if got := q.Contains(c.t); got != c.contains {
				t.Errorf("Contains(%s) = %v, want %v", c.t.Format("15:04"), got, c.contains)
			}
			if !q.Set {
				return // EndAfter has no meaning without a window
			}
			if got := q.EndAfter(c.t); !got.Equal(c.end) {
				t.Errorf("EndAfter(%s) = %s, want %s", c.t.Format(time.RFC3339), got.Format(time.RFC3339), c.end.Format(time.RFC3339))
			}
		})
	}
}

// A listing that comes back without a usable price keeps the one stored:
// an unknown price is not a drop to zero.
func TestKeepKnownPrice(t *testing.T) {
	known := Known{PriceCents: 15000, Currency: "USD", PriceKnown: true}
	l := keepKnownPrice(Listing{Title: "Oak table", Currency: "USD"}, known)
	if !l.PriceKnown || l.PriceCents != 15000 || l.Free {
		t.Errorf("unknown price over a known one = %+v, want the stored $150 kept", l)
	}
	if l := keepKnownPrice(Listing{Title: "Oak table", PriceCents: 9000, Currency: "USD", PriceKnown: true}, known); l.PriceCents != 9000 {
		t.Errorf("a real new price was replaced: %d, want 9000", l.PriceCents)
	}
	if l := keepKnownPrice(Listing{Title: "Oak table", Currency: "USD"}, Known{}); l.PriceKnown {
		t.Errorf("nothing known, yet the price became known: %+v", l)
	}
}
