package channeltest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dealscout/dealscout/notify"
)

// Failure is the *notify.SendError a Send should have returned.
type Failure struct {
	Status     int
	Permanent  bool
	RetryAfter time.Duration
}

// CheckFailure asserts that err is a *notify.SendError matching want and
// that none of the secrets appear in its text.
func CheckFailure(t *testing.T, err error, want Failure, secrets ...string) {
	t.Helper()
	var se *notify.SendError
	if !errors.As(err, &se) {
		t.Fatalf("error = %v (%T), want a *notify.SendError", err, err)
	}
	if se.Status != want.Status || se.Permanent != want.Permanent || se.RetryAfter != want.RetryAfter {
		t.Errorf("SendError{Status: %d, Permanent: %t, RetryAfter: %v}, want {%d, %t, %v} (%v)",
			se.Status, se.Permanent, se.RetryAfter, want.Status, want.Permanent, want.RetryAfter, err)
	}
	NoSecrets(t, err.Error(), secrets...)
}

// NoSecrets fails the test when text contains any of the secrets.
func NoSecrets(t *testing.T, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%q leaks the secret %q", text, s)
		}
	}
}
