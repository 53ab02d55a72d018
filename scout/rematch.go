package scout

import "slices"

// DealStillMatches judges a stored deal of w, after an edit of w, with the
// poll's own filter (query, exclusions, price range, conditions, radius), and
// rejects deals found by a source the watch no longer lists, so an edit from
// the CLI, the web UI or the API leaves the same deals. A listing the user
// entered by hand (listing add) is always kept: no source would find it again.
// The second argument is the source spec that found the deal.
func DealStillMatches(w *Watch) func(d Deal, sourceSpec string) bool {
	terms := ParseQuery(w.Query, w.Exclude)
	manual := SourceSpec{Kind: KindManual}.String()
	return func(d Deal, spec string) bool {
		if spec == manual {
			return true
		}
		if !slices.Contains(w.Sources, spec) {
			return false
		}
		ok, _, _ := FilterListing(w, terms, d.Listing)
		return ok
	}
}
