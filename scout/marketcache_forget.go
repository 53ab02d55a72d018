package scout

// ForgetTitles drops the markets the cache remembers per title, keeping its
// comps index. A poll asks for a title's market within one batch of
// listings; kept to the end of a fetch of 100,000 distinct titles, their
// neighbours and examples (a few KB each) outweighed the listings.
func (c *MarketCache) ForgetTitles() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.memo)
	clear(c.titles)
}
