package cmd

import (
	"os"
	"strings"
	"testing"
)

// Item 29 of issue 12: SMTP is the one outbound connection not checked
// against private addresses (its host is the operator's, often a local
// relay); the README says so where it explains DEALSCOUT_ALLOW_PRIVATE_NETWORKS.
func TestREADMESaysSMTPIsNotAddressChecked(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	i := strings.Index(text, "Outbound requests to loopback, private, link-local and metadata addresses are refused unless\n")
	if i < 0 {
		t.Fatal("README.md no longer explains DEALSCOUT_ALLOW_PRIVATE_NETWORKS after the settings table")
	}
	para, _, _ := strings.Cut(text[i:], "\n\n")
	if !strings.Contains(para, "SMTP") || !strings.Contains(para, "DEALSCOUT_SMTP_HOST") || !strings.Contains(para, "not checked") {
		t.Errorf("the README paragraph on private addresses does not say SMTP is not checked:\n%s", para)
	}
}
