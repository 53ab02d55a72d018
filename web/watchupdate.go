package web

import (
	"encoding/json"
	"fmt"

	"github.com/dealscout/dealscout/scout"
)

// watchUpdated is the body of a watch PUT: the watch as GET shows it, plus
// how many of its deals the edit removed because they no longer match and
// how many are left, as `dealscout watch edit` reports them.
type watchUpdated struct {
	Watch        scout.Watch
	DealsRemoved int
	DealsKept    int
}

// MarshalJSON adds the two counts to the watch's own documented shape;
// embedding the watch would promote its MarshalJSON and drop them.
func (u watchUpdated) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(u.Watch)
	if err != nil {
		return nil, fmt.Errorf("web: encode watch: %w", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("web: encode watch: %w", err)
	}
	m["deals_removed"] = json.RawMessage(fmt.Sprint(u.DealsRemoved))
	m["deals_kept"] = json.RawMessage(fmt.Sprint(u.DealsKept))
	return json.Marshal(m)
}
