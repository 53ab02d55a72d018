package scout

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Similar-listing search: a listing's comps are the listings whose titles
// are most like its own, by TF-IDF cosine similarity over normalised title
// words. Model numbers and sizes are kept whole ("WH-1000XM4" and "WH1000XM4"
// are one word, "56 cm" and "56cm" too); words that describe the sale rather
// than the item ("like new", "obo", "#0040") are dropped.
//
// The evaluation (ranking_test.go) chose these over a token-set (Jaccard)
// measure: IDF lets a rare model number outweigh the brand word that every
// listing of a watch shares, which is what separates a ukulele from an
// electric guitar in a "guitar" watch.
const (
	// NeighborsK is how many of the most similar listings make a market.
	NeighborsK = 20
	// SimilarityFloor is the least cosine similarity of a comp.
	SimilarityFloor = 0.1
)

// sizeUnits map a unit written after a number onto one spelling, so that
// "56 cm", "56cm" and "56-cm" are one word.
var sizeUnits = map[string]string{
	"cm": "cm", "mm": "mm", "m": "m", "in": "in", "inch": "in", "inches": "in", "ft": "ft", "gb": "gb", "tb": "tb",
	"mb": "mb", "kg": "kg", "lb": "lb", "lbs": "lb", "g": "g", "oz": "oz", "qt": "qt", "quart": "qt", "quarts": "qt",
	"l": "l", "ml": "ml", "mah": "mah", "w": "w", "v": "v", "hz": "hz", "mp": "mp", "cc": "cc", "seater": "seater",
	"seat": "seater", "piece": "pc", "pc": "pc", "k": "k",
}

// saleWords say something about the sale or the condition, not the item.
var saleWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "with": true, "w": true, "for": true, "of": true,
	"in": true, "on": true, "to": true, "from": true, "by": true, "at": true, "is": true, "it": true,
	"new": true, "used": true, "like": true, "good": true, "great": true, "excellent": true, "fair": true,
	"poor": true, "condition": true, "mint": true, "brand": true, "sale": true, "obo": true, "firm": true,
	"must": true, "go": true, "only": true, "pick": true, "up": true, "pickup": true, "cash": true, "free": true,
	"shipping": true, "price": true, "nice": true, "works": true, "working": true, "perfect": true, "barely": true,
	"lightly": true, "gently": true, "available": true, "selling": true, "sell": true, "cheap": true, "deal": true,
	"great deal": true, "moving": true, "asap": true, "today": true, "local": true, "like_new": true,
}

// similarityTokens splits a title into the words similarity compares:
// lower-case, diacritics folded, model numbers and sizes whole, sale words
// and listing numbers ("#0040") dropped, each word once, sorted.
func similarityTokens(title string) []string {
	type word struct {
		text      string
		sep       byte // the character before the word: '-', '/', ' ', '#', or 0 at the start
		hasDigit  bool
		hasLetter bool
	}
	var words []word
	var cur strings.Builder
	var sep, pendingSep byte
	digit, letter := false, false
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, word{cur.String(), sep, digit, letter})
			cur.Reset()
		}
		digit, letter = false, false
	}
	for _, r := range title {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if cur.Len() == 0 {
				sep, pendingSep = pendingSep, ' '
			}
			if r < utf8.RuneSelf {
				cur.WriteRune(unicode.ToLower(r))
			} else if f, ok := foldDiacritic(r); ok {
				cur.WriteString(f)
			} else {
				cur.WriteRune(unicode.ToLower(r))
			}
			if unicode.IsDigit(r) {
				digit = true
			} else {
				letter = true
			}
		case r == '\'' || r == '’':
			// "doesn't", "men's": keep the word together.
		default:
			flush()
			switch r {
			case '-', '/', '#', '.':
				pendingSep = byte(r)
			default:
				if pendingSep != '#' || r != ' ' {
					pendingSep = ' '
				}
			}
		}
	}
	flush()
	var out []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if w.sep == '#' && w.hasDigit && !w.hasLetter {
			continue // a listing number, not the item's
		}
		text := w.text
		// Join a model number written in parts: "WH-1000XM4", "FG-800", "KA 15S"
		// when a hyphen, slash or dot joins a part with a digit.
		for i+1 < len(words) && (words[i+1].sep == '-' || words[i+1].sep == '.' || words[i+1].sep == '/') &&
			(w.hasDigit || words[i+1].hasDigit) && !(words[i+1].sep == '/' && !w.hasDigit) {
			text += words[i+1].text
			w.hasDigit = w.hasDigit || words[i+1].hasDigit
			i++
		}
		// A size: a number followed by its unit.
		if isNumber(text) && i+1 < len(words) {
			if u, ok := sizeUnits[words[i+1].text]; ok {
				text += u
				i++
			}
		} else if u, n, ok := splitSize(text); ok {
			text = n + u
		}
		if saleWords[text] {
			continue
		}
		out = append(out, text)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func isNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// splitSize reads "56cm" or "5quart" as a number and a unit spelled one way.
func splitSize(s string) (unit, num string, ok bool) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i == len(s) {
		return "", "", false
	}
	u, ok := sizeUnits[s[i:]]
	return u, s[:i], ok
}

// MaxPostingsPerWord bounds how many comps a search meets through one title
// word: each word's comps are kept newest first (then by key, then position:
// never the order the comps came in) and a search walks at most this many
// of them. It is an approximation, taken because a poll of 20,000 distinct
// titles sharing common words met ~10,000 comps per title (0.7 ms of CPU
// each): a comp sharing only words that more than this many comps have,
// and older than the newest of them, is not found. The comps that are found
// get their exact cosine. A word this common says little on its own, the
// title's rarer words (model numbers, sizes) are walked in full, and the
// newest comps are the ones a market should lean on anyway. 256 (over 12
// times NeighborsK) rather than 400: at 400 the 20,000-title poll still took
// ~0.09 ms of CPU per title, at 256 ~0.06 ms. The ranking evaluation
// (ranking_test.go) and the golden scores are unchanged by it, at 200 too.
const MaxPostingsPerWord = 256

// similarIndex is an inverted index of comps' title words with their IDF
// weights, built once per set of comps. Inside, comps are numbered by their
// rank in the order given (newest first), so that a search's postings, word
// lists and marks are read front to back rather than all over memory.
type similarIndex struct {
	ids      map[string]int32 // word → its id
	idf      []float64        // by word id
	postings [][]int32        // comp ranks by word id, ascending: newest first
	words    []int32          // every comp's word ids, by rank, each comp's in its sorted word order
	start    []int32          // comp of rank r has words[start[r]:start[r+1]]
	norms    []float64        // by rank: each comp's vector length
	pos      []int32          // by rank: the comp's position
	rank     []int32          // by position: the comp's rank; ties go to the lower
	maxIDF   float64          // the weight of a word no comp has
	minNorm  float64          // the shortest comp vector
	// scratch is nearest's working space for callers on one goroutine;
	// concurrent callers bring their own (nearestWith).
	scratch
}

// scratch is a search's working space, kept between searches so that a
// search does not allocate. One search at a time may use it.
type scratch struct {
	seen  []uint32
	epoch uint32
	cands []int32
	query []queryWord
	qw    []float64
	out   []neighbor
}

// newScratch is working space for searches of ix.
func (ix *similarIndex) newScratch() *scratch {
	return &scratch{seen: make([]uint32, len(ix.norms))}
}

// queryWord is one of the target's words and its weight.
type queryWord struct {
	id     int32 // -1 when no comp has the word
	w2     float64
	common bool
}

// newSimilarIndex indexes docs (one token list per comp; nil for a comp
// that is not to be found). order lists the comp positions in the order
// their postings are kept, newest first (nil: position order); it must name
// every position once.
func newSimilarIndex(docs [][]string, order []int32) *similarIndex {
	ix := &similarIndex{ids: map[string]int32{}, norms: make([]float64, len(docs)), start: make([]int32, len(docs)+1),
		scratch: scratch{seen: make([]uint32, len(docs))}, rank: make([]int32, len(docs)), pos: make([]int32, len(docs))}
	if order == nil {
		order = make([]int32, len(docs))
		for i := range order {
			order[i] = int32(i)
		}
	}
	n := 0
	for r, i := range order {
		ix.rank[i], ix.pos[r] = int32(r), i
		ix.start[r] = int32(len(ix.words)) // #nosec G115 -- a poll holds far fewer than 2^31 title words (body and record limits bound it)
		d := docs[i]
		if d == nil {
			continue
		}
		n++
		for _, w := range d {
			id, ok := ix.ids[w]
			if !ok {
				id = int32(len(ix.postings)) // #nosec G115 -- a poll holds far fewer than 2^31 distinct words (body and record limits bound it)
				ix.ids[w] = id
				ix.postings = append(ix.postings, nil)
			}
			ix.postings[id] = append(ix.postings[id], int32(r))
			ix.words = append(ix.words, id)
		}
	}
	ix.start[len(order)] = int32(len(ix.words)) // #nosec G115 -- a poll holds far fewer than 2^31 title words (body and record limits bound it)
	// Smoothed IDF, as scikit-learn's: a word every comp has still counts a
	// little, so titles of a one-product watch stay similar to each other.
	ix.idf = make([]float64, len(ix.postings))
	for id, p := range ix.postings {
		ix.idf[id] = math.Log(float64(1+n)/float64(1+len(p))) + 1
	}
	ix.maxIDF = math.Log(float64(1+n)) + 1
	for r := range order {
		s := 0.0
		for _, id := range ix.words[ix.start[r]:ix.start[r+1]] {
			s += ix.idf[id] * ix.idf[id]
		}
		ix.norms[r] = math.Sqrt(s)
		if ix.norms[r] > 0 && (ix.minNorm == 0 || ix.norms[r] < ix.minNorm) {
			ix.minNorm = ix.norms[r]
		}
	}
	return ix
}

// markCommon marks the target's most common words whose squared weights add
// up to less than budget, most common first.
func markCommon(q []queryWord, budget float64) {
	sum := 0.0
	for {
		best := -1
		for i, w := range q {
			if w.id >= 0 && !w.common && (best < 0 || w.w2 < q[best].w2) {
				best = i
			}
		}
		if best < 0 || sum+q[best].w2 >= budget {
			return
		}
		sum += q[best].w2
		q[best].common = true
	}
}

// neighbor is one comp and its similarity to the target.
type neighbor struct {
	pos int32
	sim float64
}

// nearest returns the comps accepted by keep with a cosine similarity of at
// least floor to the target's words, among those met through the newest
// MaxPostingsPerWord comps of each word, in no particular order (see topK).
// The slice is the index's own, good until the next search.
func (ix *similarIndex) nearest(words []string, floor float64, keep func(int32) bool) []neighbor {
	return ix.nearestWith(&ix.scratch, words, floor, keep)
}

// nearestWith is nearest with the working space sc, which the result
// belongs to until sc's next search.
func (ix *similarIndex) nearestWith(sc *scratch, words []string, floor float64, keep func(int32) bool) []neighbor {
	q := sc.query[:0]
	var norm float64
	for _, w := range words {
		id, ok := ix.ids[w]
		v := ix.maxIDF
		if ok {
			v = ix.idf[id]
		} else {
			id = -1
		}
		norm += v * v
		q = append(q, queryWord{id: id, w2: v * v})
	}
	sc.query = q
	if norm == 0 {
		return nil
	}
	norm = math.Sqrt(norm)
	// Words so common that comps sharing only them cannot reach the floor
	// do not find comps: a comp with d's words S among them has cosine at
	// most Σ_S idf² / (|q| · |d|) ≤ Σ_common idf² / (|q| · the shortest
	// comp), so only comps that share a rarer word can be neighbours. Exact,
	// and it spares a 20,000-listing poll of one product from meeting every
	// comp through "iphone".
	markCommon(q, floor*norm*ix.minNorm)
	sc.epoch++
	if sc.epoch == 0 { // wrapped: forget every mark
		clear(sc.seen)
		sc.epoch = 1
	}
	// qw is the target's squared weights by word id, negated for the
	// common words; cleared before returning.
	if len(sc.qw) != len(ix.idf) {
		sc.qw = make([]float64, len(ix.idf))
	}
	qw := sc.qw
	for _, w := range q {
		if w.id >= 0 {
			qw[w.id] = w.w2
			if w.common {
				qw[w.id] = -w.w2
			}
		}
	}
	defer func() {
		for _, w := range q {
			if w.id >= 0 {
				qw[w.id] = 0
			}
		}
	}()
	cands := sc.cands[:0]
	for _, w := range q {
		if w.id < 0 || w.common {
			continue
		}
		ps := ix.postings[w.id]
		for _, r := range ps[:min(len(ps), MaxPostingsPerWord)] {
			if sc.seen[r] != sc.epoch {
				sc.seen[r] = sc.epoch
				cands = append(cands, r)
			}
		}
	}
	sc.cands = cands
	out := sc.out[:0]
	for _, r := range cands {
		p := ix.pos[r]
		if ix.norms[r] == 0 || !keep(p) {
			continue
		}
		// The exact dot product, summed rarer words first and then the
		// common ones, each in word order (a comp's words are sorted, as
		// the target's are).
		doc := ix.words[ix.start[r]:ix.start[r+1]]
		dot := 0.0
		for _, id := range doc {
			if w := qw[id]; w > 0 {
				dot += w
			}
		}
		for _, id := range doc {
			if w := qw[id]; w < 0 {
				dot -= w
			}
		}
		sim := dot / (norm * ix.norms[r])
		if sim >= floor-1e-12 {
			out = append(out, neighbor{p, math.Min(sim, 1)})
		}
	}
	sc.out = out
	return out
}

// topK keeps the k best of the neighbours it is offered, best first: most
// similar, then lower rank (the index's order: newer, then key, then
// position — never the order the comps came in). Offering each of n
// neighbours costs O(k) at worst and one comparison once the list is full
// of better ones, where sorting all of a 20,000-listing poll's neighbours
// took a quarter of its time.
type topK struct {
	k    int
	rank []int32
	list []neighbor
}

func (t *topK) before(a, b neighbor) bool {
	if a.sim != b.sim {
		return a.sim > b.sim
	}
	return t.rank[a.pos] < t.rank[b.pos]
}

func (t *topK) offer(n neighbor) {
	if len(t.list) == t.k && !t.before(n, t.list[t.k-1]) {
		return
	}
	i := len(t.list)
	if i < t.k {
		t.list = append(t.list, n)
	} else {
		i = t.k - 1
	}
	for i > 0 && t.before(n, t.list[i-1]) {
		t.list[i] = t.list[i-1]
		i--
	}
	t.list[i] = n
}
