package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// factorBatch is n varied deals for the stored watch w, each with its
// factors and weight set as a poll gives them, and the scores they should
// read back as, by source id.
func factorBatch(t *testing.T, w *scout.Watch, n int) (scout.FetchBatch, map[string]scout.Score) {
	t.Helper()
	b := scout.FetchBatch{Watch: w, Spec: "t", Now: testNow}
	want := map[string]scout.Score{}
	for i := range uint64(n) {
		in, weights := factorInput(i)
		in.Watch, in.Terms, in.Now = w, scout.ParseQuery(w.Query, nil), testNow
		in.Listing.SourceID = fmt.Sprint(i)
		f := scout.ComputeFactors(in, weights)
		sc, ok := f.Apply(weights, w)
		if !ok {
			t.Fatalf("case %d: refused with its own weights", i)
		}
		key, err := scout.WeightsKey(scout.ResolveWeights(weights, w))
		if err != nil {
			t.Fatal(err)
		}
		b.Items = append(b.Items, scout.FetchItem{Listing: in.Listing, Score: sc, Factors: &f, WeightsKey: key, DistanceMi: in.DistanceMi})
		want[in.Listing.SourceID] = sc
	}
	return b, want
}

// storeFactorDeals stores n varied deals of a new watch as a poll stores
// them (factorBatch), and returns what factorBatch does.
func storeFactorDeals(t *testing.T, s *Store, n int) (*scout.Watch, scout.FetchBatch, map[string]scout.Score) {
	t.Helper()
	w := factorWatch(t, s)
	batch, want := factorBatch(t, w, n)
	if _, err := s.ApplyFetch(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	return w, batch, want
}

func factorWatch(t *testing.T, s *Store) *scout.Watch {
	t.Helper()
	w := scout.NewWatch("tables")
	w.Query = "oak table"
	limit := int64(30000)
	w.MaxPriceCents = &limit
	w.Settings.Weights = map[string]float64{scout.CompPhotos: 2}
	if err := s.CreateWatch(context.Background(), &w); err != nil {
		t.Fatal(err)
	}
	return &w
}

// TestDealsReadTheirFactors: a deal stored with its factors reads back as
// the very score the poll computed, explanation included, with the weights
// it was scored with (a set of its own per deal here).
func TestDealsReadTheirFactors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newTestStore(t)
	w, batch, want := storeFactorDeals(t, s, 450) // not a multiple of multiRows: the last inserts are flushed at the end
	deals, err := s.Deals(ctx, DealFilter{Watch: w.Name, Limit: 1000, MinScore: -1})
	if err != nil || len(deals) != len(want) {
		t.Fatalf("Deals: %d, %v; want %d", len(deals), err, len(want))
	}
	for _, d := range deals {
		if !sameScore(d.Score, want[d.Listing.SourceID]) {
			t.Fatalf("deal %s reads back as\n%+v\nwant\n%+v", d.Listing.SourceID, d.Score, want[d.Listing.SourceID])
		}
	}
	var factors, sets, profits int
	if err := s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM deal_factors), (SELECT count(*) FROM score_weights),
		(SELECT count(*) FROM deals WHERE json_extract(components, '$.p') IS NOT NULL)`).Scan(&factors, &sets, &profits); err != nil {
		t.Fatal(err)
	}
	if factors != len(want) || sets < 2 || profits == 0 {
		t.Errorf("%d factor rows, %d weight sets, %d profits where the deal list sorts by them; want %d, several, some",
			factors, sets, profits, len(want))
	}

	// A poll that finds a deal's factors changed, though not its total,
	// stores them: here the condition's reason (a change of wording).
	it := &batch.Items[3]
	parts := append([]scout.Part(nil), it.Factors.Parts()...)
	for i := range parts {
		if parts[i].Name == scout.CompCondition {
			parts[i].Reason = "condition: as the seller says"
		}
	}
	var profit *int64
	if it.Factors.HasProfit {
		profit = &it.Factors.Profit
	}
	f, err := scout.NewFactors(it.Factors.Mode, it.Factors.Market, parts, it.Factors.Risk, profit)
	if err != nil {
		t.Fatal(err)
	}
	it.Factors = &f
	if _, err := s.ApplyFetch(ctx, batch); err != nil {
		t.Fatal(err)
	}
	d, err := s.DealForListing(ctx, dealListingID(t, s, it.Listing.SourceID), w.Name)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Score.Components[scout.CompCondition].Reason; got != "condition: as the seller says" || d.Score.Total != it.Score.Total {
		t.Errorf("after a poll with new factors: condition %q, total %v; want the new reason and the same total %v", got, d.Score.Total, it.Score.Total)
	}
}

func dealListingID(t *testing.T, s *Store, sourceID string) int64 {
	t.Helper()
	var id int64
	if err := s.db.QueryRow(`SELECT id FROM listings WHERE source_id = ?`, sourceID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestMigrateDownKeepsFactorScores: migrating below version 11 turns every
// deal stored as factors back into components an older dealscout reads, with
// the same score and explanation; migrating up again reads them as they are.
func TestMigrateDownKeepsFactorScores(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newTestStore(t)
	w, _, want := storeFactorDeals(t, s, 300)
	if _, err := s.MigrateDown(ctx, 10); err != nil {
		t.Fatal(err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT l.source_id, d.score, d.components FROM deals d JOIN listings l ON l.id = d.listing_id`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var id string
		var total float64
		var comps []byte
		if err := rows.Scan(&id, &total, &comps); err != nil {
			t.Fatal(err)
		}
		got, err := decodeScore(comps, total)
		if err != nil || !sameScore(got, want[id]) {
			t.Fatalf("deal %s after migrating down: %v\n%+v\nwant\n%+v", id, err, got, want[id])
		}
		n++
	}
	if err := rows.Close(); err != nil || n != len(want) {
		t.Fatalf("%d deals after migrating down (%v), want %d", n, err, len(want))
	}
	var left int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name IN ('deal_factors', 'score_weights')
		OR sql LIKE '%weights_id%'`).Scan(&left); err != nil || left != 0 {
		t.Errorf("after migrating down, %d schema objects of version 11 remain (%v)", left, err)
	}
	if _, err := s.Migrate(ctx, 0); err != nil {
		t.Fatal(err)
	}
	deals, err := s.Deals(ctx, DealFilter{Watch: w.Name, Limit: 1000, MinScore: -1})
	if err != nil || len(deals) != len(want) {
		t.Fatalf("Deals after migrating up again: %d, %v", len(deals), err)
	}
	for _, d := range deals {
		if !sameScore(d.Score, want[d.Listing.SourceID]) {
			t.Fatalf("deal %s after migrating up again:\n%+v\nwant\n%+v", d.Listing.SourceID, d.Score, want[d.Listing.SourceID])
		}
	}
}

// TestUpdateScoresRefusesScoresWithoutTheirWeights: a total without
// components must name the weight set it applies, and factors go with a
// weight set; anything else would store a score that reads back wrong.
func TestUpdateScoresRefusesScoresWithoutTheirWeights(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newTestStore(t)
	w, _, _ := storeFactorDeals(t, s, 3)
	var id int64
	var before string
	if err := s.db.QueryRow(`SELECT id, score || components || weights_id FROM deals LIMIT 1`).Scan(&id, &before); err != nil {
		t.Fatal(err)
	}
	for _, u := range []ScoreUpdate{{DealID: id, Total: 1}, {DealID: id, Total: 1, Components: "{}", Factors: `{"x":[0,[],[0,0,"",0,"",60]]}`},
		{DealID: id, Total: 1, Components: `{"k":[]}`, WeightsID: 1}} {
		ch := make(chan []ScoreUpdate, 1)
		ch <- []ScoreUpdate{u}
		close(ch)
		if _, err := s.UpdateScores(ctx, w.ID, ch); err == nil {
			t.Errorf("UpdateScores(%+v) took it", u)
		}
	}
	var after string
	if err := s.db.QueryRow(`SELECT score || components || weights_id FROM deals WHERE id = ?`, id).Scan(&after); err != nil || after != before {
		t.Errorf("a refused update changed the deal: %q → %q (%v)", before, after, err)
	}
}

// TestUpdateScoresRewritesChangedFactors: a re-score that changes only a
// deal's factors (a reason's words, with the same total) stores them and
// dates the deal's score; one that changes nothing leaves the deal as it is.
func TestUpdateScoresRewritesChangedFactors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := testNow
	s, err := Open(ctx, filepath.Join(t.TempDir(), "test.db"), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if _, err := s.Migrate(ctx, 0); err != nil {
		t.Fatal(err)
	}
	w, _, _ := storeFactorDeals(t, s, 1)
	var u ScoreUpdate
	var updated sql.NullString
	if err := s.db.QueryRow(`SELECT d.id, d.score, d.components, df.factors, d.weights_id, d.updated_at FROM deals d
		JOIN deal_factors df ON df.deal_id = d.id`).Scan(&u.DealID, &u.Total, &u.Components, &u.Factors, &u.WeightsID, &updated); err != nil {
		t.Fatal(err)
	}
	write := func(u ScoreUpdate) int {
		t.Helper()
		ch := make(chan []ScoreUpdate, 1)
		ch <- []ScoreUpdate{u}
		close(ch)
		n, err := s.UpdateScores(ctx, w.ID, ch)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	now = now.Add(time.Hour)
	if n := write(u); n != 0 {
		t.Errorf("writing the stored score again rewrote %d deals, want 0", n)
	}
	f, err := decodeFactors([]byte(u.Factors), false)
	if err != nil {
		t.Fatal(err)
	}
	parts := append([]scout.Part(nil), f.Parts()...)
	parts[len(parts)-1].Reason = "reworded"
	var profit *int64
	if f.HasProfit {
		profit = &f.Profit
	}
	g, err := scout.NewFactors(f.Mode, f.Market, parts, f.Risk, profit)
	if err != nil {
		t.Fatal(err)
	}
	b, err := AppendFactors(nil, &g)
	if err != nil {
		t.Fatal(err)
	}
	changed := string(b)
	if changed == u.Factors {
		t.Fatal("the reworded factors encode as the old ones")
	}
	u.Factors = changed
	if n := write(u); n != 1 {
		t.Errorf("new factors, same total: rewrote %d deals, want 1", n)
	}
	var stored string
	var after sql.NullString
	if err := s.db.QueryRow(`SELECT df.factors, d.updated_at FROM deals d JOIN deal_factors df ON df.deal_id = d.id`).Scan(&stored, &after); err != nil {
		t.Fatal(err)
	}
	if stored != changed || after == updated {
		t.Errorf("after new factors: stored %s, updated_at %v (was %v); want the new factors, dated now", stored, after.String, updated.String)
	}
}
