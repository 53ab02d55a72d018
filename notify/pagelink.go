package notify

import (
	"net/url"
	"strconv"
	"strings"
)

// linkDealPages points each deal of m at its page under base, the web UI's
// public URL: base/deals/ID?watch=NAME. It is done at delivery, not when
// the alert is queued, so alerts queued before DEALSCOUT_BASE_URL was set
// still get the link.
func linkDealPages(m *Message, base string) {
	base = strings.TrimRight(base, "/")
	if base == "" {
		return
	}
	for i := range m.Deals {
		d := &m.Deals[i]
		if d.ListingID <= 0 {
			continue
		}
		u := base + "/deals/" + strconv.FormatInt(d.ListingID, 10)
		if m.Watch != "" {
			u += "?watch=" + url.QueryEscape(m.Watch)
		}
		d.PageURL = u
	}
}
