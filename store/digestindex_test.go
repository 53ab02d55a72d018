package store

import (
	"strings"
	"testing"
)

// The digest count and the digest's deals read the waiting deals through
// the partial index (migration 00010), not every deal of the watch.
func TestPendingDigestQueriesUseTheirIndex(t *testing.T) {
	t.Parallel()
	s := newTestStore(t)
	watchID, _ := seedDeals(t, s, "tables", 10, testNow)
	for _, q := range []string{
		`SELECT count(*) FROM deals WHERE watch_id = ? AND digest_pending = 1`,
		dealSelect + ` WHERE d.watch_id = ? AND d.digest_pending = 1 ORDER BY d.score DESC, d.id LIMIT 5`,
	} {
		if plan := fullQueryPlan(t, s, q, watchID); !strings.Contains(plan, "deals_digest_pending") {
			t.Errorf("plan of %q is %q: want the deals_digest_pending index", q[:40], plan)
		}
	}
}
