package cmd

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/dealscout/dealscout/notify"
	"github.com/dealscout/dealscout/notify/channels"
	"github.com/dealscout/dealscout/outbound"
	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/scout/craigslist"
	"github.com/dealscout/dealscout/scout/demo"
	"github.com/dealscout/dealscout/scout/ebay"
	"github.com/dealscout/dealscout/scout/feed"
	"github.com/dealscout/dealscout/scout/file"
	"github.com/dealscout/dealscout/store"
)

// httpClient is the one SSRF-guarded client every source and channel uses.
func (a *app) httpClient() *http.Client {
	return withFallbackRoots(outbound.New(outbound.Options{
		AllowPrivate: a.cfg.AllowPrivateNetworks,
		AllowCIDRs:   a.cfg.AllowedNetworks,
		Timeout:      a.cfg.HTTPTimeout,
		MaxBody:      a.cfg.MaxBodyBytes,
		UserAgent:    outbound.UserAgent(Build().Version),
	}))
}

// sources builds every source the legal mode and credentials allow. A source
// left out makes its watches report "not available" with what to set.
func (a *app) sources(st *store.Store) map[string]scout.Source {
	client := a.httpClient()
	log := a.log
	out := map[string]scout.Source{
		scout.KindFile: file.New(file.Config{Now: a.env.Now, Logger: log}),
		scout.KindDemo: demo.New(demo.Config{Now: a.env.Now}),
	}
	if src, err := feed.New(feed.Config{Client: client, Now: a.env.Now, Logger: log, MaxBody: a.cfg.MaxBodyBytes}); err != nil {
		log.Warn("feed source unavailable", "error", err)
	} else {
		out[scout.KindFeed] = src
	}
	if a.cfg.EbayClientID != "" {
		src, err := ebay.New(ebay.Config{Client: client, APIURL: a.cfg.EbayAPIURL, AuthURL: a.cfg.EbayAuthURL,
			ClientID: a.cfg.EbayClientID, ClientSecret: a.cfg.EbayClientSecret.Reveal(), Marketplace: a.cfg.EbayMarketplace,
			DailyCalls: a.cfg.EbayDailyCalls, MaxPages: a.cfg.EbayMaxPages, Tokens: st, Usage: st, Now: a.env.Now, Logger: log})
		if err != nil {
			log.Warn("eBay source unavailable", "error", err)
		} else {
			out[scout.KindEbay] = src
		}
	}
	if a.cfg.LegalMode == scout.LegalOff {
		src, err := craigslist.New(craigslist.Config{Client: client, APIURL: a.cfg.CraigslistAPIURL, Now: a.env.Now, Logger: log})
		if err != nil {
			log.Warn("Craigslist source unavailable", "error", err)
		} else {
			out[scout.KindCraigslist] = src
		}
	}
	return out
}

// channelDeps is what channels.New needs, from the configuration.
func (a *app) channelDeps() channels.Deps {
	return channels.Deps{
		HTTPClient: a.httpClient(), Now: a.env.Now, Logger: a.log,
		SMTPHost: a.cfg.SMTPHost, SMTPPort: a.cfg.SMTPPort, SMTPUsername: a.cfg.SMTPUsername,
		SMTPPassword: a.cfg.SMTPPassword.Reveal(), SMTPFrom: a.cfg.SMTPFrom, SMTPTLS: a.cfg.SMTPTLS,
		TwilioAPIURL: a.cfg.TwilioAPIURL, TwilioSID: a.cfg.TwilioAccountSID, TwilioToken: a.cfg.TwilioAuthToken.Reveal(),
		TwilioFrom: a.cfg.TwilioFrom, TelegramAPIURL: a.cfg.TelegramAPIURL, PushoverAPIURL: a.cfg.PushoverAPIURL,
		DiscordAPIURL: a.cfg.DiscordAPIURL, WebhookSecret: a.cfg.WebhookSecret.Reveal(),
		TrustRoots: trustFallbackRoots,
	}
}

// dispatcher delivers the outbox through the configured channels.
func (a *app) dispatcher(st *store.Store) *notify.Dispatcher {
	deps := a.channelDeps()
	return &notify.Dispatcher{Outbox: st, Now: a.env.Now, Log: a.log, Loc: a.cfg.Location,
		Build:       func(u string) (notify.Notifier, error) { return channels.New(u, deps) },
		MaxAttempts: a.cfg.NotifyMaxAttempts, PerMinute: a.cfg.NotifyRatePerMinute, DigestMax: a.cfg.DigestMax,
		Seller: a.cfg.SellerMessage, DealPages: a.dealPageBase()}
}

// renderAlert turns a poll's alert decision into the stored notify.Message.
func (a *app) renderAlert(in scout.RenderInput) ([]byte, error) {
	var m notify.Message
	switch in.Kind {
	case "deal":
		m = notify.DealMessage(in.Watch, notify.DealInput{Listing: in.Item.Listing, Score: in.Item.Score,
			DistanceMi: in.Item.DistanceMi, Reason: in.Reason, OldCents: in.OldCents}, a.cfg.SellerMessage, in.Now)
	case notify.KindSourceFailing:
		m = notify.SystemMessage(in.Kind, in.Watch.Name, fmt.Sprintf("Source failing: %s", in.Spec), in.Text, in.Now)
	case notify.KindSourceRecovered:
		m = notify.SystemMessage(in.Kind, in.Watch.Name, fmt.Sprintf("Source recovered: %s", in.Spec), in.Text, in.Now)
	default:
		return nil, fmt.Errorf("unknown alert kind %q", in.Kind)
	}
	return json.Marshal(m)
}

// poller builds the poll pipeline from the configuration.
func (a *app) poller(st *store.Store) *scout.Poller {
	weights := scout.DefaultWeights().Merge(a.cfg.ScoreWeights)
	return &scout.Poller{Store: st, Sources: a.sources(st), Now: a.env.Now, Log: a.log, Loc: a.cfg.Location,
		Concurrency: a.cfg.PollConcurrency, Weights: weights,
		Comps:     scout.CompsOptions{Window: a.cfg.CompsWindow, MinSamples: a.cfg.CompsMinSamples},
		GoneAfter: a.cfg.GoneAfter, FailAlertAt: a.cfg.SourceFailureAlert, Render: a.renderAlert}
}
