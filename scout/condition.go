package scout

import (
	"fmt"
	"strings"
)

// Condition is the normalised state of an item, from best to worst.
type Condition string

// The condition vocabulary every source is normalised into.
const (
	CondNew       Condition = "new"
	CondLikeNew   Condition = "like_new"
	CondExcellent Condition = "excellent"
	CondGreat     Condition = "great"
	CondGood      Condition = "good"
	CondFair      Condition = "fair"
	CondPoor      Condition = "poor"
	CondUnknown   Condition = "unknown"
)

// Conditions lists the vocabulary in order, best first.
var Conditions = []Condition{CondNew, CondLikeNew, CondExcellent, CondGreat, CondGood, CondFair, CondPoor, CondUnknown}

// ParseCondition accepts exactly one of the vocabulary's words (case and
// surrounding space ignored, "like new" and "like-new" accepted for like_new).
func ParseCondition(s string) (Condition, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	k = strings.NewReplacer(" ", "_", "-", "_").Replace(k)
	for _, c := range Conditions {
		if string(c) == k {
			return c, nil
		}
	}
	return "", fmt.Errorf("condition must be one of %s (got %q)", conditionList(), s)
}

func conditionList() string {
	names := make([]string, len(Conditions))
	for i, c := range Conditions {
		names[i] = string(c)
	}
	return strings.Join(names, ", ")
}

// NormalizeCondition maps free text — eBay condition names, seller wording,
// the original Deal Scout's values — onto the vocabulary. Unrecognised text is
// CondUnknown, never an error: sources must not fail over a condition.
func NormalizeCondition(s string) Condition {
	if c, err := ParseCondition(s); err == nil {
		return c
	}
	t := strings.ToLower(s)
	switch {
	case t == "":
		return CondUnknown
	case containsAny(t, "for parts", "not working", "broken", "damaged"):
		return CondPoor
	case containsAny(t, "open box", "like new", "like-new", "mint", "excellent - refurbished", "certified - refurbished", "new other", "new with defects", "barely used", "never used"):
		return CondLikeNew
	case containsAny(t, "excellent", "very good - refurbished"):
		return CondExcellent
	case containsAny(t, "very good", "great"):
		return CondGreat
	case containsAny(t, "refurbished", "good"):
		return CondGood
	case containsAny(t, "acceptable", "fair", "worn", "used"):
		return CondFair
	case containsAny(t, "poor", "rough"):
		return CondPoor
	case containsAny(t, "brand new", "new"):
		return CondNew
	}
	return CondUnknown
}

// Rank orders conditions for comparisons: higher is better, unknown is 0.
func (c Condition) Rank() int {
	switch c {
	case CondNew:
		return 7
	case CondLikeNew:
		return 6
	case CondExcellent:
		return 5
	case CondGreat:
		return 4
	case CondGood:
		return 3
	case CondFair:
		return 2
	case CondPoor:
		return 1
	}
	return 0
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
