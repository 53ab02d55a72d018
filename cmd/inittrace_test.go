package cmd

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestPackageInitIsCheap: every dealscout process, a cron poll with nothing
// due included, runs every package's init before main. The ones below used
// to parse or compile at init what only some commands need (the fallback CA
// bundle, 0.67 MB; the channel URL patterns, 0.69 MB; the email template,
// the E.164, watch name and feed condition patterns): they now do it on first use.
// The test binary, which links the same packages as dealscout, is run again
// with GODEBUG=inittrace=1, which prints what each package's init allocated.
func TestPackageInitIsCheap(t *testing.T) {
	if os.Getenv("DEALSCOUT_TEST_INITTRACE") != "" {
		return // the child: its init has been traced
	}
	t.Parallel()
	c := exec.Command(os.Args[0], "-test.run=^TestPackageInitIsCheap$", "-test.count=1") // #nosec G204 -- the test binary itself
	c.Env = append(os.Environ(), "GODEBUG=inittrace=1", "DEALSCOUT_TEST_INITTRACE=1")
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("traced child: %v\n%s", err, out)
	}
	trace := string(out)
	if strings.Contains(trace, "init golang.org/x/crypto/x509roots/fallback ") {
		t.Errorf("golang.org/x/crypto/x509roots/fallback is initialised: it parses the CA bundle at init; hand the roots over on first use (roots.go)")
	}
	line := regexp.MustCompile(`(?m)^init (\S+) @\S+ ms, \S+ ms clock, (\d+) bytes, (\d+) allocs`)
	inits := map[string][2]int{}
	for _, m := range line.FindAllStringSubmatch(trace, -1) {
		b, _ := strconv.Atoi(m[2])
		a, _ := strconv.Atoi(m[3])
		inits[m[1]] = [2]int{b, a}
	}
	if len(inits) == 0 {
		t.Fatalf("no init lines in the child's trace:\n%s", trace)
	}
	for _, b := range []struct {
		pkg              string
		maxBytes, allocs int
	}{
		// Room above today's figures (and -race's extra allocations), far
		// below what a pattern or a bundle parsed at init costs (80-700 kB).
		{"notify/channels", 8 << 10, 150},
		{"notify/email", 8 << 10, 150},
		{"notify/sms", 4 << 10, 60},
		{"scout", 64 << 10, 1000}, // its tables stay; the name pattern (110 kB) is compiled on first use
		{"scout/feed", 24 << 10, 300},
	} {
		got := inits["github.com/dealscout/dealscout/"+b.pkg] // absent: nothing allocated at init
		if got[0] > b.maxBytes || got[1] > b.allocs {
			t.Errorf("%s init allocates %d bytes in %d allocations, want at most %d and %d: build what it needs on first use",
				b.pkg, got[0], got[1], b.maxBytes, b.allocs)
		}
	}
}
