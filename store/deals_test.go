package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"
)

// seedDeals stores n listings matched to a new watch, straight through SQL
// (a poll would take seconds for the 10,000 a bulk re-score needs), and
// returns the watch id and the deal ids in order. Listing i was last seen i
// minutes before lastSeen.
func seedDeals(t *testing.T, s *Store, watch string, n int, lastSeen time.Time) (int64, []int64) {
	t.Helper()
	ctx := context.Background()
	var watchID int64
	ids := make([]int64, 0, n)
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := ts(s.Now())
		r, err := tx.ExecContext(ctx, `INSERT INTO watches (name, query, created_at, updated_at) VALUES (?, 'oak', ?, ?)`, watch, now, now)
		if err != nil {
			return err
		}
		if watchID, err = r.LastInsertId(); err != nil {
			return err
		}
		for i := range n {
			seen := ts(lastSeen.Add(-time.Duration(i) * time.Minute))
			r, err := tx.ExecContext(ctx, `INSERT INTO listings (source, source_id, title, price_cents, currency, first_seen, last_seen)
				VALUES ('demo', ?, 'Oak table', ?, 'USD', ?, ?)`, fmt.Sprintf("%s-%d", watch, i), 1000+i, seen, seen)
			if err != nil {
				return err
			}
			lid, _ := r.LastInsertId()
			r, err = tx.ExecContext(ctx, `INSERT INTO deals (watch_id, listing_id, source_spec, score, components, first_seen, updated_at)
				VALUES (?, ?, 'demo', 50, '{"c":{}}', ?, ?)`, watchID, lid, now, now)
			if err != nil {
				return err
			}
			did, _ := r.LastInsertId()
			ids = append(ids, did)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("seed %s: %v", watch, err)
	}
	return watchID, ids
}

// updates scores every deal total (and components that say so).
func updates(ids []int64, total float64) []ScoreUpdate {
	out := make([]ScoreUpdate, len(ids))
	for i, id := range ids {
		out[i] = ScoreUpdate{DealID: id, Total: total, Components: fmt.Sprintf(`{"c":{"market":[%g,1,"r"]}}`, total/100)}
	}
	return out
}

// sendChunks queues ups in chunks of size and closes the channel.
func sendChunks(ups []ScoreUpdate, size int) <-chan []ScoreUpdate {
	ch := make(chan []ScoreUpdate, len(ups)/size+1)
	for len(ups) > 0 {
		k := min(size, len(ups))
		ch <- ups[:k]
		ups = ups[k:]
	}
	close(ch)
	return ch
}

func scoreIndexSQL(t *testing.T, s *Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	rows, err := s.rdb.Query(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deals' AND sql IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			t.Fatal(err)
		}
		out[name] = def
	}
	return out
}

func scoresOf(t *testing.T, s *Store, watchID int64) map[float64]int {
	t.Helper()
	out := map[float64]int{}
	rows, err := s.rdb.Query(`SELECT score FROM deals WHERE watch_id = ?`, watchID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var v float64
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out[v]++
	}
	return out
}

func integrityOK(t *testing.T, s *Store) {
	t.Helper()
	var res string
	if err := s.rdb.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check = %q, %v", res, err)
	}
}

// A watch holding most deals is re-scored in bulk: its score indexes are
// dropped and rebuilt from their migration's definitions in the same
// transaction, so they come back identical and consistent with the rows.
func TestUpdateScoresBulkRebuildsScoreIndexes(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	watchID, ids := seedDeals(t, s, "tables", bulkMinDeals, testNow)
	small, smallIDs := seedDeals(t, s, "chairs", 10, testNow)
	if bulk, err := s.bulkRescore(ctx, watchID); err != nil || !bulk {
		t.Fatalf("bulkRescore(tables) = %v, %v; want true", bulk, err)
	}
	if bulk, _ := s.bulkRescore(ctx, small); bulk {
		t.Fatal("bulkRescore(chairs) = true for 10 of 10,010 deals, want false")
	}
	if bulk, err := s.bulkRescore(ctx, 0); err != nil || !bulk {
		t.Fatalf("bulkRescore(every watch) = %v, %v; want true for all 10,010 deals", bulk, err)
	}
	before := scoreIndexSQL(t, s)
	n, err := s.UpdateScores(ctx, watchID, sendChunks(updates(ids, 80), 3000))
	if err != nil || n != len(ids) {
		t.Fatalf("UpdateScores = %d, %v; want %d rows", n, err, len(ids))
	}
	if after := scoreIndexSQL(t, s); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("indexes after a bulk re-score:\n%v\nwant\n%v", after, before)
	}
	integrityOK(t, s)
	if got := scoresOf(t, s, watchID); got[80] != len(ids) {
		t.Errorf("scores after the re-score: %v, want all %d at 80", got, len(ids))
	}
	if got := scoresOf(t, s, small); got[50] != len(smallIDs) {
		t.Errorf("the other watch's scores: %v, want untouched at 50", got)
	}
	// The queries that list deals best first still use the rebuilt index.
	if plan := queryPlan(t, s, `SELECT id FROM deals WHERE watch_id = ? ORDER BY score DESC LIMIT 5`, watchID); !strings.Contains(plan, "deals_watch_score") {
		t.Errorf("query plan %q does not use deals_watch_score", plan)
	}
	// The same scores again rewrite nothing.
	if n, err := s.UpdateScores(ctx, watchID, sendChunks(updates(ids, 80), 3000)); err != nil || n != 0 {
		t.Errorf("repeating the re-score = %d, %v; want 0 rows rewritten", n, err)
	}
}

// fullQueryPlan is every step of SQLite's plan for q, joined by "; ".
func fullQueryPlan(t *testing.T, s *Store, q string, args ...any) string {
	t.Helper()
	rows, err := s.rdb.Query("EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(steps, "; ")
}

// queryPlan is the first step of SQLite's plan for q.
func queryPlan(t *testing.T, s *Store, q string, args ...any) string {
	t.Helper()
	var id, parent, unused int
	var detail string
	if err := s.rdb.QueryRow("EXPLAIN QUERY PLAN "+q, args...).Scan(&id, &parent, &unused, &detail); err != nil {
		t.Fatal(err)
	}
	return detail
}

// A bulk re-score that fails part way leaves the indexes and every score as
// they were: the drop, the rows and the rebuild are one transaction.
func TestUpdateScoresBulkFailureRollsBack(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	watchID, ids := seedDeals(t, s, "tables", bulkMinDeals, testNow)
	before := scoreIndexSQL(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan []ScoreUpdate, 1)
	ch <- updates(ids[:5000], 90)
	done := make(chan error, 1)
	go func() {
		_, err := s.UpdateScores(ctx, watchID, ch)
		done <- err
	}()
	// Wait until the first chunk is taken, then give up on the rest.
	for len(ch) > 0 {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err == nil {
		t.Fatal("cancelled bulk re-score returned no error")
	}
	if after := scoreIndexSQL(t, s); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("indexes after a failed bulk re-score:\n%v\nwant\n%v", after, before)
	}
	if got := scoresOf(t, s, watchID); got[50] != len(ids) {
		t.Errorf("scores after a failed bulk re-score: %v, want all still 50", got)
	}
	integrityOK(t, s)
}

// A re-score of a part of the deals commits each time it has held the lock
// for the budget, and another writer gets the lock in between.
func TestUpdateScoresCommitsWithinTheLockBudget(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	s.scoreLockBudget = 30 * time.Millisecond
	ctx := context.Background()
	watchID, ids := seedDeals(t, s, "tables", 40, testNow)
	ch := make(chan []ScoreUpdate)
	done := make(chan int, 1)
	go func() {
		n, err := s.UpdateScores(ctx, watchID, ch)
		if err != nil {
			t.Error(err)
		}
		done <- n
	}()
	ch <- updates(ids[:20], 70)
	// The first transaction is open, waiting for more; a poll's write must
	// get in once the budget is spent, before the re-score goes on.
	other := make(chan error, 1)
	go func() {
		other <- s.write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE deals SET status = 'seen' WHERE id = ?`, ids[0])
			return err
		})
	}()
	select {
	case err := <-other:
		if err != nil {
			t.Fatalf("the other writer: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("another writer waited 5 s behind a re-score with a 30 ms lock budget")
	}
	// UpdateScores may have stopped on an error: then it takes no more,
	// and the test fails on its error instead of waiting here for ever.
	var n int
	select {
	case ch <- updates(ids[20:], 70):
		close(ch)
		n = <-done
	case n = <-done:
	}
	if n != len(ids) {
		t.Errorf("UpdateScores rewrote %d rows, want %d", n, len(ids))
	}
	if got := scoresOf(t, s, watchID); got[70] != len(ids) {
		t.Errorf("scores: %v, want all %d at 70", got, len(ids))
	}
}

// Comps are the watch's own listings seen in the window, newest first, not
// duplicates, at most MaxComps.
func TestCompsNewestOfTheWatch(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	watchID, _ := seedDeals(t, s, "tables", MaxComps+50, testNow)
	other, _ := seedDeals(t, s, "chairs", 30, testNow.Add(time.Hour)) // newer, but another watch's
	// The newest listing of "tables" is a duplicate of another listing.
	if _, err := s.db.Exec(`UPDATE listings SET duplicate_of = (SELECT min(id) FROM listings WHERE source_id LIKE 'chairs-%')
		WHERE source_id = 'tables-0'`); err != nil {
		t.Fatal(err)
	}
	comps, err := s.Comps(ctx, watchID, testNow.Add(-30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(comps) != MaxComps {
		t.Fatalf("got %d comps, want the cap %d", len(comps), MaxComps)
	}
	if comps[0].Key != "demo\x00tables-1" || comps[len(comps)-1].Key != fmt.Sprintf("demo\x00tables-%d", MaxComps) {
		t.Errorf("comps run from %q to %q; want tables-1 (tables-0 is a duplicate) to tables-%d",
			comps[0].Key, comps[len(comps)-1].Key, MaxComps)
	}
	for i := 1; i < len(comps); i++ {
		if comps[i].SeenAt.After(comps[i-1].SeenAt) {
			t.Fatalf("comp %d seen %v after comp %d %v: want newest first", i, comps[i].SeenAt, i-1, comps[i-1].SeenAt)
		}
	}
	// A window that ends before the older half drops them.
	recent, err := s.Comps(ctx, watchID, testNow.Add(-10*time.Minute))
	if err != nil || len(recent) != 10 {
		t.Errorf("comps seen in the last 10 minutes: %d (%v), want 10 (tables-1..10)", len(recent), err)
	}
	if chairs, _ := s.Comps(ctx, other, testNow.Add(-24*time.Hour)); len(chairs) != 30 {
		t.Errorf("chairs comps: %d, want its own 30", len(chairs))
	}
	if detail := queryPlan(t, s, compsQuery, ts(testNow), watchID, MaxComps); !strings.Contains(detail, "listings_seen") {
		t.Errorf("comps query plan starts with %q, want a walk of listings_seen", detail)
	}
}

// A rewritten score dates its row with the store's clock at the re-score; a
// row whose score is unchanged keeps its date.
func TestUpdateScoresDatesRewrittenRows(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	ctx := context.Background()
	watchID, ids := seedDeals(t, s, "tables", 6, testNow)
	later := testNow.Add(3 * time.Hour)
	s.now = func() time.Time { return later }
	ups := append(updates(ids[:4], 70), updates(ids[4:], 50)...)
	ups[4].Components, ups[5].Components = `{"c":{}}`, `{"c":{}}` // as seeded
	if n, err := s.UpdateScores(ctx, watchID, sendChunks(ups, 2)); err != nil || n != 4 {
		t.Fatalf("UpdateScores = %d, %v; want 4 rows", n, err)
	}
	rows, err := s.rdb.Query(`SELECT id, updated_at FROM deals WHERE watch_id = ? ORDER BY id`, watchID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for i := 0; rows.Next(); i++ {
		var id int64
		var at string
		if err := rows.Scan(&id, &at); err != nil {
			t.Fatal(err)
		}
		want := ts(later)
		if i >= 4 {
			want = ts(testNow)
		}
		if at != want {
			t.Errorf("deal %d updated_at %s, want %s", id, at, want)
		}
	}
}
