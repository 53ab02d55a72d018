// Package ebay is the eBay source: it searches eBay's Browse API
// (buy/browse/v1/item_summary/search) with an OAuth client-credentials
// token and turns item summaries into scout listings.
//
// It owns the token life cycle (mint, cache through TokenCache, renew five
// minutes early or after a 401) and the daily call budget (every call, token
// or search, is counted through Usage by US Pacific day, eBay's quota day, and
// calls are paced over the day). It must not touch SQL: the store implements
// TokenCache and Usage.
package ebay
