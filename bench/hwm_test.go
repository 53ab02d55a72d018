package main

import (
	"context"
	"runtime"
	"testing"
	"time"
)

// A child's peak is its own, not the harness's: started from a process
// holding 300 MB, a shell that holds little reports little (rusage said
// at least 300 MB).
func TestRunReportsTheChildsOwnPeak(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("VmHWM is Linux's")
	}
	big := make([]byte, 300<<20)
	for i := range big {
		big[i] = 1
	}
	h := &harness{bin: "/bin/sh", o: options{budget: time.Minute}}
	in := &instance{h: h, dir: t.TempDir()}
	res, err := in.run(context.Background(), "-c", "sleep 0.1")
	if err != nil {
		t.Fatal(err)
	}
	if res.maxRSS <= 0 || res.maxRSS > 50<<20 {
		t.Errorf("a shell's peak RSS read as %d bytes, want its own few MB (the harness holds 300 MB)", res.maxRSS)
	}
	runtime.KeepAlive(big)
}
