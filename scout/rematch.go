package scout

// DealStillMatches judges a stored deal of w, after an edit of w, with the
// poll's own filter (query, exclusions, price range, conditions, radius), and
// rejects deals found by a source the watch no longer lists, so an edit from
// the CLI, the web UI or the API leaves the same deals. A listing the user
// entered by hand (listing add) is always kept: no source would find it again.
// The second argument is the source spec that found the deal, as stored: its
// ID, which masks a feed URL's credentials, so the watch's sources are
// compared by ID too.
func DealStillMatches(w *Watch) func(d Deal, sourceSpec string) bool {
	terms := ParseQuery(w.Query, w.Exclude)
	manual := SourceSpec{Kind: KindManual}.ID()
	ids := make(map[string]bool, len(w.Sources))
	for _, raw := range w.Sources {
		if s, err := ParseSourceSpec(raw); err == nil {
			ids[s.ID()] = true
		}
	}
	return func(d Deal, spec string) bool {
		if spec == manual {
			return true
		}
		if !ids[spec] {
			return false
		}
		ok, _, _ := FilterListing(w, terms, d.Listing)
		return ok
	}
}
