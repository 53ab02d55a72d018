// Package feed is the feed:URL source: any RSS 1.0, RSS 2.0 or Atom feed
// (deal sites, subreddits, saved-search feeds), fetched with a conditional GET
// and turned into listings, the price parsed out of each item's text.
//
// It owns the HTTP exchange with the feed's server and the mapping of feed
// items to scout.Listing. It must not filter by the watch's query, price or
// radius — the poll pipeline does that for every source alike — nor touch the
// store: the ETag and Last-Modified it returns are kept by the caller.
package feed
