package cmd

import (
	"os"
	"strings"
	"testing"

	"github.com/dealscout/dealscout/config"
)

// TestREADMEDocumentsEverySetting keeps README.md's configuration table true:
// every key the binary reads must be documented there.
func TestREADMEDocumentsEverySetting(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range config.Keys() {
		if !strings.Contains(string(b), "`"+k.Name+"`") {
			t.Errorf("README.md does not document %s", k.Name)
		}
	}
}

// TestREADMEListsEveryCommand keeps the command table true.
func TestREADMEListsEveryCommand(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	root := newRootCmd(newApp(Env{}))
	for _, c := range root.Commands() {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		if !strings.Contains(string(b), "`"+c.Name()) {
			t.Errorf("README.md does not list the %s command", c.Name())
		}
	}
}
