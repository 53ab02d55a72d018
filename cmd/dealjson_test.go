package cmd

import "github.com/dealscout/dealscout/web"

// dealJSON is what `deals --json` prints: the same list shape as the API's.
type dealJSON = web.DealJSON
