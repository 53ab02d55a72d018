package scout

// Reasons that are the same words whatever the listing's numbers.
const (
	reasonFree          = "the item is free"
	reasonNoRisk        = "no warning signs in the title"
	reasonNoPrice       = "no price given"
	reasonNoCondition   = "condition not stated"
	reasonNoPostingTime = "posting time unknown"
	reasonJustPosted    = "posted less than an hour ago"
	reasonNoDistance    = "distance unknown (no location on the listing or the watch)"
	reasonNoPhotos      = "no photos"
	reasonOnePhoto      = "1 photo"
	reasonNoTerms       = "no search terms to match"
	reasonAllTerms      = "title contains every search term"
	reasonNoTermMatched = "title contains none of the search terms"
	reasonNoSignals     = "no warning signs in the title or description"
)

// FixedReasons lists reasons that are the same words for many listings.
// Storage may refer to one by its position instead of repeating its words
// in every deal, so entries are only ever added at the end: a reworded
// reason is a new entry, and the old one stays for the scores stored with it.
var FixedReasons = []string{
	reasonFree, reasonNoRisk, reasonNoPrice, reasonNoCondition, reasonNoPostingTime, reasonJustPosted,
	reasonNoDistance, reasonNoPhotos, reasonOnePhoto, reasonNoTerms, reasonAllTerms, reasonNoTermMatched,
	reasonNoSignals,
	// The conditions' own reasons (conditionFactors), added after the above.
	"condition: new", "condition: like new", "condition: excellent", "condition: great", "condition: good",
	"condition: fair", "condition: poor",
}
