package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Two servers may share a database; restore and migrate down (ExcludeServe)
// are refused while either runs, and a serve is refused while they run.
func TestServeLockSharedByServersExclusiveForRestore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "d.db")
	a, err := HoldServe(db)
	if err != nil {
		t.Fatalf("first serve: %v", err)
	}
	b, err := HoldServe(db)
	if err != nil {
		t.Fatalf("a second serve on the same database was refused: %v", err)
	}
	_, err = ExcludeServe(db)
	if !errors.Is(err, ErrServing) || !strings.Contains(err.Error(), fmt.Sprintf("(pid %d)", os.Getpid())) {
		t.Fatalf("restore while serving = %v, want ErrServing naming pid %d", err, os.Getpid())
	}
	if err := errors.Join(a.Release(), b.Release()); err != nil {
		t.Fatal(err)
	}
	x, err := ExcludeServe(db)
	if err != nil {
		t.Fatalf("restore after serve stopped = %v", err)
	}
	defer func() { _ = x.Release() }()
	if _, err := HoldServe(db); !errors.Is(err, ErrReshaping) {
		t.Errorf("serve during a restore = %v, want ErrReshaping", err)
	}
}
