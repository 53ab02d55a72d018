package ebay

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/dealscout/dealscout/scout"
)

const searchPath = "buy/browse/v1/item_summary/search"

// buildSearchURL translates a query into a first-page search URL.
//
// Choices that are not obvious:
//   - q carries only the required words: the Browse API documents no way to
//     exclude words, so excluded words are left to the pipeline's filter
//     rather than risk eBay searching for "-broken" as a word.
//   - Conditions use the coarse conditions:{NEW|USED} filter (new → NEW,
//     every other grade → USED; refurbished and for-parts items count as
//     USED at eBay). The pipeline applies our finer grades afterwards, so a
//     coarse filter loses nothing. "unknown" among the wanted conditions
//     turns the filter off.
//   - A postal code with a radius asks for local pickup within the radius,
//     the way a radius reads to a buyer; a postal code alone asks eBay to
//     quote shipping to it (deliveryPostalCode).
func buildSearchURL(base *url.URL, q scout.Query, marketplace string, limit int) *url.URL {
	u := base.JoinPath(searchPath)
	v := url.Values{}
	if text := searchText(q); text != "" {
		v.Set("q", text)
	}
	if cats := categoryIDs(q.Spec.Arg); cats != "" {
		v.Set("category_ids", cats)
	}
	if f := filters(q, marketplace); len(f) > 0 {
		v.Set("filter", strings.Join(f, ","))
	}
	v.Set("sort", "newlyListed")
	v.Set("limit", strconv.Itoa(limit))
	u.RawQuery = v.Encode()
	return u
}

// searchText is the q parameter: the watch's required words and phrases, or
// the typed query with its "-excluded" words and quotes removed.
func searchText(q scout.Query) string {
	if len(q.Include) > 0 {
		return strings.Join(q.Include, " ")
	}
	var words []string
	for _, w := range strings.Fields(q.Terms) {
		if strings.HasPrefix(w, "-") {
			continue
		}
		if w = strings.Trim(w, `"`); w != "" {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}

// categoryIDs keeps only well-formed ids from the spec argument ("ebay:1,2").
func categoryIDs(arg string) string {
	var ids []string
	for _, id := range strings.Split(arg, ",") {
		id = strings.TrimSpace(id)
		if id != "" && strings.Trim(id, "0123456789") == "" {
			ids = append(ids, id)
		}
	}
	return strings.Join(ids, ",")
}

func filters(q scout.Query, marketplace string) []string {
	var f []string
	if q.MinCents != nil || q.MaxCents != nil {
		lo, hi := "", ""
		if q.MinCents != nil {
			lo = scout.FormatCents(*q.MinCents)
		}
		if q.MaxCents != nil {
			hi = scout.FormatCents(*q.MaxCents)
		}
		f = append(f, "price:["+lo+".."+hi+"]", "priceCurrency:"+cmp(strings.ToUpper(q.Currency), scout.DefaultCurrency))
	}
	if c := conditionFilter(q.Conditions); c != "" {
		f = append(f, c)
	}
	if country := marketplaceCountry(marketplace); country != "" {
		f = append(f, "itemLocationCountry:"+country)
	}
	if zip := postalCode(q); zip != "" {
		if q.RadiusMi > 0 {
			radius := strconv.Itoa(max(1, int(q.RadiusMi+0.5)))
			f = append(f, "deliveryOptions:{SELLER_ARRANGED_LOCAL_PICKUP}", "pickupCountry:US",
				"pickupPostalCode:"+zip, "pickupRadius:"+radius, "pickupRadiusUnit:mi")
		} else {
			f = append(f, "deliveryCountry:US", "deliveryPostalCode:"+zip)
		}
	}
	return f
}

func conditionFilter(conds []scout.Condition) string {
	if len(conds) == 0 || slices.Contains(conds, scout.CondUnknown) {
		return ""
	}
	var want []string
	for _, c := range conds {
		g := "USED"
		if c == scout.CondNew {
			g = "NEW"
		}
		if !slices.Contains(want, g) {
			want = append(want, g)
		}
	}
	return "conditions:{" + strings.Join(want, "|") + "}"
}

// marketplaceCountry is the country of a national marketplace ("EBAY_US" →
// "US"), or "" for ones that are not (EBAY_MOTORS_US).
func marketplaceCountry(m string) string {
	c, ok := strings.CutPrefix(strings.ToUpper(m), "EBAY_")
	if !ok || len(c) != 2 {
		return ""
	}
	return c
}

// postalCode is the query's US ZIP when it is well formed; ZIPs are US-only
// in dealscout, so anything else is left out rather than sent to eBay.
func postalCode(q scout.Query) string {
	z := strings.TrimSpace(q.PostalCode)
	if len(z) == 10 && z[5] == '-' {
		z = z[:5]
	}
	if len(z) != 5 || strings.Trim(z, "0123456789") != "" {
		return ""
	}
	return z
}

// endUserContext is the X-EBAY-C-ENDUSERCTX value that makes eBay compute
// shipping and distance for the buyer's location. eBay wants the
// contextualLocation value URL-encoded: contextualLocation=country%3DUS%2Czip%3D94105.
func endUserContext(q scout.Query, marketplace string) string {
	zip := postalCode(q)
	if zip == "" {
		return ""
	}
	country := cmp(marketplaceCountry(marketplace), "US")
	return "contextualLocation=" + url.QueryEscape("country="+country+",zip="+zip)
}
