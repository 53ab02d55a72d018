package channels

import (
	"regexp"
	"sync"
)

// lazyRegexp is a pattern compiled on its first use. The channel patterns
// bound their lengths ({1,200}), which regexp expands into large programs:
// compiled at package init they cost every dealscout process, a cron poll
// with nothing due included, about 0.7 MB and 9,500 allocations, though only
// commands that parse a channel URL use them.
type lazyRegexp struct{ re func() *regexp.Regexp }

func newLazyRegexp(pattern string) lazyRegexp {
	return lazyRegexp{re: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })}
}

// MatchString reports whether s matches the pattern.
func (l lazyRegexp) MatchString(s string) bool { return l.re().MatchString(s) }
