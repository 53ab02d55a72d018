package scout

import (
	"strconv"
)

// The word lists that recognise junk, non-offers, lots, accessories,
// placeholder prices and scams live here, and only here. Each entry is a
// phrase matched on whole words in any case (diacritics folded, punctuation
// ignored: "as-is" is "as is", "doesn't" is "doesn t"). To extend a list, add
// a phrase; scopeTitle entries are read in the title only, where the
// description would give false alarms ("looking for a quick sale").

// signalScope says where a phrase is looked for.
type signalScope int

const (
	scopeBoth  signalScope = iota // title and description
	scopeTitle                    // title only
)

type phraseList struct {
	phrase string
	words  []string
	scope  signalScope
}

func phrases(scope signalScope, ps ...string) []phraseList {
	out := make([]phraseList, len(ps))
	for i, p := range ps {
		out[i] = phraseList{phrase: p, words: tokens(p), scope: scope}
	}
	return out
}

// notItemPhrases say the listing is not the working item itself.
var notItemPhrases = append(phrases(scopeBoth,
	"for parts", "parts only", "for repair", "needs repair", "need repair", "needs work", "broken", "not working",
	"does not work", "doesn't work", "does not turn on", "doesn't turn on", "won't turn on", "wont turn on",
	"no power", "as is", "cracked", "shattered", "water damage", "water damaged", "damaged", "defective", "faulty",
	"untested", "icloud locked", "icloud lock", "activation locked", "activation lock", "blacklisted", "bad esn",
	"box only", "empty box", "box empty", "read description"),
	phrases(scopeTitle, "parts", "repair")...)

// notOfferPhrases say the listing does not sell anything.
var notOfferPhrases = append(phrases(scopeBoth, "wtb", "want to buy", "looking to buy", "in search of", "trade only",
	"trades only", "will trade only"),
	phrases(scopeTitle, "wanted", "iso", "looking for", "buying", "we buy", "trade my", "trade for", "for trade", "swap")...)

// lotPhrases say the listing sells several items at once. Counts are read
// separately (lotCount).
var lotPhrases = phrases(scopeTitle, "lot of", "job lot", "joblot", "bundle", "bulk", "wholesale", "pallet", "lot")

// accessoryWords name accessories of a device. They are read in the title
// only: "comes with case and charger" in a description is the device.
var accessoryWords = phrases(scopeTitle, "case", "cases", "cover", "covers", "charger", "chargers", "charging",
	"cable", "cables", "cord", "adapter", "adaptor", "protector", "protectors", "skin", "skins", "decal", "decals",
	"stand", "mount", "holder", "strap", "straps", "band", "bands", "lanyard", "sleeve", "pouch", "stylus", "dock",
	"replacement", "keyboard")

// accessoryCompounds are things whose name starts with an accessory word but
// which are not accessories.
var accessoryCompounds = phrases(scopeTitle, "stand mixer", "band saw", "cable knit", "cover letter", "strap hinge")

// accessoryExtras precede an accessory that comes with the device: "with case".
var accessoryExtras = map[string]bool{"with": true, "w": true, "plus": true, "includes": true, "including": true,
	"incl": true, "inc": true, "included": true}

// placeholderPhrases say a price of $0 or $1 is no price at all.
var placeholderPhrases = phrases(scopeBoth, "call for price", "text for price", "call or text for price",
	"message for price", "contact for price", "ask for price", "price on request", "make an offer", "make offer",
	"make me an offer", "best offer", "send offers", "open to offers")

// scamPhrases are payment and delivery terms that marketplace scams use.
var scamPhrases = phrases(scopeBoth, "shipping only", "ship only", "i ship", "will ship", "by wire", "wire transfer",
	"bank transfer", "western union", "moneygram", "gift card", "gift cards", "zelle", "cashier s check", "money order",
	"friends and family", "deposit first", "send deposit", "courier")

// sealedPhrases are a trap when the price is far under a reliable market.
var sealedPhrases = phrases(scopeBoth, "sealed", "factory sealed", "brand new in box", "bnib", "nib")

// negations before a single-word signal cancel it: "never broken".
var negations = map[string]bool{"not": true, "never": true, "no": true, "isn": true, "wasn": true, "without": true, "non": true}

// placeholderDollars are whole-dollar prices sellers type instead of a price.
var placeholderDollars = map[int64]bool{1: true, 123: true, 1234: true, 12345: true, 123456: true, 111: true,
	1111: true, 11111: true, 111111: true}

// Signals are what a listing's title and description say about it beyond
// the item's name. Each is the phrase found, or "".
type Signals struct {
	NotItem     string // not the working item: "for parts", "broken", "as is", …
	NotOffer    string // not an offer: "wanted", "WTB", "trade only", …
	Lot         string // several items: "lot of", "bundle", "x10", …
	LotCount    int    // how many, when the listing says; 0 = unclear
	Accessory   string // an accessory word in the title, not an extra ("with case")
	Placeholder string // the price is a placeholder: "$1", "$0 + call for price", "$123"
	Scam        string // a scam payment or delivery term
	Sealed      string // "sealed" and the like; a trap only far under the market
}

// Comparable reports whether the listing's price says what the item is worth.
func (s Signals) Comparable() bool {
	return s.NotItem == "" && s.NotOffer == "" && s.Lot == "" && s.Placeholder == "" && s.Scam == ""
}

// ReadSignals reads a listing's title and description for the signals.
func ReadSignals(l Listing) Signals {
	var buf [24]string
	return readSignals(l, appendTokens(buf[:0], l.Title))
}

// readSignals is ReadSignals with the title already split into words, as
// scoring has it: a re-score reads 100,000 listings.
func readSignals(l Listing, title []string) Signals {
	var s Signals
	var buf [48]string
	var desc []string
	if l.Description != "" {
		desc = appendTokens(buf[:0], l.Description)
	}
	found := signalIdx.findAll(title, desc)
	s.NotItem, s.NotOffer, s.Scam, s.Sealed = found[kindNotItem], found[kindNotOffer], found[kindScam], found[kindSealed]
	s.Lot, s.LotCount = findLot(title)
	s.Accessory = findAccessory(title)
	s.Placeholder = placeholderOf(l, found[kindPlaceholder])
	return s
}

// Kinds of phrase in the signal index.
const (
	kindNotItem = iota
	kindNotOffer
	kindScam
	kindSealed
	kindPlaceholder
	kindCount
)

// signalIndex finds phrases by their first word, so reading a listing costs
// one map lookup per word rather than one scan per phrase.
type signalIndex struct {
	byFirst map[string][]indexedPhrase
}

type indexedPhrase struct {
	kind  int
	order int // position in its list: the first listed phrase wins
	phraseList
}

var signalIdx = func() signalIndex {
	ix := signalIndex{byFirst: map[string][]indexedPhrase{}}
	for kind, list := range [kindCount][]phraseList{notItemPhrases, notOfferPhrases, scamPhrases, sealedPhrases, placeholderPhrases} {
		for i, p := range list {
			ix.byFirst[p.words[0]] = append(ix.byFirst[p.words[0]], indexedPhrase{kind: kind, order: i, phraseList: p})
		}
	}
	return ix
}()

// negatable kinds ignore a single word right after a negation ("never broken").
var negatable = [kindCount]bool{kindNotItem: true, kindSealed: true}

// findAll returns, for each kind, the earliest-listed phrase found in its
// scope, in one pass over the words.
func (ix signalIndex) findAll(title, desc []string) [kindCount]string {
	var best [kindCount]string
	var order [kindCount]int
	for k := range order {
		order[k] = -1
	}
	scan := func(words []string, titleText bool) {
		for i, w := range words {
			for _, p := range ix.byFirst[w] {
				if (!titleText && p.scope != scopeBoth) || (order[p.kind] >= 0 && p.order >= order[p.kind]) {
					continue
				}
				if i+len(p.words) > len(words) || !equalWords(words[i:i+len(p.words)], p.words) {
					continue
				}
				if negatable[p.kind] && len(p.words) == 1 && negated(words, i) {
					continue
				}
				best[p.kind], order[p.kind] = p.phrase, p.order
			}
		}
	}
	scan(title, true)
	scan(desc, false)
	return best
}

func equalWords(a, b []string) bool {
	for i := range b {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// negated reports a negation within the two words before words[i].
func negated(words []string, i int) bool {
	for j := max(0, i-2); j < i; j++ {
		if negations[words[j]] {
			return true
		}
	}
	return false
}

// findLot finds a lot in the title and how many items it holds when the
// title says: "lot of 5", "lot 5", "x10", "10 units".
func findLot(title []string) (string, int) {
	for i, w := range title {
		if n, ok := xCount(w); ok {
			return w, n
		}
		if (w == "units" || w == "pcs" || w == "consoles") && i > 0 {
			if n, err := strconv.Atoi(title[i-1]); err == nil && n >= 2 && n <= 1000 && w != "pcs" {
				return title[i-1] + " " + w, n
			}
		}
	}
	for _, p := range lotPhrases {
		for i := 0; i+len(p.words) <= len(title); i++ {
			if !equalWords(title[i:i+len(p.words)], p.words) {
				continue
			}
			if p.phrase == "lot" {
				// "lot" alone is a lot only before a count: "lot 5".
				if i+1 < len(title) {
					if n, err := strconv.Atoi(title[i+1]); err == nil && n >= 2 && n <= 1000 {
						return "lot " + title[i+1], n
					}
				}
				continue
			}
			n := 0
			if j := i + len(p.words); j < len(title) {
				if v, err := strconv.Atoi(title[j]); err == nil && v >= 2 && v <= 1000 {
					n = v
				} else if v, ok := numberWords[title[j]]; ok {
					n = v
				}
			}
			return p.phrase, n
		}
	}
	return "", 0
}

var numberWords = map[string]int{"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "twenty": 20}

// xCount reads "x10" as 10 (2 to 1000).
func xCount(w string) (int, bool) {
	if len(w) < 2 || w[0] != 'x' {
		return 0, false
	}
	n, err := strconv.Atoi(w[1:])
	if err != nil || n < 2 || n > 1000 {
		return 0, false
	}
	return n, true
}

// findAccessory finds an accessory word in the title that is not an extra
// of the device ("with case", "case included") or part of a compound name
// ("stand mixer").
func findAccessory(title []string) string {
	for _, c := range accessoryCompounds {
		if containsSeq(title, c.words) {
			return ""
		}
	}
	for i, w := range title {
		if !isAccessoryWord(w) {
			continue
		}
		extra := false
		for j := 0; j < i; j++ {
			if accessoryExtras[title[j]] {
				extra = true
				break
			}
		}
		for j := i + 1; j < len(title) && !extra; j++ {
			extra = title[j] == "included" || title[j] == "incl"
		}
		if !extra {
			return w
		}
	}
	return ""
}

func isAccessoryWord(w string) bool { return accessorySet[w] }

var accessorySet = func() map[string]bool {
	m := map[string]bool{}
	for _, a := range accessoryWords {
		m[a.words[0]] = true
	}
	return m
}()

// QueryAsksForAccessory reports whether the search terms name an accessory
// ("iphone case"): then accessories are what the user wants.
func QueryAsksForAccessory(t Terms) bool {
	for _, term := range t.Include {
		for _, w := range tokens(term) {
			if isAccessoryWord(w) {
				return true
			}
		}
	}
	return false
}

// placeholderOf says whether the price is a placeholder, given the
// placeholder phrase found in the text ("" for none): $0 or $1 with "call for
// price" or "make an offer", a $1 that is not a giveaway, or a typed pattern
// like $123 or $1111.
func placeholderOf(l Listing, phrase string) string {
	if !l.PriceKnown {
		return ""
	}
	if l.PriceCents <= 100 && phrase != "" {
		return FormatPrice(l.PriceCents, l.Currency) + " with " + strconv.Quote(phrase)
	}
	if l.PriceCents%100 == 0 && placeholderDollars[l.PriceCents/100] && !(l.PriceCents == 100 && l.Free) {
		return FormatPrice(l.PriceCents, l.Currency)
	}
	return ""
}

// IsPlaceholderPrice reports whether a listing's price is a placeholder, so
// that normalisation does not call a "$0 — call for price" listing free.
func IsPlaceholderPrice(l Listing) bool {
	return placeholderOf(l, signalIdx.findAll(tokens(l.Title), tokens(l.Description))[kindPlaceholder]) != ""
}
