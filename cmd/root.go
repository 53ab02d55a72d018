// Package cmd holds one file per cobra command. Commands only wire
// dependencies from the configuration, run, and map errors to exit codes.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
)

// Exit codes scripts rely on (README.md documents them).
const (
	ExitOK      = 0
	ExitError   = 1
	ExitUsage   = 2  // bad flags, arguments or configuration
	ExitPartial = 3  // poll: some sources failed, the rest were processed
	ExitLocked  = 75 // another poll holds the lock (EX_TEMPFAIL)
)

// exitError carries an exit code up to Run.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, a ...any) error {
	return &exitError{ExitUsage, fmt.Errorf(format, a...)}
}

func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code, err}
}

// Execute runs the binary with the process's arguments and exits.
func Execute() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, os.Args[1:], Env{Environ: os.Environ(), Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
	stop()
	os.Exit(code)
}

// Env is everything a run takes from its process, so tests can run the CLI
// in-process against a temporary directory.
type Env struct {
	Environ []string
	WorkDir string // "" = the process's
	Stdin   io.Reader
	Stdout  io.Writer
	Stderr  io.Writer
	Now     func() time.Time // clock; nil = time.Now
}

// Run executes one command line and returns its exit code.
func Run(ctx context.Context, args []string, env Env) int {
	a := newApp(env)
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.ExecuteContext(ctx)
	defer a.close()
	if err == nil {
		return a.exitCode
	}
	code := codeFor(err)
	msg := err.Error()
	if a.log != nil && code == ExitError {
		a.log.Error("command failed", "error", msg)
	}
	fmt.Fprintf(env.Stderr, "dealscout: %s\n", msg)
	if code == ExitUsage && isCobraUsage(err) {
		fmt.Fprintln(env.Stderr, "Run 'dealscout --help' for usage.")
	}
	return code
}

func codeFor(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if isCobraUsage(err) {
		return ExitUsage
	}
	return ExitError
}

// isCobraUsage recognises cobra's and pflag's own argument errors, which are
// plain errors with no type to match.
func isCobraUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument",
		"invalid argument", "accepts ", "requires at least", "requires at most", "required flag", "if any flags in the group"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "dealscout",
		Short: "Watch marketplaces for underpriced second-hand deals and get alerted fast",
		Long: `dealscout watches marketplaces (eBay, RSS/Atom feeds, JSON files, Craigslist when allowed) for your
saved searches, scores every listing as a deal, and alerts you by email, Discord, SMS and more.
Everything lives in one SQLite file (--db).`,
		SilenceErrors:     true,
		SilenceUsage:      true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return a.load(cmd) },
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &exitError{ExitUsage, err} })
	f := root.PersistentFlags()
	f.StringVar(&a.flags.db, "db", "", "SQLite database file (env DEALSCOUT_DB, default dealscout.db)")
	f.StringVar(&a.flags.config, "config", "", "KEY=VALUE settings file (env DEALSCOUT_CONFIG; default .env in the working directory)")
	f.StringVar(&a.flags.logFormat, "log-format", "", "log format: auto, text or json (env DEALSCOUT_LOG_FORMAT)")
	f.StringVar(&a.flags.logLevel, "log-level", "", "log level: debug, info, warn or error (env DEALSCOUT_LOG_LEVEL)")
	root.AddCommand(newVersionCmd(a), newConfigCmd(a), newMigrateCmd(a), newWatchCmd(a), newChannelCmd(a), newPollCmd(a),
		newDealsCmd(a), newScoreCmd(a), newNotifyCmd(a), newAlertsCmd(a), newListingCmd(a), newBackupCmd(a), newRestoreCmd(a),
		newDemoCmd(a))
	return root
}
