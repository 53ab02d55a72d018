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

// similarIndex is an inverted index of comps' title words with their IDF
// weights, built once per set of comps.
type similarIndex struct {
	idf      map[string]float64
	postings map[string][]int32 // comp positions by word
	norms    []float64          // each comp's vector length
	maxIDF   float64            // the weight of a word no comp has
	minNorm  float64            // the shortest comp vector
	// scratch and touched are nearest's accumulator, kept between calls;
	// an index is used by one goroutine at a time, as MarketCache is.
	scratch []float64
	touched []int32
}

// newSimilarIndex indexes docs (one token list per comp; nil for a comp
// that is not to be found).
func newSimilarIndex(docs [][]string) *similarIndex {
	ix := &similarIndex{idf: map[string]float64{}, postings: map[string][]int32{}, norms: make([]float64, len(docs))}
	n := 0
	for i, d := range docs {
		if d == nil {
			continue
		}
		n++
		for _, w := range d {
			ix.postings[w] = append(ix.postings[w], int32(i))
		}
	}
	// Smoothed IDF, as scikit-learn's: a word every comp has still counts a
	// little, so titles of a one-product watch stay similar to each other.
	for w, p := range ix.postings {
		ix.idf[w] = math.Log(float64(1+n)/float64(1+len(p))) + 1
	}
	ix.maxIDF = math.Log(float64(1+n)) + 1
	for i, d := range docs {
		s := 0.0
		for _, w := range d {
			s += ix.idf[w] * ix.idf[w]
		}
		ix.norms[i] = math.Sqrt(s)
		if ix.norms[i] > 0 && (ix.minNorm == 0 || ix.norms[i] < ix.minNorm) {
			ix.minNorm = ix.norms[i]
		}
	}
	return ix
}

// commonWords are the target's most common words whose squared weights add
// up to less than budget, most common first.
func (ix *similarIndex) commonWords(words []string, budget float64) []string {
	var common []string
	sum := 0.0
	for {
		best, bestV := "", math.Inf(1)
		for _, w := range words {
			v, ok := ix.idf[w]
			if ok && v < bestV && !slices.Contains(common, w) {
				best, bestV = w, v
			}
		}
		if best == "" || sum+bestV*bestV >= budget {
			return common
		}
		sum += bestV * bestV
		common = append(common, best)
	}
}

// neighbor is one comp and its similarity to the target.
type neighbor struct {
	pos int32
	sim float64
}

// nearest returns every comp accepted by keep with a cosine similarity of at
// least floor to the target's words, in no particular order (see topK).
func (ix *similarIndex) nearest(words []string, floor float64, keep func(int32) bool) []neighbor {
	var norm float64
	for _, w := range words {
		v, ok := ix.idf[w]
		if !ok {
			v = ix.maxIDF
		}
		norm += v * v
	}
	if norm == 0 {
		return nil
	}
	norm = math.Sqrt(norm)
	// Words so common that comps sharing only them cannot reach the floor
	// are not walked: a comp with d's words S among them has cosine at most
	// Σ_S idf² / (|q| · |d|) ≤ Σ_common idf² / (|q| · the shortest comp), so
	// only comps that share a rarer word can be neighbours, and the common
	// words are added to those alone. Exact, and it spares a 20,000-listing
	// poll of one product from meeting every comp through "iphone".
	common := ix.commonWords(words, floor*norm*ix.minNorm)
	// A dense accumulator, cleared through the list of comps it touched:
	// a map here was a third of a 100,000-deal re-score.
	if len(ix.scratch) != len(ix.norms) {
		ix.scratch = make([]float64, len(ix.norms))
	}
	acc := ix.scratch
	touched := ix.touched[:0]
	for _, w := range words {
		if slices.Contains(common, w) {
			continue
		}
		v := ix.idf[w]
		for _, p := range ix.postings[w] {
			if acc[p] == 0 {
				touched = append(touched, p)
			}
			acc[p] += v * v
		}
	}
	// The common words count only for comps a rarer word already found.
	for _, w := range common {
		v := ix.idf[w]
		for _, p := range ix.postings[w] {
			if acc[p] != 0 {
				acc[p] += v * v
			}
		}
	}
	out := make([]neighbor, 0, min(len(touched), 64))
	for _, p := range touched {
		dot := acc[p]
		acc[p] = 0
		if ix.norms[p] == 0 {
			continue
		}
		sim := dot / (norm * ix.norms[p])
		if sim >= floor-1e-12 && keep(p) {
			out = append(out, neighbor{p, math.Min(sim, 1)})
		}
	}
	ix.touched = touched
	return out
}

// topK keeps the k best of the neighbours it is offered, best first: most
// similar, then as better says (recency, then key: never the comps' order),
// then position. Offering each of n neighbours costs O(k) at worst and one
// comparison once the list is full of better ones, where sorting all of a
// 20,000-listing poll's neighbours took a quarter of its time.
type topK struct {
	k      int
	better func(a, b int32) int
	list   []neighbor
}

func (t *topK) before(a, b neighbor) bool {
	if a.sim != b.sim {
		return a.sim > b.sim
	}
	if c := t.better(a.pos, b.pos); c != 0 {
		return c < 0
	}
	return a.pos < b.pos
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
