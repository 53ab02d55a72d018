package feed

import (
	"strings"
	"testing"

	"github.com/dealscout/dealscout/scout"
)

// detectConditionSlow is detectCondition without its cheap test first.
func detectConditionSlow(title, desc string) scout.Condition {
	for _, text := range []string{title, desc} {
		best := scout.CondUnknown
		for _, m := range conditionPhrase().FindAllStringSubmatch(text, 8) {
			c := scout.NormalizeCondition(m[1] + m[2] + m[3])
			if c == scout.CondPoor {
				return c
			}
			if best == scout.CondUnknown {
				best = c
			}
		}
		if best != scout.CondUnknown {
			return best
		}
	}
	return scout.CondUnknown
}

// The cheap test before the condition phrases never changes what is found:
// every phrase the pattern knows, in any case, alone and deep in a long
// description, reads as the full pattern reads it.
func TestDetectConditionSameWithItsCheapTest(t *testing.T) {
	t.Parallel()
	phrases := []string{"brand new", "new", "like new", "like-new", "mint", "excellent", "very good", "great", "good",
		"fair", "poor", "used", "rough", "worn", "refurbished", "for parts", "not working", "broken", "damaged", "open box",
		"open-box", "never used", "barely used", "brand-new", "new in box", "new with tags"}
	filler := strings.Repeat("Solid hardwood, smoke-free home, minor scuffs on one leg. ", 30)
	var texts []string
	for _, p := range phrases {
		for _, form := range []string{"condition: " + p, "Condition is " + p, p + " condition", p + " cond.", p} {
			texts = append(texts, form, strings.ToUpper(form), filler+form+". "+filler)
		}
	}
	texts = append(texts, filler, "", "Oak table T07", "Goodwill find, newest model")
	for _, text := range texts {
		if got, want := detectCondition("Oak table", text), detectConditionSlow("Oak table", text); got != want {
			t.Errorf("description %.80q…: condition %q, the full pattern says %q", text, got, want)
		}
		if got, want := detectCondition(text, ""), detectConditionSlow(text, ""); got != want {
			t.Errorf("title %.80q…: condition %q, the full pattern says %q", text, got, want)
		}
	}
}

// Free shipping reads the same with its cheap test first.
func TestMentionsFreeShippingSameWithItsCheapTest(t *testing.T) {
	t.Parallel()
	filler := strings.Repeat("Solid hardwood, smoke-free home, minor scuffs. ", 40)
	for _, text := range []string{"Free shipping", "FREE 2-day SHIPPING", "free local delivery", "Free S&H", "$25 shipped",
		"$1,200.00 SHIPPED today", "free to a good home", "shipped from Ohio", "", filler, filler + "free shipping",
		filler + "$30 shipped", "Fr\u0065e shipping"} {
		if got, want := mentionsFreeShipping(text), freeShipping().MatchString(text); got != want {
			t.Errorf("%.60q: free shipping %v, the pattern says %v", text, got, want)
		}
	}
}
