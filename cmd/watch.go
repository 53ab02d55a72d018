package cmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

func newWatchCmd(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "watch",
		Short: "Manage watches (saved searches): add, list, show, edit, rm, pause, resume, import, export",
	}
	c.AddCommand(newWatchAddCmd(a), newWatchEditCmd(a), newWatchListCmd(a), newWatchShowCmd(a),
		newWatchRmCmd(a), newWatchPauseCmd(a, true), newWatchPauseCmd(a, false), newWatchExportCmd(a), newWatchImportCmd(a))
	return c
}

// watchFlags are the flags add and edit share; edit applies only those given.
type watchFlags struct {
	query, minPrice, maxPrice, currency, zip, digest, quiet, radius string
	exclude, sources, conditions, notify                            []string
	lat, lng, minScore                                              float64
	every                                                           time.Duration
}

func (f *watchFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.query, "query", "", "search for `Q`: words, \"quoted phrases\", -excluded words")
	fs.StringSliceVar(&f.exclude, "exclude", nil, "a `WORD` that must not appear (repeatable)")
	fs.StringSliceVar(&f.sources, "source", nil, "`SPEC` of where to look: ebay, ebay:CATEGORY_IDS, feed:URL, craigslist:SITE, file:PATH, demo (repeatable; default demo)")
	fs.StringVar(&f.minPrice, "min-price", "", "lowest `PRICE` in currency units, e.g. 50 or 49.99 (\"none\" clears)")
	fs.StringVar(&f.maxPrice, "max-price", "", "highest `PRICE` in currency units, e.g. 400 or 399.99 (\"none\" clears)")
	fs.StringVar(&f.currency, "currency", "", "ISO `CURRENCY` of the price range (default USD)")
	fs.StringSliceVar(&f.conditions, "condition", nil, "acceptable `CONDITION` (repeatable): "+conditionWords())
	fs.StringVar(&f.zip, "zip", "", "US `ZIP` code the search is centred on")
	fs.Float64Var(&f.lat, "lat", 0, "latitude `LAT` the search is centred on (with --lng)")
	fs.Float64Var(&f.lng, "lng", 0, "longitude `LNG` the search is centred on (with --lat)")
	fs.StringVar(&f.radius, "radius-mi", "", "only listings within this many `MILES` (1–500; needs --zip or --lat/--lng; \"none\" clears)")
	fs.Float64Var(&f.minScore, "min-score", scout.DefaultMinScore, "alert at once when a deal scores at least `SCORE` (0–100)")
	fs.StringSliceVar(&f.notify, "notify", nil, "`CHANNEL` to alert (repeatable; dealscout channel list shows them)")
	fs.DurationVar(&f.every, "every", scout.DefaultEvery, "least `TIME` between two polls of this watch, e.g. 15m or 1h")
	fs.StringVar(&f.digest, "digest", scout.DefaultDigest, "`WHEN` to send the digest of the deals that did not alert at once: daily@HH:MM, hourly or off")
	fs.StringVar(&f.quiet, "quiet", "", "quiet `HOURS` that hold instant alerts, e.g. 22:00-07:00 (\"off\" clears)")
}

func conditionWords() string {
	ws := make([]string, len(scout.Conditions))
	for i, c := range scout.Conditions {
		ws[i] = string(c)
	}
	return strings.Join(ws, ", ")
}

// apply copies the flags the user set onto w.
func (f *watchFlags) apply(fs *pflag.FlagSet, w *scout.Watch) error {
	ch := fs.Changed
	if ch("query") {
		w.Query = f.query
	}
	if ch("exclude") {
		w.Exclude = f.exclude
	}
	if ch("source") {
		w.Sources = f.sources
	}
	for _, p := range []struct {
		flag, val string
		dst       **int64
	}{{"min-price", f.minPrice, &w.MinPriceCents}, {"max-price", f.maxPrice, &w.MaxPriceCents}} {
		if !ch(p.flag) {
			continue
		}
		if p.val == "none" || p.val == "" {
			*p.dst = nil
			continue
		}
		cents, err := scout.ParseAmount(p.val)
		if err != nil {
			return &scout.FieldError{Field: strings.ReplaceAll(p.flag, "-", "_"), Problem: fmt.Sprintf("--%s: %v; give an amount between 0 and 1000000, e.g. 149.99", p.flag, err)}
		}
		*p.dst = &cents
	}
	if ch("currency") {
		w.Currency = f.currency
	}
	if ch("condition") {
		w.Conditions = nil
		for _, c := range f.conditions {
			w.Conditions = append(w.Conditions, scout.Condition(c))
		}
	}
	if ch("zip") {
		w.ZIP, w.HasCoords = f.zip, false
	}
	if ch("lat") || ch("lng") {
		if !ch("lat") || !ch("lng") {
			return &scout.FieldError{Field: "lat", Problem: "--lat and --lng must be given together"}
		}
		if ch("zip") && f.zip != "" {
			return &scout.FieldError{Field: "zip", Problem: "give either --zip or --lat/--lng, not both"}
		}
		w.ZIP, w.HasCoords, w.Lat, w.Lng = "", true, f.lat, f.lng
	}
	if ch("radius-mi") {
		r, err := parseRadius(f.radius)
		if err != nil {
			return err
		}
		w.RadiusMi = r
	}
	if ch("min-score") {
		w.MinScore = f.minScore
	}
	if ch("notify") {
		w.Notify = f.notify
	}
	if ch("every") {
		w.Every = f.every
	}
	if ch("digest") {
		w.Digest = f.digest
	}
	if ch("quiet") {
		w.Quiet = f.quiet
		if f.quiet == "off" {
			w.Quiet = ""
		}
	}
	return nil
}

// warnMissingCredentials warns, without refusing, when a watch uses eBay
// and the eBay credentials are not set: every poll of it would fail.
func (a *app) warnMissingCredentials(w *scout.Watch) {
	if a.cfg.EbayClientID != "" && a.cfg.EbayClientSecret.IsSet() {
		return
	}
	for _, s := range w.Sources {
		if spec, err := scout.ParseSourceSpec(s); err == nil && spec.Kind == "ebay" {
			fmt.Fprintf(a.env.Stderr, "dealscout: warning: watch %s uses eBay, but DEALSCOUT_EBAY_CLIENT_ID and DEALSCOUT_EBAY_CLIENT_SECRET are not both set; its polls will fail until they are (developer.ebay.com → Application Keys)\n",
				scout.ShortName(w.Name))
			return
		}
	}
}

// parseRadius reads --radius-mi: 1 to 500 miles, or "none" for no limit.
// 0 is refused rather than read as "no limit", which the help does not say.
func parseRadius(s string) (float64, error) {
	if s == "none" {
		return 0, nil
	}
	r, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(r) || r < 1 || r > 500 {
		return 0, &scout.FieldError{Field: "radius_mi", Problem: fmt.Sprintf("--radius-mi must be between 1 and 500 miles (got %q); \"none\" removes the limit", s)}
	}
	return r, nil
}

// validateWatch runs the watch's own checks and the ones that need the
// store: every notify name must be a channel.
func (a *app) validateWatch(cmd *cobra.Command, st *store.Store, w *scout.Watch) error {
	if err := w.Validate(a.cfg.LegalMode); err != nil {
		return withCode(ExitUsage, fmt.Errorf("watch %s: %w", scout.ShortName(w.Name), err))
	}
	missing, err := st.MissingChannels(cmd.Context(), w.Notify)
	if err != nil {
		return err
	}
	a.warnMissingCredentials(w)
	if len(missing) > 0 {
		return usageError("watch %s: notify: no channel named %s; add it first with `dealscout channel add NAME URL`", scout.ShortName(w.Name), strings.Join(missing, ", "))
	}
	return nil
}

func newWatchAddCmd(a *app) *cobra.Command {
	var f watchFlags
	c := &cobra.Command{
		Use:   "add NAME --query Q [flags]",
		Short: "Add a watch",
		Example: `  dealscout watch add couches --query "sectional sofa" --exclude broken --max-price 400 \
      --zip 94105 --radius-mi 25 --condition good --condition like_new --notify phone`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			w := scout.NewWatch(args[0])
			if err := f.apply(cmd.Flags(), &w); err != nil {
				return withCode(ExitUsage, fmt.Errorf("watch %s: %w", scout.ShortName(w.Name), err))
			}
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			if err := a.validateWatch(cmd, st, &w); err != nil {
				return err
			}
			if err := st.CreateWatch(cmd.Context(), &w); err != nil {
				if errors.Is(err, store.ErrConflict) {
					return usageError("%v; change it with `dealscout watch edit %s`", err, w.Name)
				}
				return err
			}
			fmt.Fprintf(a.stdout(), "added watch %q\n", w.Name)
			return nil
		},
	}
	f.register(c.Flags())
	return c
}

func newWatchEditCmd(a *app) *cobra.Command {
	var f watchFlags
	var rename string
	c := &cobra.Command{
		Use:   "edit NAME [flags]",
		Short: "Change a watch (only the flags given change)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			w, err := st.Watch(cmd.Context(), args[0])
			if err != nil {
				return notFoundIsUsage(err)
			}
			before := w
			before.Sources = slices.Clone(w.Sources)
			before.Exclude, before.Conditions, before.Notify = slices.Clone(w.Exclude), slices.Clone(w.Conditions), slices.Clone(w.Notify)
			if err := f.apply(cmd.Flags(), &w); err != nil {
				return withCode(ExitUsage, fmt.Errorf("watch %s: %w", scout.ShortName(w.Name), err))
			}
			if cmd.Flags().Changed("name") {
				w.Name = rename
			}
			if err := a.validateWatch(cmd, st, &w); err != nil {
				return err
			}
			if sameWatch(before, w) {
				fmt.Fprintf(a.stdout(), "watch %q: nothing changed (give the flags to change; see dealscout watch edit --help)\n", w.Name)
				return nil
			}
			removed, kept, err := st.UpdateWatch(cmd.Context(), &w, scout.DealStillMatches(&w))
			if err != nil {
				if errors.Is(err, store.ErrConflict) {
					return withCode(ExitUsage, err)
				}
				return err
			}
			fmt.Fprintf(a.stdout(), "updated watch %q\n", w.Name)
			if removed > 0 {
				verb := "no longer match the new filters and were removed"
				if removed == 1 {
					verb = "no longer matches the new filters and was removed"
				}
				fmt.Fprintf(a.stdout(), "%s %s; %d left\n", plural(removed, "deal"), verb, kept)
			}
			return nil
		},
	}
	f.register(c.Flags())
	c.Flags().StringVar(&rename, "name", "", "rename the watch to `NEW`")
	return c
}

func newWatchListCmd(a *app) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "list",
		Short: "List watches",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			ws, err := st.Watches(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout(), nonNilSlice(ws))
			}
			if len(ws) == 0 {
				fmt.Fprintln(a.stdout(), "no watches yet; add one with `dealscout watch add NAME --query Q`")
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tQUERY\tSOURCES\tPRICE\tEVERY\tNOTIFY\tSTATE")
			for _, w := range ws {
				state := "active"
				if w.Paused {
					state = "paused"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", w.Name, clip(w.Query, 40), shownSources(w.Sources, ","),
					priceRange(w), scout.FormatEvery(w.Every), strings.Join(w.Notify, ","), state)
			}
			return tw.Flush()
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func newWatchShowCmd(a *app) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "show NAME",
		Short: "Show one watch",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			w, err := st.Watch(cmd.Context(), args[0])
			if err != nil {
				return notFoundIsUsage(err)
			}
			if asJSON {
				return writeJSON(a.stdout(), w)
			}
			tw := tabwriter.NewWriter(a.stdout(), 0, 4, 2, ' ', 0)
			loc := w.ZIP
			if loc == "" && w.HasCoords {
				loc = fmt.Sprintf("%.4f,%.4f", w.Lat, w.Lng)
			}
			rows := [][2]string{{"name", w.Name}, {"query", w.Query}, {"exclude", strings.Join(w.Exclude, ", ")},
				{"sources", shownSources(w.Sources, ", ")}, {"price", priceRange(w)}, {"currency", w.Currency},
				{"conditions", joinConds(w.Conditions)}, {"location", loc}, {"radius", fmt.Sprintf("%g mi", w.RadiusMi)},
				{"alert at score", fmt.Sprintf("%g", w.MinScore)}, {"notify", strings.Join(w.Notify, ", ")},
				{"every", scout.FormatEvery(w.Every)}, {"digest", w.Digest}, {"quiet", w.Quiet},
				{"paused", fmt.Sprint(w.Paused)}, {"last polled", a.showTime(w.LastPolledAt)}}
			for _, r := range rows {
				fmt.Fprintf(tw, "%s:\t%s\n", r[0], r[1])
			}
			return tw.Flush()
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func newWatchRmCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "rm NAME",
		Short: "Remove a watch and its deals (listings stay for market comparisons)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			if err := st.DeleteWatch(cmd.Context(), args[0]); err != nil {
				return notFoundIsUsage(err)
			}
			fmt.Fprintf(a.stdout(), "removed watch %q\n", args[0])
			return nil
		},
	}
}

func newWatchPauseCmd(a *app, pause bool) *cobra.Command {
	use, short, done := "resume NAME", "Resume polling a watch", "resumed"
	if pause {
		use, short, done = "pause NAME", "Stop polling a watch until resumed", "paused"
	}
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			if err := st.SetWatchPaused(cmd.Context(), args[0], pause); err != nil {
				return notFoundIsUsage(err)
			}
			fmt.Fprintf(a.stdout(), "%s watch %q\n", done, args[0])
			return nil
		},
	}
}

func newWatchExportCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "export [FILE]",
		Short: "Write every watch as JSON to FILE or stdout",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			ws, err := st.Watches(cmd.Context())
			if err != nil {
				return err
			}
			if len(args) == 0 || args[0] == "-" {
				return writeJSON(a.stdout(), nonNilSlice(ws))
			}
			if err := a.writeOutput(args[0], func(w io.Writer) error { return writeJSON(w, nonNilSlice(ws)) }); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout(), "exported %s to %s\n", plural(len(ws), "watch"), args[0])
			return nil
		},
	}
}

func newWatchImportCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Create or update watches from a JSON export (by name; - reads stdin)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var r io.Reader = a.env.Stdin
			if args[0] != "-" {
				f, err := os.Open(a.userPath(args[0]))
				if err != nil {
					return usageError("watch import: %v", err)
				}
				defer f.Close()
				r = f
			}
			// The array first, then each watch: a bad value in a good array is
			// reported with the item it is in, not as "not an array".
			var items []json.RawMessage
			dec := json.NewDecoder(io.LimitReader(r, 32<<20))
			if err := dec.Decode(&items); err != nil {
				return usageError("watch import %s: not a JSON array of watches: %s", args[0], scout.PlainJSONError(err))
			}
			if _, err := dec.Token(); err != io.EOF {
				return usageError("watch import %s: there is more after the array of watches; a file holds one array", args[0])
			}
			ws := make([]scout.Watch, len(items))
			for i, item := range items {
				if err := json.Unmarshal(item, &ws[i]); err != nil {
					return usageError("watch import %s: item %d: %s", args[0], i+1, scout.PlainJSONError(err))
				}
			}
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			names := map[string]bool{}
			for i := range ws {
				key := strings.ToLower(ws[i].Name)
				if names[key] {
					return usageError("watch import %s: watch %s appears twice (names ignore case)", args[0], scout.ShortName(ws[i].Name))
				}
				names[key] = true
				if err := a.validateWatch(cmd, st, &ws[i]); err != nil {
					return withCode(ExitUsage, fmt.Errorf("watch import %s: item %d: %w", args[0], i+1, err))
				}
			}
			created, updated, unchanged, err := st.ImportWatches(cmd.Context(), ws)
			if errors.Is(err, store.ErrConflict) {
				return usageError("watch import %s: %v", args[0], err)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout(), "imported %s (%d new, %d updated, %d unchanged)\n", plural(len(ws), "watch"), created, updated, unchanged)
			return nil
		},
	}
}

// sameWatch says whether an edit left every user-visible field as it was,
// compared in the documented JSON shape (Validate normalises both alike).
func sameWatch(a, b scout.Watch) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

func priceRange(w scout.Watch) string {
	switch {
	case w.MinPriceCents == nil && w.MaxPriceCents == nil:
		return "any"
	case w.MinPriceCents == nil:
		return "≤ " + scout.FormatPrice(*w.MaxPriceCents, w.Currency)
	case w.MaxPriceCents == nil:
		return "≥ " + scout.FormatPrice(*w.MinPriceCents, w.Currency)
	}
	return scout.FormatPrice(*w.MinPriceCents, w.Currency) + "–" + scout.FormatPrice(*w.MaxPriceCents, w.Currency)
}

func joinConds(cs []scout.Condition) string {
	if len(cs) == 0 {
		return "any"
	}
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}
