package cmd

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/scout/geo"
)

func newListingCmd(a *app) *cobra.Command {
	c := &cobra.Command{Use: "listing", Short: "Record listings you found yourself (DEALSCOUT_LEGAL_MODE=guided or off)"}
	var (
		title, price, condition, zip, watch, currency, description string
		photos                                                     []string
	)
	add := &cobra.Command{
		Use:   "add URL --title T --price P --watch NAME",
		Short: "Record a listing found by hand; it is scored and alerted like any other",
		Example: `  DEALSCOUT_LEGAL_MODE=guided dealscout listing add https://sfbay.craigslist.org/sfc/fuo/d/sofa/123.html \
      --title "Mid-century sofa" --price 150 --condition good --zip 94110 --watch couches`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			mode := a.cfg.LegalMode
			if err := (scout.SourceSpec{Kind: scout.KindManual}).AllowedIn(mode); err != nil {
				return usageError("listing add: %v", err)
			}
			u, err := url.Parse(args[0])
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(args[0]) > 2048 {
				return usageError("listing add: %q is not an http(s) URL", args[0])
			}
			if strings.TrimSpace(title) == "" {
				return usageError("listing add: --title is required")
			}
			cents, err := scout.ParseAmount(price)
			if err != nil {
				return usageError("listing add: --price: %v", err)
			}
			cond, err := scout.ParseCondition(condition)
			if err != nil {
				return usageError("listing add: --condition: %v", err)
			}
			l := scout.Listing{Source: scout.KindManual, SourceID: urlID(args[0]), Title: title, Description: description,
				PriceCents: cents, PriceKnown: true, Currency: strings.ToUpper(currency), Condition: cond, URL: args[0],
				Images: photos, ShippingCents: -1, PostedAt: a.now()}
			if zip != "" {
				p, ok := geo.LookupZIP(zip)
				if !ok {
					return usageError("listing add: --zip %q is not a known US ZIP code", zip)
				}
				l.HasCoords, l.Lat, l.Lng, l.PostalCode = true, p.Lat, p.Lng, zip
			}
			lock, err := lockPoll(a)
			if err != nil {
				return err
			}
			defer func() { _ = lock.Release() }()
			st, err := a.store(cmd.Context(), true)
			if err != nil {
				return err
			}
			w, err := st.Watch(cmd.Context(), watch)
			if err != nil {
				return notFoundIsUsage(err)
			}
			p := a.poller(st)
			p.AlertBackfill = true // a listing the user entered is news, whatever the watch's history
			wr := p.IngestManual(cmd.Context(), &w, l)
			if len(wr.Errors) > 0 {
				return fmt.Errorf("listing add: %s", strings.Join(wr.Errors, "; "))
			}
			if wr.Matched == 0 {
				fmt.Fprintf(a.stdout(), "recorded, but it does not match watch %q (query, price, condition or radius)\n", w.Name)
				return nil
			}
			res, err := a.dispatcher(st).Flush(cmd.Context())
			if err != nil {
				a.log.Warn("delivering alerts failed; `dealscout notify flush` retries", "error", err)
			}
			deals, _ := st.Deals(cmd.Context(), storeDealFilterFor(w.Name))
			for _, d := range deals {
				if d.Listing.SourceID == l.SourceID && d.Listing.Source == l.Source {
					fmt.Fprintf(a.stdout(), "listing %d scored %.1f for watch %q; %s queued, %d sent\n",
						d.Listing.ID, d.Score.Total, w.Name, plural(wr.AlertsQueued, "alert"), res.Sent)
				}
			}
			return nil
		},
	}
	fl := add.Flags()
	fl.StringVar(&title, "title", "", "the listing's `TITLE` (required)")
	fl.StringVar(&price, "price", "", "asking `PRICE` in currency units (required; 0 = free)")
	fl.StringVar(&currency, "currency", "USD", "ISO `CURRENCY`")
	fl.StringVar(&condition, "condition", "unknown", "`CONDITION`: "+conditionWords())
	fl.StringVar(&zip, "zip", "", "US `ZIP` code where the item is")
	fl.StringVar(&description, "description", "", "the listing's `TEXT`")
	fl.StringSliceVar(&photos, "photo", nil, "photo `URL` (repeatable)")
	fl.StringVar(&watch, "watch", "", "the watch `NAME` to score it for (required)")
	_ = add.MarkFlagRequired("title")
	_ = add.MarkFlagRequired("price")
	_ = add.MarkFlagRequired("watch")
	c.AddCommand(add)
	return c
}

// urlID makes a stable source id from the listing URL, so adding the same
// URL twice updates the listing instead of duplicating it.
func urlID(raw string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(raw)))
	return hex.EncodeToString(sum[:10])
}
