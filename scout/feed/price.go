package feed

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dealscout/dealscout/scout"
)

// ParsePrice finds the asking price in free text such as a feed item's title.
//
// An amount only counts when a currency marks it ("$20", "CA$20", "€12,50",
// "20 EUR"): bare numbers in titles are model numbers, sizes and years far
// more often than prices. Amounts that are not the asking price — "was $300",
// "MSRP $999", "after $20 rebate", "$5 shipping", "save $50", "$10 off" — are
// skipped. Of what remains, the first signal in the text wins, where a signal
// is an amount or a word saying the item is free ("FREE", "curb alert"); "free
// shipping", "smoke-free home" and the like do not make an item free.
//
// cents is exact (no float). currency is an ISO 4217 code, or "" for a bare
// FREE that names none. free is true for a free word or a zero amount. ok is
// false when the text states no usable price, including amounts above
// scout.MaxPriceCents.
func ParsePrice(text string) (cents int64, currency string, free bool, ok bool) {
	amounts := findAmounts(text)
	freeAt := findFree(text)
	if freeAt >= 0 && (len(amounts) == 0 || freeAt < amounts[0].start) {
		return 0, "", true, true
	}
	if len(amounts) == 0 {
		return 0, "", false, false
	}
	a := amounts[0]
	return a.cents, a.currency, a.cents == 0, true
}

// amount is one currency-marked number that may be the asking price.
type amount struct {
	start    int // byte offset of the marker or number, whichever comes first
	cents    int64
	currency string
}

// findAmounts returns the usable amounts in text, in order.
func findAmounts(text string) []amount {
	var out []amount
	for i := 0; i < len(text); {
		if !isDigit(text[i]) || (i > 0 && (isDigit(text[i-1]) || text[i-1] == '.' || text[i-1] == ',')) {
			i++
			continue
		}
		end := numberEnd(text, i)
		if a, ok := readAmount(text, i, end); ok {
			out = append(out, a)
		}
		i = end
	}
	return out
}

// numberEnd returns the end of the digit run starting at i. Separators belong
// to the number only between digits, so "$20." and "$20, cash" end at "20".
func numberEnd(text string, i int) int {
	for i < len(text) {
		switch {
		case isDigit(text[i]):
			i++
		case (text[i] == '.' || text[i] == ',') && i+1 < len(text) && isDigit(text[i+1]):
			i++
		default:
			return i
		}
	}
	return i
}

// readAmount interprets the number at text[start:end] with the currency
// marker before or after it, and drops it when its context says it is not the
// asking price.
func readAmount(text string, start, end int) (amount, bool) {
	num := text[start:end]
	after := end
	mult := int64(1)
	// "$5k", "$2M": a multiplier suffix, but not the start of a word ("$5kg").
	if after < len(text) && !letterAt(text, after+1) {
		switch text[after] {
		case 'k', 'K':
			mult, after = 1000, after+1
		case 'm', 'M':
			mult, after = 1_000_000, after+1
		}
	}
	cur, markStart, prefixed := prefixCurrency(text, start)
	if !prefixed {
		var suffixEnd int
		var ok bool
		cur, suffixEnd, ok = suffixCurrency(text, after)
		if !ok {
			return amount{}, false
		}
		// "1 299,00 €": French-style space grouping only makes sense for a
		// suffixed amount; the groups before this run belong to it.
		num, markStart = spaceGroups(text, start, num)
		after = suffixEnd
	}
	cents, ok := parseNumber(num, cur)
	if !ok || cents > scout.MaxPriceCents/mult {
		return amount{}, false
	}
	cents *= mult
	if notAskingPrice(text[:markStart], text[after:]) {
		return amount{}, false
	}
	return amount{start: markStart, cents: cents, currency: cur}, true
}

// dollarPrefixes are the letters that may stand right before "$". "US" may
// also be followed by a space ("US $5.99"), as eBay writes it; the others may
// not, because "CA $20" is more often California than Canada.
var dollarPrefixes = map[string]string{
	"US": "USD", "USD": "USD", "C": "CAD", "CA": "CAD", "CAD": "CAD", "A": "AUD", "AU": "AUD", "AUD": "AUD",
	"NZ": "NZD", "NZD": "NZD", "HK": "HKD", "S": "SGD", "SG": "SGD", "MX": "MXN", "R": "BRL",
}

// codes are the ISO codes recognised as words before or after an amount.
var codes = map[string]bool{"USD": true, "EUR": true, "GBP": true, "CAD": true, "AUD": true, "NZD": true, "CHF": true}

// prefixCurrency looks for a marker ending just before the number at i
// ("$", "US $", "C$", "£", "€", "EUR "), allowing one space between.
func prefixCurrency(text string, i int) (currency string, markStart int, ok bool) {
	j := skipSpaceBack(text, i)
	r, size := utf8.DecodeLastRuneInString(text[:j])
	switch r {
	case '£':
		return "GBP", j - size, true
	case '€':
		return "EUR", j - size, true
	case '$':
		k := j - size
		ws := wordStartBack(text, k)
		if ws < k {
			if cur, known := dollarPrefixes[text[ws:k]]; known {
				return cur, ws, true
			}
		}
		// "US $5.99": one space between the letters and the sign.
		if sp := skipSpaceBack(text, k); sp < k {
			ws = wordStartBack(text, sp)
			if text[ws:sp] == "US" {
				return "USD", ws, true
			}
		}
		return "USD", k, true
	}
	ws := wordStartBack(text, j)
	if w := strings.ToUpper(text[ws:j]); codes[w] && !letterBefore(text, ws) {
		return w, ws, true
	}
	return "", 0, false
}

// suffixCurrency looks for a marker right after an amount ("20 EUR", "12,50 €").
func suffixCurrency(text string, i int) (currency string, end int, ok bool) {
	j := skipSpace(text, i)
	r, size := utf8.DecodeRuneInString(text[j:])
	switch r {
	case '€':
		return "EUR", j + size, true
	case '£':
		return "GBP", j + size, true
	}
	k := j
	for k < len(text) && isLetter(text[k]) {
		k++
	}
	if w := strings.ToUpper(text[j:k]); codes[w] && !letterAt(text, k) {
		return w, k, true
	}
	return "", 0, false
}

// spaceGroups extends num leftwards over space-separated thousands groups
// ("1 299,00 €"). Each group must be 1–3 digits and every group after the
// first exactly 3, or the digits before are something else ("2 x 300 €").
func spaceGroups(text string, start int, num string) (string, int) {
	lead := num
	if i := strings.IndexAny(num, ".,"); i >= 0 {
		lead = num[:i]
	}
	if len(lead) != 3 {
		return num, start
	}
	for {
		sp := skipSpaceBack(text, start)
		if sp == start {
			return num, start
		}
		g := sp
		for g > 0 && isDigit(text[g-1]) {
			g--
		}
		n := sp - g
		if n == 0 || n > 3 || (g > 0 && !isSpaceByte(text[g-1]) && !strings.ContainsRune("([:", rune(text[g-1]))) {
			return num, start
		}
		num, start = text[g:sp]+num, g
		if n < 3 {
			return num, start
		}
	}
}

// parseNumber turns "1,299.99", "1.299,00", "12,50" or "1299" into cents.
func parseNumber(num, currency string) (int64, bool) {
	commas, dots := strings.Count(num, ","), strings.Count(num, ".")
	var whole, frac, group string
	switch {
	case commas > 0 && dots > 0:
		dec := ","
		group = "."
		if strings.LastIndex(num, ".") > strings.LastIndex(num, ",") {
			dec, group = ".", ","
		}
		var more bool
		whole, frac, more = cutLast(num, dec)
		if !more || strings.Contains(frac, group) || strings.Count(num, dec) != 1 || (dec == "," && len(frac) != 2) {
			return 0, false
		}
	case commas == 1 && len(num)-strings.Index(num, ",") == 3:
		// Exactly two digits after a single comma: a decimal comma ("12,50").
		whole, frac, _ = strings.Cut(num, ",")
	case commas > 0:
		whole, group = num, ","
	case dots == 1 && len(num)-strings.Index(num, ".") <= 3:
		whole, frac, _ = strings.Cut(num, ".")
	case dots > 1 || (dots == 1 && currency == "EUR"):
		// "1.299" is a thousand euros but an unreadable dollar amount.
		whole, group = num, "."
	case dots == 1:
		return 0, false
	default:
		whole = num
	}
	if group != "" {
		if !validGroups(whole, group) {
			return 0, false
		}
		whole = strings.ReplaceAll(whole, group, "")
	}
	if len(frac) > 2 {
		return 0, false
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 9 { // over MaxPriceCents in any case; also keeps int64 safe
		return 0, false
	}
	var cents int64
	for _, c := range []byte(whole) {
		cents = cents*10 + int64(c-'0')
	}
	cents *= 100
	switch len(frac) {
	case 1:
		cents += int64(frac[0]-'0') * 10
	case 2:
		cents += int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	}
	return cents, true
}

// validGroups checks thousands grouping: 1–3 digits, then groups of exactly 3.
func validGroups(whole, sep string) bool {
	parts := strings.Split(whole, sep)
	if len(parts[0]) < 1 || len(parts[0]) > 3 {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return false
		}
	}
	return true
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// notBefore are words that, right before an amount, mark a reference price
// or a saving rather than the asking price.
var notBefore = map[string]bool{
	"was": true, "reg": true, "regular": true, "list": true, "msrp": true, "orig": true, "original": true,
	"retail": true, "retails": true, "save": true, "saving": true, "savings": true, "valued": true, "value": true,
	"compare": true, "rrp": true, "srp": true,
}

// bridgeWords may sit between such a word and the amount ("list price $X",
// "compare at $X", "save up to $X", "retails for $X").
var bridgeWords = map[string]bool{"price": true, "at": true, "for": true, "of": true, "up": true, "to": true, "is": true}

// notAfter are words that, right after an amount, mark a cost or a saving
// that is not the item's price ("$5 shipping", "$20 rebate", "$10 off").
var notAfter = map[string]bool{
	"off": true, "rebate": true, "rebates": true, "coupon": true, "discount": true, "shipping": true,
	"s&h": true, "s/h": true, "cashback": true, "credit": true, "savings": true,
}

// afterModifiers may sit between the amount and such a word ("$20 mail-in rebate").
var afterModifiers = map[string]bool{
	"mail-in": true, "mail": true, "in": true, "instant": true, "flat": true, "standard": true, "extra": true,
	"amazon": true, "store": true, "in-store": true, "cash": true,
}

func notAskingPrice(before, after string) bool {
	words := lastWords(tail(before, contextBytes), 4)
	for i := len(words) - 1; i >= 0; i-- {
		if notBefore[words[i]] {
			return true
		}
		if !bridgeWords[words[i]] {
			break
		}
	}
	next := firstWords(head(after, contextBytes), 2)
	if len(next) > 0 && notAfter[next[0]] {
		return true
	}
	return len(next) > 1 && afterModifiers[next[0]] && notAfter[next[1]]
}

// findFree returns the offset of the first word saying the item itself is
// free, or -1.
func findFree(text string) int {
	lower := asciiLower(text) // byte offsets must match text's
	first := -1
	if i := strings.Index(lower, "curb alert"); i >= 0 {
		first = i
	}
	for from := 0; ; {
		i := strings.Index(lower[from:], "free")
		if i < 0 {
			break
		}
		i += from
		from = i + 4
		if first >= 0 && i > first {
			break
		}
		if freeItem(lower, i) {
			first = i
			break
		}
	}
	return first
}

// freeNotBefore are words that turn a following "free" into a property of
// something else: "smoke free home", "tax free", "get one free".
var freeNotBefore = map[string]bool{
	"smoke": true, "smoking": true, "pet": true, "pets": true, "dust": true, "stain": true, "scratch": true,
	"damage": true, "hassle": true, "worry": true, "tax": true, "interest": true, "toll": true, "sugar": true,
	"gluten": true, "hands": true, "mess": true, "odor": true, "odour": true, "rust": true, "duty": true,
	"cruelty": true, "fragrance": true, "lead": true, "bpa": true, "allergen": true, "fee": true,
	"commission": true, "risk": true, "one": true, "1": true, "shipping": true, "delivery": true, "returns": true,
	"is": true, "are": true, "100%": true, "stress": true, "maintenance": true, "clutter": true, "carbon": true,
}

// freeNotAfter are words that, right after "free", say what is free is not the item.
var freeNotAfter = map[string]bool{
	"shipping": true, "ship": true, "delivery": true, "s&h": true, "returns": true, "return": true,
	"gift": true, "trial": true, "installation": true, "install": true, "assembly": true, "with": true,
	"w/": true, "when": true, "estimate": true, "estimates": true, "quote": true, "quotes": true,
	"consultation": true, "wifi": true, "wi-fi": true, "app": true, "game": true, "games": true,
	"standing": true, "range": true, "shipping!": true, "store": true,
}

// shippingWords after a run of modifiers still mean free shipping ("free
// 2-day shipping", "free local delivery").
var shippingWords = map[string]bool{"shipping": true, "delivery": true, "s&h": true, "returns": true, "ship": true}

var shippingModifiers = map[string]bool{
	"2-day": true, "two-day": true, "1-day": true, "one-day": true, "next-day": true, "same-day": true,
	"next": true, "same": true, "day": true, "standard": true, "prime": true, "expedited": true, "ground": true,
	"local": true, "fast": true, "super": true, "saver": true, "us": true, "economy": true, "2": true, "3": true,
	"in-store": true, "store": true, "curbside": true, "&": true, "and": true,
}

// freeItem reports whether the "free" at lower[i:] is a whole word saying
// the item costs nothing.
func freeItem(lower string, i int) bool {
	end := i + 4
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(lower[:i])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' { // "carefree", "smoke-free"
			return false
		}
	}
	if end < len(lower) {
		r, _ := utf8.DecodeRuneInString(lower[end:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false // "freezer", "freestanding"
		}
		if r == '-' && letterAt(lower, end+1) {
			return false // "free-standing", "free-range"
		}
	}
	if prev := lastWords(tail(lower[:i], contextBytes), 1); len(prev) == 1 && freeNotBefore[prev[0]] {
		return false
	}
	next := firstWords(head(lower[end:], contextBytes), 4)
	if len(next) > 0 && freeNotAfter[next[0]] {
		return false
	}
	for _, w := range next {
		if shippingWords[w] {
			return false
		}
		if !shippingModifiers[w] {
			break
		}
	}
	return true
}

// contextBytes bounds how far around an amount or a "free" ParsePrice looks
// for words that change its meaning, keeping long texts linear.
const contextBytes = 64

// tail returns about the last n bytes of s. A cut through a word or a
// multi-byte rune only affects the first word, which is then ignored.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[len(s)-n:]
	if i := strings.IndexAny(s, " \t\n"); i >= 0 {
		return s[i:]
	}
	return ""
}

// head returns about the first n bytes of s, cut at the last space.
func head(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	if i := strings.LastIndexAny(s, " \t\n"); i >= 0 {
		return s[:i]
	}
	return ""
}

// asciiLower lower-cases ASCII letters only, so offsets stay those of s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// lastWords returns up to n lower-case words ending text, trimmed of
// punctuation ("Was:" → "was", "reg." → "reg").
func lastWords(text string, n int) []string {
	f := strings.Fields(text)
	if len(f) > n {
		f = f[len(f)-n:]
	}
	out := make([]string, 0, len(f))
	for _, w := range f {
		if w = trimWord(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// firstWords returns up to n lower-case words starting text.
func firstWords(text string, n int) []string {
	f := strings.Fields(text)
	if len(f) > n {
		f = f[:n]
	}
	out := make([]string, 0, len(f))
	for _, w := range f {
		if w = trimWord(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

func trimWord(w string) string {
	return strings.ToLower(strings.Trim(w, ".,:;!?()[]\"'*-–—~|"))
}

func skipSpace(text string, i int) int {
	if r, size := utf8.DecodeRuneInString(text[i:]); isSpace(r) {
		return i + size
	}
	return i
}

func skipSpaceBack(text string, i int) int {
	if r, size := utf8.DecodeLastRuneInString(text[:i]); isSpace(r) {
		return i - size
	}
	return i
}

// wordStartBack returns where the run of ASCII letters ending at i starts.
func wordStartBack(text string, i int) int {
	for i > 0 && isLetter(text[i-1]) {
		i--
	}
	return i
}

func isSpace(r rune) bool { return r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\t' }

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

func letterAt(text string, i int) bool { return i < len(text) && isLetter(text[i]) }

func letterBefore(text string, i int) bool {
	return i > 0 && (isLetter(text[i-1]) || isDigit(text[i-1]))
}
