package web

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dealscout/dealscout/scout/ebay"
	"github.com/dealscout/dealscout/store"
)

// storeCollector reads, at each scrape, the figures the database holds:
// the outbox by channel and status (sent and failed alerts come from every
// process that delivers, cron polls included) and today's eBay calls.
type storeCollector struct {
	st      *store.Store
	now     func() time.Time
	log     *slog.Logger
	pacific *time.Location
	alerts  *prometheus.Desc
	ebay    *prometheus.Desc
}

func newStoreCollector(st *store.Store, now func() time.Time, log *slog.Logger) *storeCollector {
	// eBay counts its daily quota in US Pacific days, and so does the
	// budget the ebay source keeps; without the zone data, UTC days.
	pac, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		pac = time.UTC
	}
	return &storeCollector{st: st, now: now, log: log, pacific: pac,
		alerts: prometheus.NewDesc("dealscout_alerts", "Alerts in the outbox by channel and status: sent, pending (including retrying) and dead (failed for good).", []string{"channel", "status"}, nil),
		ebay:   prometheus.NewDesc("dealscout_ebay_calls_today", "eBay API calls used today (the US Pacific day eBay's quota counts).", nil, nil),
	}
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.alerts
	ch <- c.ebay
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts, err := c.st.AlertCounts(ctx)
	if err != nil {
		c.log.Warn("metrics: counting alerts failed", "error", err)
	}
	for _, a := range counts {
		ch <- prometheus.MustNewConstMetric(c.alerts, prometheus.GaugeValue, float64(a.Count), a.Channel, a.Status)
	}
	n, err := c.st.Calls(ctx, ebay.SourceName, c.now().In(c.pacific).Format(time.DateOnly))
	if err != nil {
		c.log.Warn("metrics: reading eBay calls failed", "error", err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.ebay, prometheus.GaugeValue, float64(n))
}
