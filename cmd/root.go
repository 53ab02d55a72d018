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

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Exit codes scripts rely on (README.md documents them).
const (
	ExitOK      = 0
	ExitError   = 1
	ExitUsage   = 2  // bad flags, arguments or configuration
	ExitPartial = 3  // poll: some sources failed, the rest were processed
	ExitLocked  = 75 // another poll holds the lock, or serve vs restore/migrate down (EX_TEMPFAIL)
	// ExitInterrupted and ExitTerminated follow the shell's 128+signal
	// convention, so systemd and cron see an interrupted run as not ok.
	ExitInterrupted = 130 // SIGINT
	ExitTerminated  = 143 // SIGTERM
)

// interrupted is the cause of the run's context being cancelled by a signal.
type interrupted struct{ sig os.Signal }

func (e *interrupted) Error() string { return "interrupted by " + signalName(e.sig) }

func (e *interrupted) code() int {
	if e.sig == syscall.SIGTERM {
		return ExitTerminated
	}
	return ExitInterrupted
}

func signalName(s os.Signal) string {
	switch s {
	case syscall.SIGTERM:
		return "SIGTERM"
	case os.Interrupt:
		return "SIGINT"
	}
	return s.String()
}

// interruptedBy returns the signal that cancelled ctx, or nil.
func interruptedBy(ctx context.Context) *interrupted {
	var in *interrupted
	if errors.As(context.Cause(ctx), &in) {
		return in
	}
	return nil
}

// withSignals returns a context cancelled, with an interrupted cause, by the
// first SIGINT or SIGTERM. After it the signals' default action is restored,
// so a second Ctrl-C stops a run that is slow to wind down.
func withSignals(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			signal.Reset(os.Interrupt, syscall.SIGTERM)
			cancel(&interrupted{sig: s})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
}

// interruptedError is a command's one-line account of a run a signal cut
// short: what it had committed by then.
type interruptedError struct {
	in     *interrupted
	detail string
}

func (e *interruptedError) Error() string { return e.in.Error() + "; " + e.detail }

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
	ctx, stop := withSignals(context.Background())
	code := Run(ctx, os.Args[1:], Env{Environ: os.Environ(), Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Terminal: isatty.IsTerminal(os.Stdin.Fd())})
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
	// Terminal says a person is at stdin, so a command may ask before it
	// destroys data; otherwise it needs --yes.
	Terminal bool
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
	if in := interruptedBy(ctx); in != nil {
		// One line: the command's own report of what it finished, or just
		// the signal; never the "context canceled" of every step it cut short.
		code = in.code()
		var ie *interruptedError
		if !errors.As(err, &ie) {
			err = in
		}
	}
	if isReadOnlyDB(err) && a.cfg != nil {
		err = fmt.Errorf("%s is read-only to this user (no write access to the file or its directory), and this command writes to it: %w", a.cfg.DBPath, err)
	}
	// Printed once, here: commands return errors rather than log them, so
	// a failure is one line however logs are formatted.
	msg := err.Error()
	fmt.Fprintf(env.Stderr, "dealscout: %s\n", msg)
	if code == ExitUsage && isCobraUsage(err) {
		fmt.Fprintln(env.Stderr, "Run 'dealscout --help' for usage.")
	}
	return code
}

// isReadOnlyDB recognises SQLite's SQLITE_READONLY (and its extended codes).
func isReadOnlyDB(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_READONLY
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
	f.StringVar(&a.flags.db, "db", "", "SQLite database `FILE` (env DEALSCOUT_DB, default dealscout.db)")
	f.StringVar(&a.flags.config, "config", "", "KEY=VALUE settings `FILE` (env DEALSCOUT_CONFIG; default .env in the working directory)")
	f.StringVar(&a.flags.logFormat, "log-format", "", "log `FORMAT`: auto, text or json (env DEALSCOUT_LOG_FORMAT)")
	f.StringVar(&a.flags.logLevel, "log-level", "", "log `LEVEL`: debug, info, warn or error (env DEALSCOUT_LOG_LEVEL)")
	root.AddCommand(newVersionCmd(a), newConfigCmd(a), newMigrateCmd(a), newWatchCmd(a), newChannelCmd(a), newPollCmd(a),
		newDealsCmd(a), newScoreCmd(a), newNotifyCmd(a), newAlertsCmd(a), newListingCmd(a), newBackupCmd(a), newRestoreCmd(a),
		newDemoCmd(a), newPruneCmd(a), newHealthcheckCmd(a), newServeCmd(a), newTokenCmd(a))
	addVersionFlag(root)
	setupCompletion(root)
	return root
}
