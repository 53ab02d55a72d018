package config

import "strings"

// closestKey returns the known name nearest to key by edit distance, or ""
// when nothing is close enough to be a plausible typo. Names are compared
// without the shared DEALSCOUT_ prefix so it does not make every name look close.
func closestKey(key string) string {
	typed := strings.TrimPrefix(key, envPrefix)
	best, bestDist := "", -1
	for _, s := range settings {
		candidates := []string{s.Name}
		if s.Secret {
			candidates = append(candidates, s.Name+fileSuffix)
		}
		for _, name := range candidates {
			short := strings.TrimPrefix(name, envPrefix)
			d := editDistance(typed, short)
			if len(typed) >= 4 && strings.HasPrefix(short, typed) {
				d = 1 // a cut-off name (SMTP_PASS) is closer than edits make it look
			}
			if bestDist < 0 || d < bestDist {
				best, bestDist = name, d
			}
		}
	}
	if bestDist > max(2, len(typed)/4) {
		return ""
	}
	return best
}

// editDistance is the optimal-string-alignment distance: insertions,
// deletions, substitutions and swaps of neighbours each cost one, so the
// common typo LEVLE is one step from LEVEL.
func editDistance(a, b string) int {
	// Three rolling rows: the one two back is needed for swaps.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
