package channels

import (
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
)

// TestPackageInitIsCheap: every dealscout process, a cron poll with nothing
// due included, initialises this package, so its init must not compile the
// channel patterns (about 0.7 MB and 9,500 allocations when it did). The
// test binary is run again with GODEBUG=inittrace=1, which prints what each
// package's init allocated.
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
	m := regexp.MustCompile(`(?m)^init github\.com/dealscout/dealscout/notify/channels @\S+ ms, \S+ ms clock, (\d+) bytes, (\d+) allocs`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no init line for notify/channels in the child's trace:\n%s", out)
	}
	bytes, _ := strconv.Atoi(string(m[1]))
	allocs, _ := strconv.Atoi(string(m[2]))
	const maxBytes, maxAllocs = 64 << 10, 500
	if bytes > maxBytes || allocs > maxAllocs {
		t.Errorf("notify/channels init allocates %d bytes in %d allocations, want at most %d and %d: build what it needs on first use", bytes, allocs, maxBytes, maxAllocs)
	}
}
