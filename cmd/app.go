package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/lmittmann/tint"
	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/dealscout/dealscout/config"
	"github.com/dealscout/dealscout/store"
)

// app is what every command shares: the loaded configuration, the logger and
// the store, built once per run.
type app struct {
	env      Env
	flags    globalFlags
	cfg      *config.Config
	log      *slog.Logger
	st       *store.Store
	exitCode int
	// leanDB opens the store with store.Options.Lean (set by serve).
	leanDB bool
}

type globalFlags struct {
	db, config, logFormat, logLevel string
}

func newApp(env Env) *app {
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Stdin == nil {
		env.Stdin = eofReader{}
	}
	return &app{env: env}
}

func (a *app) now() time.Time { return a.env.Now().UTC() }

// load reads and validates the configuration and sets up logging. A bad
// configuration is a usage error (exit 2) naming the key.
func (a *app) load(cmd *cobra.Command) error {
	if err := refuseNonFinite(cmd); err != nil {
		return err
	}
	flags := map[string]string{}
	flagOf := map[string]string{} // DEALSCOUT_X → --x, for the flags given
	set := func(name, key, val string) {
		if cmd.Flags().Changed(name) {
			flags[key] = val
			flagOf[key] = "--" + name
		}
	}
	set("db", "DEALSCOUT_DB", a.flags.db)
	set("log-format", "DEALSCOUT_LOG_FORMAT", a.flags.logFormat)
	set("log-level", "DEALSCOUT_LOG_LEVEL", a.flags.logLevel)
	set("addr", "DEALSCOUT_ADDR", flagString(cmd, "addr"))
	cfgFile := a.flags.config
	if !cmd.Flags().Changed("config") {
		cfgFile = ""
	}
	wd := a.env.WorkDir
	if wd == "" {
		wd, _ = os.Getwd()
	}
	cfg, warnings, err := config.Load(config.Sources{Environ: a.env.Environ, WorkDir: wd, ConfigFile: cfgFile, Flags: flags})
	if err != nil {
		nameFlags(err, flagOf)
		var ce *config.Error
		if errors.As(err, &ce) {
			return &exitError{ExitUsage, err}
		}
		return &exitError{ExitUsage, fmt.Errorf("configuration: %w", err)}
	}
	a.cfg = cfg
	a.log = newLogger(a.env.Stderr, cfg.LogFormat, cfg.LogLevel)
	for _, w := range warnings {
		a.log.Warn(w.String())
	}
	return nil
}

// nameFlags makes configuration errors about a value given as a flag name
// the flag the user typed (--log-level), not the variable they did not set.
func nameFlags(err error, flagOf map[string]string) {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			nameFlags(e, flagOf)
		}
		return
	}
	var ce *config.Error
	if errors.As(err, &ce) && ce.File == "" && flagOf[ce.Key] != "" {
		ce.Key = flagOf[ce.Key]
	}
}

// refuseNonFinite refuses NaN and ±Inf in every number flag of every
// command: strconv reads them, and no dealscout setting means them
// ("deals --min-score NaN" would silently match nothing).
func refuseNonFinite(cmd *cobra.Command) error {
	var err error
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if err != nil || (f.Value.Type() != "float64" && f.Value.Type() != "float32") {
			return
		}
		if v, perr := strconv.ParseFloat(f.Value.String(), 64); perr == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
			err = usageError("--%s must be a number (got %s)", f.Name, f.Value.String())
		}
	})
	return err
}

func flagString(cmd *cobra.Command, name string) string {
	f := cmd.Flags().Lookup(name)
	if f == nil {
		return ""
	}
	return f.Value.String()
}

// newLogger builds the slog logger: tint with colours on a terminal, JSON
// otherwise ("auto"), or as asked.
func newLogger(w io.Writer, format string, lv slog.Level) *slog.Logger {
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
			format = "text"
		}
	}
	if format == "text" {
		color := false
		if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
			color = true
		}
		return slog.New(tint.NewTextHandler(w, &tint.Options{Level: lv, TimeFormat: time.Kitchen, NoColor: !color}))
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lv}))
}

// store opens the database. Commands that change data call it with
// migrate=true: pending migrations are applied unless DEALSCOUT_AUTO_MIGRATE
// is false, and a schema newer than the binary is refused.
func (a *app) store(ctx context.Context, migrate bool) (*store.Store, error) {
	if a.st != nil {
		return a.st, nil
	}
	if !store.Writable(a.cfg.DBPath) {
		return a.readOnlyStore(ctx)
	}
	st, err := store.Open(ctx, a.cfg.DBPath, store.Options{Now: a.env.Now, Logger: a.log, Lean: a.leanDB})
	if err != nil {
		return nil, err
	}
	err = st.CheckSchema(ctx)
	switch {
	case err == nil:
	case store.IsPending(err) && migrate && a.cfg.AutoMigrate:
		applied, merr := st.Migrate(ctx, 0)
		if merr != nil {
			_ = st.Close()
			return nil, merr
		}
		if len(applied) > 0 {
			a.log.Info("database migrated", "db", a.cfg.DBPath, "applied", applied)
		}
	case store.IsPending(err) && migrate:
		_ = st.Close()
		return nil, fmt.Errorf("%w (DEALSCOUT_AUTO_MIGRATE is false)", err)
	case store.IsPending(err):
		// Read-only commands work on an older schema only if nothing is missing; say what to do.
		_ = st.Close()
		return nil, err
	default:
		_ = st.Close()
		return nil, err
	}
	a.st = st
	return st, nil
}

// readOnlyStore opens a database this process may not write (a read-only
// mount, a 0444 file, another user's file): commands that only read work;
// one that writes fails at its first write, saying the database is read-only.
func (a *app) readOnlyStore(ctx context.Context) (*store.Store, error) {
	st, err := store.OpenReadOnly(ctx, a.cfg.DBPath, store.Options{Now: a.env.Now})
	if err != nil {
		return nil, err
	}
	if err := st.CheckSchema(ctx); err != nil {
		_ = st.Close()
		if store.IsPending(err) {
			return nil, fmt.Errorf("%w; the database is read-only to this user, so run that where it can be written", err)
		}
		return nil, err
	}
	a.log.Debug("database opened read-only: no write access to it or its directory", "db", a.cfg.DBPath)
	a.st = st
	return st, nil
}

func (a *app) close() {
	if a.st == nil {
		return
	}
	if ts := a.st.WriteTimes(); len(ts) > 0 && a.log != nil {
		a.logWriteTimes(ts)
	}
	_ = a.st.Close()
}

// logWriteTimes reports, at debug level, how long this process's write
// transactions held or waited for the write lock: the figure that shows
// whether concurrent processes slow each other down.
func (a *app) logWriteTimes(ts []time.Duration) {
	ms := make([]float64, len(ts))
	for i, d := range ts {
		ms[i] = math.Round(float64(d.Microseconds())/100) / 10
	}
	sorted := slices.Clone(ms)
	slices.Sort(sorted)
	p99 := sorted[min(len(sorted)-1, len(sorted)*99/100)]
	a.log.Debug("write transactions", "count", len(ms), "p50_ms", sorted[len(sorted)/2], "p99_ms", p99,
		"max_ms", sorted[len(sorted)-1], "ms", ms)
}

func (a *app) stdout() io.Writer { return a.env.Stdout }

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
