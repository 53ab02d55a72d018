package craigslist

import (
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/dealscout/dealscout/scout"
)

const (
	searchPath = "web/v8/postings/search/full"
	// batchSize is how many postings one answer holds; the web UI asks for 360.
	batchSize = 360
)

// knownAreas maps site names to Craigslist area ids seen in public captures
// of the web UI's own requests. Config.AreaIDs adds the rest.
var knownAreas = map[string]int{
	"sfbay":        1,
	"newyork":      3,
	"phoenix":      18,
	"saltlakecity": 56,
	"tucson":       57,
	"flagstaff":    244,
	"prescott":     419,
}

// buildSearchURL translates a query into the web UI's search request.
// Craigslist's own search understands quoted phrases and -excluded words, so
// the query goes as the user typed it. Prices are whole currency units, widened
// (floor, ceiling) so that the pipeline's exact filter has the last word.
func buildSearchURL(base *url.URL, q scout.Query, area int) *url.URL {
	u := base.JoinPath(searchPath)
	v := url.Values{}
	v.Set("batch", strconv.Itoa(area)+"-0-"+strconv.Itoa(batchSize)+"-0-0")
	v.Set("cc", "US")
	v.Set("lang", "en")
	v.Set("searchPath", "sss")
	v.Set("sort", "date")
	if text := searchText(q); text != "" {
		v.Set("query", text)
	}
	if zip := postal(q); zip != "" {
		v.Set("postal", zip)
		if q.RadiusMi > 0 {
			v.Set("search_distance", strconv.Itoa(int(math.Ceil(q.RadiusMi))))
		}
	}
	if q.MinCents != nil && *q.MinCents > 0 {
		v.Set("min_price", strconv.FormatInt(*q.MinCents/100, 10))
	}
	if q.MaxCents != nil && *q.MaxCents >= 0 {
		v.Set("max_price", strconv.FormatInt((*q.MaxCents+99)/100, 10))
	}
	u.RawQuery = v.Encode()
	return u
}

func searchText(q scout.Query) string {
	if t := strings.TrimSpace(q.Terms); t != "" {
		return t
	}
	return strings.Join(q.Include, " ")
}

// postal is the query's 5-digit US ZIP, or "".
func postal(q scout.Query) string {
	z := strings.TrimSpace(q.PostalCode)
	if len(z) == 10 && z[5] == '-' {
		z = z[:5]
	}
	if len(z) != 5 || strings.Trim(z, "0123456789") != "" {
		return ""
	}
	return z
}

// validSite accepts Craigslist host names: lower-case letters and digits.
func validSite(s string) bool {
	return s != "" && len(s) <= 40 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789") == ""
}

// searchLink is the human search page for the query, used as a listing's URL
// when the item carries no slug to build its own page address from.
func searchLink(site, query string) string {
	v := url.Values{}
	if query != "" {
		v.Set("query", query)
	}
	link := "https://" + site + ".craigslist.org/search/sss"
	if enc := v.Encode(); enc != "" {
		link += "?" + enc
	}
	return link
}
