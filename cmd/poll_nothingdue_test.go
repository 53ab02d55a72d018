package cmd

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/dealscout/dealscout/store"
)

// A poll with no watch due stores no run (cron starts one a minute); a
// poll that polls records one, and so does the next one due.
func TestPollWithNothingDueRecordsNoRun(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	file := filepath.Join(c.dir, "listings.jsonl")
	writeListings(t, file, sofas(3, 20000))
	c.ok("watch", "add", "sofas", "--query", "sofa", "--source", "file:"+file, "--every", "1h")
	runs := func() int {
		t.Helper()
		st, err := store.Open(context.Background(), filepath.Join(c.dir, "dealscout.db"), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		rs, err := st.RecentRuns(context.Background(), 100)
		if err != nil {
			t.Fatal(err)
		}
		return len(rs)
	}
	runID := func(out string) int64 {
		t.Helper()
		var rep struct {
			RunID   int64             `json:"run_id"`
			Watches []json.RawMessage `json:"watches"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("poll --json: %v\n%s", err, out)
		}
		return rep.RunID
	}
	if id := runID(c.ok("poll", "--json")); id == 0 || runs() != 1 {
		t.Fatalf("first poll: run_id %d, %d runs stored; want a run recorded", id, runs())
	}
	c.now = c.now.Add(10 * time.Minute) // not due again for 50 minutes
	out := c.ok("poll", "--json")
	if id := runID(out); id != 0 || runs() != 1 {
		t.Fatalf("poll with nothing due: run_id %d, %d runs stored; want 0 and still 1\n%s", id, runs(), out)
	}
	if got := c.ok("poll"); got != "no watch is due; `dealscout poll --all` polls them anyway\n" {
		t.Errorf("poll with nothing due printed %q", got)
	}
	c.now = c.now.Add(time.Hour)
	if id := runID(c.ok("poll", "--json")); id == 0 || runs() != 2 {
		t.Fatalf("poll once due again: run_id %d, %d runs stored; want a second run", id, runs())
	}
	c.ok("watch", "pause", "sofas")
	c.now = c.now.Add(2 * time.Hour)
	if id := runID(c.ok("poll", "--json")); id != 0 || runs() != 2 {
		t.Fatalf("poll with the only watch paused: run_id %d, %d runs; want 0 and still 2", id, runs())
	}
}
