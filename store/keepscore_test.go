package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// A stored score is kept for a listing seen again unchanged only while it is
// younger than keepScoreFor: recency and the market move, and with cron
// alone nothing else would ever score the listing again. Kept scores keep
// their age; a score written again (even to the same value) is young.
func TestPollKeepsAnUnchangedScoreForADayAtMost(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	pollWatch(t, s, "chairs")
	var ls []scout.Listing
	for i := range 4 {
		ls = append(ls, chairListing(fmt.Sprintf("c%d", i), int64(2000+i*500)))
	}
	src := &listSource{ls: ls}
	now := testNow
	p := pollerOf(s, src, &now)
	if wr := pollOnce(t, p, s, "chairs"); wr.Failed() || wr.New != 4 {
		t.Fatalf("first poll: %+v", wr)
	}
	marked := func() int64 {
		t.Helper()
		return queryInt(t, s, `SELECT count(*) FROM deals WHERE score = 1.25`)
	}
	// A score no scoring gives, to tell kept from recomputed.
	if _, err := s.db.ExecContext(ctx, `UPDATE deals SET score = 1.25`); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		at   time.Duration
		kept int64
	}{
		{time.Hour, 4},                    // young: kept
		{keepScoreFor - time.Minute, 4},   // still young, though polled since: kept scores keep their age
		{keepScoreFor + time.Minute, 0},   // old: every listing scored again
		{keepScoreFor + 2*time.Minute, 0}, // and not back to 1.25
	} {
		now = testNow.Add(step.at)
		if wr := pollOnce(t, p, s, "chairs"); wr.Failed() || wr.New != 0 {
			t.Fatalf("poll at +%v: %+v", step.at, wr)
		}
		if got := marked(); got != step.kept {
			t.Fatalf("poll at +%v: %d scores kept at 1.25, want %d", step.at, got, step.kept)
		}
	}
	// Scored again at +24h01m to their real value; marked once more, they
	// are young again and kept.
	if _, err := s.db.ExecContext(ctx, `UPDATE deals SET score = 1.25`); err != nil {
		t.Fatal(err)
	}
	now = testNow.Add(keepScoreFor + time.Hour)
	if wr := pollOnce(t, p, s, "chairs"); wr.Failed() {
		t.Fatalf("poll at +25h: %+v", wr)
	}
	if got := marked(); got != 4 {
		t.Errorf("scores written an hour ago: %d kept, want all 4", got)
	}
}

// A deal missed by the last poll and seen again unchanged keeps its score
// and counts no more misses.
func TestPollKeptDealCountsNoMisses(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	pollWatch(t, s, "chairs")
	var ls []scout.Listing
	for i := range 4 {
		ls = append(ls, chairListing(fmt.Sprintf("c%d", i), int64(2000+i*500)))
	}
	src := &listSource{ls: ls}
	now := testNow
	p := pollerOf(s, src, &now)
	missed := func() int64 {
		t.Helper()
		return queryInt(t, s, `SELECT d.missed FROM deals d JOIN listings l ON l.id = d.listing_id WHERE l.source_id = 'c3'`)
	}
	for i, step := range []struct {
		ls     []scout.Listing
		missed int64
	}{
		{ls, 0},
		{ls[:3], 1}, // c3 not in the answer
		{ls, 0},     // back, unchanged: kept, and its misses reset
	} {
		src.ls = step.ls
		now = testNow.Add(time.Duration(i) * time.Minute)
		if wr := pollOnce(t, p, s, "chairs"); wr.Failed() {
			t.Fatalf("poll %d: %+v", i, wr)
		}
		if got := missed(); got != step.missed {
			t.Fatalf("after poll %d: c3 missed %d, want %d", i, got, step.missed)
		}
	}
}
