package scout

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dealscout/dealscout/scout/geo"
)

// Terms is a watch's query parsed for matching. Build it with ParseQuery; the
// exported lists are what sources are given (Query.Include, Query.Exclude).
//
// Matching works on whole words: text is lower-cased, common Latin diacritics
// are folded ("café" = "cafe"), and split at anything that is not a letter or
// digit. So "tv" does not match "tvs stand" and "iso" does not match
// "isometric". Words of four letters or more also match their plural
// ("couch" matches "couches", "chairs" matches "chair"); shorter words are
// usually model names or acronyms ("ps4", "tv") where an added "s" means
// something else. Quoted phrases must appear as consecutive words.
// "OR" and other operators are not supported: every word is required.
type Terms struct {
	Include []string // required words and phrases, lower-case, as typed
	Exclude []string // words and phrases that must not appear

	include [][]string // stemmed words of each Include entry, same order
	exclude [][]string
}

// ParseQuery splits query text into required words, "quoted phrases" and
// -excluded words (or -"excluded phrases"), then adds the watch's own exclude
// words. A word that is several words once punctuation is removed ("i7-8700")
// is treated as a phrase. Duplicates are dropped.
func ParseQuery(q string, exclude []string) Terms {
	var t Terms
	for _, p := range splitQuery(q) {
		t.add(p.text, p.negated)
	}
	for _, x := range exclude {
		t.add(strings.TrimPrefix(strings.TrimSpace(x), "-"), true)
	}
	return t
}

// QueryProblem says why a watch's query cannot match what the user meant, or
// "" when it can: an unclosed quote, no word to search for (only -excluded
// ones would match nearly everything), or a word both searched for and
// excluded (nothing could match).
func QueryProblem(q string, exclude []string) string {
	if strings.Count(q, `"`)%2 == 1 {
		return `has an unterminated quote ("); close the phrase, e.g. "oak table"`
	}
	t := ParseQuery(q, exclude)
	if len(t.Include) == 0 {
		return fmt.Sprintf("has only excluded words (%s); add a word to search for", strings.Join(t.Exclude, ", "))
	}
	for i, in := range t.include {
		for j, ex := range t.exclude {
			if containsSeq(in, ex) {
				return fmt.Sprintf("%q is both searched for and excluded (%q), so nothing could match", t.Include[i], t.Exclude[j])
			}
		}
	}
	return ""
}

func (t *Terms) add(text string, negated bool) {
	words := stemAll(tokens(text))
	if len(words) == 0 {
		return
	}
	display := strings.Join(tokens(text), " ")
	list, seqs := &t.Include, &t.include
	if negated {
		list, seqs = &t.Exclude, &t.exclude
	}
	if slices.Contains(*list, display) {
		return
	}
	*list = append(*list, display)
	*seqs = append(*seqs, words)
}

type queryPart struct {
	text    string
	negated bool
}

// splitQuery cuts query text at spaces outside quotes. An unclosed quote runs
// to the end of the text, which is what a user who forgot it meant.
func splitQuery(q string) []queryPart {
	var parts []queryPart
	for i := 0; i < len(q); {
		if isQuerySpace(q[i]) {
			i++
			continue
		}
		negated := q[i] == '-'
		if q[i] == '-' || q[i] == '+' {
			i++
		}
		if i < len(q) && q[i] == '"' {
			end := strings.IndexByte(q[i+1:], '"')
			if end < 0 {
				end = len(q) - i - 1
			}
			parts = append(parts, queryPart{q[i+1 : i+1+end], negated})
			i += end + 2
			continue
		}
		end := i
		for end < len(q) && !isQuerySpace(q[end]) {
			end++
		}
		parts = append(parts, queryPart{q[i:end], negated})
		i = end
	}
	return parts
}

func isQuerySpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// compiled returns the stemmed word lists, rebuilding them when t was not made
// by ParseQuery (a literal, or decoded from JSON).
func (t Terms) compiled() (include, exclude [][]string) {
	if len(t.include) == len(t.Include) && len(t.exclude) == len(t.Exclude) {
		return t.include, t.exclude
	}
	return compileAll(t.Include), compileAll(t.Exclude)
}

func compileAll(list []string) [][]string {
	out := make([][]string, 0, len(list))
	for _, s := range list {
		if w := stemAll(tokens(s)); len(w) > 0 {
			out = append(out, w)
		}
	}
	return out
}

// Match reports whether every required word and phrase appears in the
// listing's title or description and no excluded one does.
func (t Terms) Match(l Listing) bool {
	ok, _ := t.check(l)
	return ok
}

// check is Match with the reason a listing failed, for FilterListing.
func (t Terms) check(l Listing) (bool, string) {
	include, exclude := t.compiled()
	if len(include) == 0 && len(exclude) == 0 {
		return true, ""
	}
	// The empty word keeps a phrase from spanning the title/description seam.
	text := append(stemAll(tokens(l.Title)), "")
	text = append(text, stemAll(tokens(l.Description))...)
	for i, seq := range exclude {
		if containsSeq(text, seq) {
			return false, fmt.Sprintf("mentions excluded %q", displayAt(t.Exclude, i, seq))
		}
	}
	for i, seq := range include {
		if !containsSeq(text, seq) {
			return false, fmt.Sprintf("title and description lack %q", displayAt(t.Include, i, seq))
		}
	}
	return true, ""
}

func displayAt(list []string, i int, seq []string) string {
	if i < len(list) {
		return list[i]
	}
	return strings.Join(seq, " ")
}

// Relevance is how well a title alone matches the query, 0..1: the share of
// required terms found in it. A phrase missing as a whole earns half credit
// for the share of its words that are there. A title with an excluded term
// scores 0; a query with no required terms matches every title fully.
func Relevance(t Terms, title string) float64 {
	r, _ := relevance(t, title)
	return r
}

// relevance also returns the number of required terms, for the reason text.
func relevance(t Terms, title string) (float64, int) {
	return relevanceOf(t, stemAll(tokens(title)))
}

// relevanceOf is relevance for a title already split into stemmed words.
func relevanceOf(t Terms, words []string) (float64, int) {
	include, exclude := t.compiled()
	for _, seq := range exclude {
		if containsSeq(words, seq) {
			return 0, len(include)
		}
	}
	if len(include) == 0 {
		return 1, 0
	}
	credit := 0.0
	for _, seq := range include {
		if containsSeq(words, seq) {
			credit++
			continue
		}
		if len(seq) > 1 {
			found := 0
			for _, w := range seq {
				if slices.Contains(words, w) {
					found++
				}
			}
			credit += 0.5 * float64(found) / float64(len(seq))
		}
	}
	return credit / float64(len(include)), len(include)
}

// FilterListing applies a watch's filters to a listing, in the order a user
// reads them: query terms, price range, conditions, radius. It returns the
// distance whenever both the watch and the listing have coordinates (for
// scoring), and, when the listing is rejected, why.
//
// Prices are compared only when the listing is in the watch's currency: with
// no exchange rates offline, a listing in another currency passes the price
// range rather than being judged against a number in a different unit. A
// listing with no usable price passes too; a free one counts as price 0.
// A listing with an unknown condition passes only when the watch accepts any
// condition. A listing without coordinates passes the radius with a nil
// distance: most feeds give no location, and dropping them would hide deals.
func FilterListing(w *Watch, t Terms, l Listing) (ok bool, distanceMi *float64, why string) {
	if w.HasCoords && l.HasCoords && geo.ValidPoint(l.Lat, l.Lng) {
		d := geo.DistanceMi(geo.Point{Lat: w.Lat, Lng: w.Lng}, geo.Point{Lat: l.Lat, Lng: l.Lng})
		distanceMi = &d
	}
	if ok, why := t.check(l); !ok {
		return false, distanceMi, why
	}
	if why := priceOutside(w, l); why != "" {
		return false, distanceMi, why
	}
	if len(w.Conditions) > 0 {
		c := vocabCondition(l.Condition)
		if c == CondUnknown || !slices.Contains(w.Conditions, c) {
			return false, distanceMi, fmt.Sprintf("condition %s is not one of %s", c, joinConditions(w.Conditions))
		}
	}
	if w.RadiusMi > 0 && distanceMi != nil && *distanceMi > w.RadiusMi {
		return false, distanceMi, fmt.Sprintf("%.1f mi away, beyond the %g mi radius", *distanceMi, w.RadiusMi)
	}
	return true, distanceMi, ""
}

func priceOutside(w *Watch, l Listing) string {
	price, known := effectivePrice(l)
	if !known || !sameCurrency(w.Currency, l.Currency) {
		return ""
	}
	cur := currencyOr(l.Currency)
	if w.MinPriceCents != nil && price < *w.MinPriceCents {
		return fmt.Sprintf("price %s is below the minimum %s", money(price, cur), money(*w.MinPriceCents, cur))
	}
	if w.MaxPriceCents != nil && price > *w.MaxPriceCents {
		return fmt.Sprintf("price %s is above the maximum %s", money(price, cur), money(*w.MaxPriceCents, cur))
	}
	return ""
}

// effectivePrice is what the buyer pays for the item: 0 when it is free, and
// known only when the source gave a price or said it was free.
func effectivePrice(l Listing) (int64, bool) {
	if l.Free {
		return 0, true
	}
	return l.PriceCents, l.PriceKnown
}

func sameCurrency(a, b string) bool { return currencyOr(a) == currencyOr(b) }

// currencyOr treats a missing currency as the default, as Normalize does.
func currencyOr(c string) string {
	c = strings.ToUpper(strings.TrimSpace(c))
	if c == "" {
		return DefaultCurrency
	}
	return c
}

// vocabCondition maps a condition that skipped Normalize onto the vocabulary.
func vocabCondition(c Condition) Condition {
	if c.Rank() > 0 || c == CondUnknown {
		return c
	}
	return NormalizeCondition(string(c))
}

func joinConditions(cs []Condition) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = string(c)
	}
	return strings.Join(names, ", ")
}

// tokens lower-cases s, folds diacritics and splits it into words of letters
// and digits.
func tokens(s string) []string { return appendTokens(nil, s) }

// appendTokens appends the words of s to dst, as tokens returns them. The
// words are cut from one folded copy of s, or from s itself when it is
// lower-case ASCII already, so that a title costs at most one allocation
// rather than one per word: every scored deal splits its title.
func appendTokens(dst []string, s string) []string {
	text := s
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			text = foldWords(s)
			break
		}
	}
	// In text, every ASCII byte other than a-z and 0-9 separates words:
	// foldWords writes word runes (non-ASCII ones are all bytes ≥ 0x80) and
	// spaces between them, and lower-case ASCII has no other letters or digits.
	start := -1
	for i := 0; i < len(text); i++ {
		if c := text[i]; c >= utf8.RuneSelf || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			dst = append(dst, text[start:i])
			start = -1
		}
	}
	if start >= 0 {
		dst = append(dst, text[start:])
	}
	return dst
}

// foldWords lower-cases s and folds its diacritics, and turns every rune that
// is not a letter or digit into a space.
func foldWords(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		// ASCII, most of most titles, without the Unicode tables: its only
		// letters and digits are A-Z, a-z and 0-9.
		if c := s[i]; c < utf8.RuneSelf {
			switch {
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			default:
				c = ' '
			}
			b.WriteByte(c)
			i++
			continue
		}
		// Decoded as ranging over s would: invalid UTF-8 is RuneError, 1 byte.
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			b.WriteByte(' ')
			continue
		}
		r = unicode.ToLower(r)
		if f, ok := foldDiacritic(r); ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// foldDiacritic covers the Latin-1 and common Latin Extended-A letters listings
// use; anything rarer is kept as it is, which only costs a missed match.
func foldDiacritic(r rune) (string, bool) {
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'ā', 'ă', 'ą':
		return "a", true
	case 'ç', 'ć', 'č':
		return "c", true
	case 'è', 'é', 'ê', 'ë', 'ē', 'ė', 'ę', 'ě':
		return "e", true
	case 'ì', 'í', 'î', 'ï', 'ī', 'į':
		return "i", true
	case 'ñ', 'ń', 'ň':
		return "n", true
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'ō', 'ő':
		return "o", true
	case 'ù', 'ú', 'û', 'ü', 'ū', 'ů', 'ű':
		return "u", true
	case 'ý', 'ÿ':
		return "y", true
	case 'š', 'ś':
		return "s", true
	case 'ž', 'ź', 'ż':
		return "z", true
	case 'ł':
		return "l", true
	case 'ß':
		return "ss", true
	}
	return "", false
}

// stem folds a plural onto its singular for words of four letters or more:
// "couches" → "couch", "boxes" → "box", "chairs" → "chair", but "glass" and
// "tvs" stay as they are. It is applied to both sides, so it only has to be
// consistent, not linguistically right.
func stem(w string) string {
	if len(w) < 4 || !strings.HasSuffix(w, "s") || strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us") {
		return w
	}
	for _, suf := range []string{"sses", "ches", "shes", "xes", "zes"} {
		if strings.HasSuffix(w, suf) {
			return w[:len(w)-2]
		}
	}
	if len(w) > 4 {
		return w[:len(w)-1]
	}
	return w
}

func stemAll(ws []string) []string {
	for i, w := range ws {
		ws[i] = stem(w)
	}
	return ws
}

// containsSeq reports whether needle occurs in hay as consecutive words.
func containsSeq(hay, needle []string) bool {
	if len(needle) == 0 {
		return true
	}
	for i := 0; i+len(needle) <= len(hay); i++ {
		if hay[i] == needle[0] && slices.Equal(hay[i:i+len(needle)], needle) {
			return true
		}
	}
	return false
}

// clamp01 keeps a component value inside 0..1 (NaN counts as 0).
func clamp01(v float64) float64 {
	if math.IsNaN(v) || v < 0 {
		return 0
	}
	return math.Min(v, 1)
}
