// Package channeltest holds what every channel's tests share: the fixed
// clock, the sample messages the golden files are rendered from, the golden
// file helper with its -update flag, and a scripted fake provider. It is
// imported by tests only.
package channeltest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// Now is the fixed time every channel test runs at.
var Now = time.Date(2026, 11, 24, 15, 4, 5, 0, time.UTC)

// Clock returns Now; pass it where a channel takes a clock.
func Clock() time.Time { return Now }

// Golden compares got with testdata/name, or rewrites the file under -update.
func Golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
	}
}
