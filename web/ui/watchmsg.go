package ui

import "fmt"

// removedDealsMsg says how many deals a watch edit removed because they no
// longer match its filters, and how many are left, in the words
// `dealscout watch edit` uses.
func removedDealsMsg(removed, kept int) string {
	if removed == 1 {
		return fmt.Sprintf("1 deal no longer matches the new filters and was removed; %d left.", kept)
	}
	return fmt.Sprintf("%d deals no longer match the new filters and were removed; %d left.", removed, kept)
}
