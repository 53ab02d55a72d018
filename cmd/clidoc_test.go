package cmd

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// Regenerate docs/cli.md after adding or changing a command or flag:
//
//	go test ./cmd -run TestCLIReference -update-cli
var updateCLI = flag.Bool("update-cli", false, "rewrite docs/cli.md from the command tree")

const cliDocPath = "../docs/cli.md"

// cliReference renders every command, its usage, description and flags as
// markdown, from the same cobra tree the binary runs.
func cliReference() string {
	root := newRootCmd(newApp(Env{}))
	var b strings.Builder
	b.WriteString("# dealscout command reference\n\n")
	b.WriteString("Generated from the command tree by `go test ./cmd -run TestCLIReference -update-cli`; do not edit by hand.\n")
	b.WriteString("README.md explains the commands with examples; this file lists every flag.\n\n")
	b.WriteString("Global flags, accepted by every command:\n\n```\n" + root.PersistentFlags().FlagUsagesWrapped(100) + "```\n\n")
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c != root {
			writeCommand(&b, c)
		}
		subs := slices.Clone(c.Commands())
		slices.SortFunc(subs, func(x, y *cobra.Command) int { return strings.Compare(x.Name(), y.Name()) })
		for _, s := range subs {
			if s.Hidden || s.Name() == "help" {
				continue
			}
			walk(s)
		}
	}
	walk(root)
	return b.String()
}

func writeCommand(b *strings.Builder, c *cobra.Command) {
	fmt.Fprintf(b, "## %s\n\n%s\n\n", c.CommandPath(), c.Short)
	if c.Runnable() {
		fmt.Fprintf(b, "```\n%s\n```\n\n", c.UseLine())
	}
	if c.Long != "" && c.Long != c.Short {
		b.WriteString(strings.TrimSpace(c.Long) + "\n\n")
	}
	if c.Example != "" {
		fmt.Fprintf(b, "Examples:\n\n```\n%s\n```\n\n", strings.TrimRight(c.Example, "\n"))
	}
	if f := c.NonInheritedFlags(); f.HasAvailableFlags() {
		usages := f.FlagUsagesWrapped(100)
		if usages = strings.TrimRight(usages, "\n"); usages != "" {
			fmt.Fprintf(b, "Flags:\n\n```\n%s\n```\n\n", usages)
		}
	}
	if c.HasAvailableSubCommands() {
		b.WriteString("Subcommands:")
		for _, s := range c.Commands() {
			if s.IsAvailableCommand() {
				fmt.Fprintf(b, " `%s`", s.Name())
			}
		}
		b.WriteString("\n\n")
	}
}

// TestCLIReference keeps docs/cli.md the same as the command tree: a new
// command, flag or description fails it until the file is regenerated.
func TestCLIReference(t *testing.T) {
	want := cliReference()
	if want != cliReference() {
		t.Fatal("the reference is not the same twice; a default depends on the clock or the environment")
	}
	if *updateCLI {
		if err := os.WriteFile(cliDocPath, []byte(want), 0o644); err != nil { // #nosec G306 -- documentation
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(cliDocPath)
	if err != nil {
		t.Fatalf("%v; run: go test ./cmd -run TestCLIReference -update-cli", err)
	}
	if string(got) != want {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(want, "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Errorf("docs/cli.md line %d is\n  %q\nthe command tree says\n  %q", i+1, g, w)
				break
			}
		}
		t.Error("docs/cli.md is out of date; run: go test ./cmd -run TestCLIReference -update-cli")
	}
}

// TestCompletionScripts checks each documented shell gets a script that
// names the binary.
func TestCompletionScripts(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		out := c.ok("completion", shell)
		if len(out) < 200 || !strings.Contains(out, "dealscout") {
			t.Errorf("completion %s printed %d bytes without naming dealscout", shell, len(out))
		}
	}
	if code, _, _ := c.run("completion", "tcsh"); code != ExitUsage {
		t.Errorf("completion tcsh: exit %d, want 2", code)
	}
}
