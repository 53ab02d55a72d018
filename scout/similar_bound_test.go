package scout

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

// bruteCosine is the TF-IDF cosine of two token sets, computed the slow,
// obvious way, with the index's IDF.
func bruteCosine(ix *similarIndex, q, d []string) float64 {
	w := func(s string) float64 {
		if id, ok := ix.ids[s]; ok {
			return ix.idf[id]
		}
		return ix.maxIDF
	}
	var dot, nq, nd float64
	for _, s := range q {
		nq += w(s) * w(s)
		if slices.Contains(d, s) {
			dot += w(s) * w(s)
		}
	}
	for _, s := range d {
		nd += w(s) * w(s)
	}
	if nq == 0 || nd == 0 {
		return 0
	}
	return dot / math.Sqrt(nq*nd)
}

// Under MaxPostingsPerWord comps per word, nearest is exact: it returns
// every comp at or above the floor, with its cosine, and no other.
func TestNearestIsExactUnderTheBound(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	vocab := []string{"oak", "pine", "table", "desk", "chair", "round", "ikea", "kallax", "4x4", "vintage", "56cm"}
	// Every comp says "dining" and its own number, as the titles of a busy
	// watch do: "dining" is then a common word (see nearest), only added
	// to comps a rarer word found.
	var docs [][]string
	for i := range 300 {
		d := []string{"dining", fmt.Sprint(i)}
		for range 1 + rng.IntN(4) {
			d = append(d, vocab[rng.IntN(len(vocab))])
		}
		slices.Sort(d)
		docs = append(docs, slices.Compact(d))
	}
	docs[7] = nil // a comp not to be found
	ix := newSimilarIndex(docs, nil)
	for qi := range 40 {
		q := []string{vocab[rng.IntN(len(vocab))], "dining", fmt.Sprint(rng.IntN(300)), vocab[rng.IntN(len(vocab))], "unseen"}[:1+qi%5]
		slices.Sort(q)
		q = slices.Compact(q)
		got := map[int32]float64{}
		for _, n := range ix.nearest(q, SimilarityFloor, func(int32) bool { return true }) {
			got[n.pos] = n.sim
		}
		for i, d := range docs {
			want := bruteCosine(ix, q, d)
			sim, found := got[int32(i)]
			switch {
			case d == nil && found:
				t.Fatalf("query %v: found comp %d, which is not indexed", q, i)
			case d != nil && want >= SimilarityFloor-1e-9 && !found:
				t.Fatalf("query %v: missed comp %d %v (cosine %.4f)", q, i, d, want)
			case found && math.Abs(sim-math.Min(want, 1)) > 1e-9:
				t.Fatalf("query %v: comp %d %v has similarity %.6f, want %.6f", q, i, d, sim, want)
			case found && want < SimilarityFloor-1e-9:
				t.Fatalf("query %v: comp %d %v under the floor (%.4f) was returned", q, i, d, want)
			}
		}
	}
}

// A word more than MaxPostingsPerWord comps share finds its newest
// MaxPostingsPerWord comps, whatever order the comps came in.
func TestNearestWalksTheNewestPostingsOfACommonWord(t *testing.T) {
	t.Parallel()
	const n = MaxPostingsPerWord + 250
	comps := make([]Comp, n)
	for i := range comps {
		comps[i] = compAt(fmt.Sprintf("k%04d", i), fmt.Sprintf("Oak table %d", i), 20000, CondGood)
		comps[i].SeenAt = scoreNow.Add(-time.Duration(i) * time.Minute) // k0000 is the newest
		comps[i].PostedAt = comps[i].SeenAt
	}
	found := func(comps []Comp) []string {
		mc := NewMarketCache(comps, CompsOptions{}, scoreNow)
		var keys []string
		for _, nb := range mc.ix.nearest([]string{"oak", "table"}, SimilarityFloor, func(int32) bool { return true }) {
			keys = append(keys, mc.comps[nb.pos].Key)
		}
		slices.Sort(keys)
		return keys
	}
	var want []string
	for i := range MaxPostingsPerWord {
		want = append(want, fmt.Sprintf("k%04d", i))
	}
	if got := found(comps); !reflect.DeepEqual(got, want) {
		t.Fatalf("found %d comps (%v…), want the %d newest", len(got), got[:min(len(got), 3)], MaxPostingsPerWord)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	shuffled := slices.Clone(comps)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	if got := found(shuffled); !reflect.DeepEqual(got, want) {
		t.Fatalf("shuffled comps: found %d comps (%v…), want the %d newest", len(got), got[:min(len(got), 3)], MaxPostingsPerWord)
	}
}

// A search reuses the index's scratch space: one search leaves nothing
// behind that changes the next.
func TestNearestRepeatsItself(t *testing.T) {
	t.Parallel()
	docs := [][]string{{"oak", "table"}, {"oak", "desk"}, {"pine", "table"}, {"chair", "oak"}}
	ix := newSimilarIndex(docs, nil)
	all := func(int32) bool { return true }
	first := ix.nearest([]string{"oak", "table"}, SimilarityFloor, all)
	ix.nearest([]string{"desk", "pine"}, SimilarityFloor, all)
	ix.epoch = math.MaxUint32 // the next search wraps the marks
	if again := ix.nearest([]string{"oak", "table"}, SimilarityFloor, all); !reflect.DeepEqual(again, first) {
		t.Fatalf("second search %v, first %v", again, first)
	}
}

// Among comps equally similar, the newest make the market.
func TestMarketCachePrefersNewerCompsOnTies(t *testing.T) {
	t.Parallel()
	var comps []Comp
	for i := range 2 * NeighborsK {
		c := compAt(fmt.Sprintf("k%02d", i), "Oak dining table", 10000, CondGood)
		if i < NeighborsK {
			c.PriceCents = 30000 // the newest NeighborsK
		}
		c.SeenAt = scoreNow.Add(-time.Duration(i+1) * time.Hour)
		c.PostedAt = c.SeenAt
		comps = append(comps, c)
	}
	l := Listing{Source: "q", SourceID: "1", Title: "Oak dining table", Condition: CondGood, Currency: "USD"}
	if m := NewMarketCache(comps, CompsOptions{}, scoreNow).For(l); m.MedianCents != 30000 {
		t.Fatalf("market %d¢ from %d comps, want 30000¢: the %d newest of equally similar comps", m.MedianCents, m.Similar, NeighborsK)
	}
}
