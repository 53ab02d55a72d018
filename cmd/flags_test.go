package cmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// placeholder is what a backquoted word in a flag's usage must be: pflag
// turns `X` into the value's name in --help ("--listing ID"), so anything
// else there (a command to run, a sentence) comes out mangled.
var placeholder = regexp.MustCompile("^[A-Z][A-Z0-9_]*(:[A-Z0-9_]+)?$")

func walkCommands(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, sub := range c.Commands() {
		walkCommands(sub, fn)
	}
}

// Item 7: every flag of every command reads right in --help: a backquoted
// word is only ever a value placeholder such as ID, and no backtick is left.
func TestEveryFlagUsageReadsRight(t *testing.T) {
	t.Parallel()
	root := newRootCmd(newApp(Env{}))
	n := 0
	walkCommands(root, func(c *cobra.Command) {
		check := func(f *pflag.Flag) {
			n++
			where := c.CommandPath() + " --" + f.Name
			for i, part := range strings.Split(f.Usage, "`") {
				if i%2 == 1 && !placeholder.MatchString(part) {
					t.Errorf("%s: usage %q backquotes %q, which --help shows as the value's name; backquote only a placeholder such as ID", where, f.Usage, part)
				}
			}
			if strings.Count(f.Usage, "`")%2 == 1 {
				t.Errorf("%s: usage %q has an unpaired backtick", where, f.Usage)
			}
			name, usage := pflag.UnquoteUsage(f)
			if strings.Contains(usage, "`") || strings.ContainsAny(name, " `") {
				t.Errorf("%s: --help reads %q %q", where, name, usage)
			}
		}
		c.LocalFlags().VisitAll(check)
	})
	if n < 50 {
		t.Fatalf("walked only %d flags; the walk misses commands", n)
	}
	// And the rendered help of the commands the issue named.
	for _, args := range [][]string{{"poll", "--help"}, {"watch", "add", "--help"}, {"watch", "edit", "--help"}} {
		var out bytes.Buffer
		code := Run(context.Background(), args, Env{Stdout: &out, Stderr: &out, WorkDir: t.TempDir(),
			Environ: []string{"DEALSCOUT_DB=" + filepath.Join(t.TempDir(), "x.db")}})
		if code != 0 || strings.Contains(out.String(), "dealscout notify flush") && strings.Contains(out.String(), "--no-notify dealscout") ||
			strings.Contains(out.String(), "--notify dealscout") {
			t.Errorf("%v: exit %d, help mangled:\n%s", args, code, out.String())
		}
	}
}

// Item 14: an error is printed once, as "dealscout: ...", not also as a log line.
func TestErrorPrintedOnce(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	if err := os.WriteFile(filepath.Join(c.dir, "dealscout.db"), []byte("this is not a database, it is a note\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"json", "text"} {
		code, _, errs := c.run("--log-format", format, "watch", "list")
		if code != ExitError {
			t.Fatalf("exit %d, want %d: %s", code, ExitError, errs)
		}
		if n := strings.Count(errs, "not a SQLite database"); n != 1 {
			t.Errorf("--log-format %s: the error appears %d times in stderr, want once:\n%s", format, n, errs)
		}
		if !strings.HasPrefix(errs, "dealscout: ") {
			t.Errorf("--log-format %s: stderr %q does not start with \"dealscout: \"", format, errs)
		}
	}
}
