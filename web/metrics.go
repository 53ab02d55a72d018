package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is dealscout's own Prometheus registry and what it counts. It is
// not the global registry, so nothing another package registers leaks into
// /metrics and tests get a fresh one each.
type Metrics struct {
	reg           *prometheus.Registry
	httpDuration  *prometheus.HistogramVec
	polls         *prometheus.CounterVec
	fetched       *prometheus.CounterVec
	newListings   *prometheus.CounterVec
	sourceErrors  *prometheus.CounterVec
	scores        prometheus.Histogram
	skippedRounds prometheus.Counter
}

// NewMetrics builds the registry with Go runtime and process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.httpDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "dealscout_http_request_duration_seconds", Help: "HTTP request durations by route pattern.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route", "method", "code"})
	m.polls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "dealscout_polls_total", Help: "Poll runs by final status (ok, partial, failed).",
	}, []string{"status"})
	m.fetched = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "dealscout_listings_fetched_total", Help: "Listings fetched, by source.",
	}, []string{"source"})
	m.newListings = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "dealscout_listings_new_total", Help: "New listings stored, by source.",
	}, []string{"source"})
	m.sourceErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "dealscout_source_errors_total", Help: "Failed source fetches, by source.",
	}, []string{"source"})
	m.scores = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "dealscout_deal_score", Help: "Scores of deals found by polls.",
		Buckets: prometheus.LinearBuckets(10, 10, 9),
	})
	m.skippedRounds = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "dealscout_scheduler_skipped_total", Help: "Scheduler rounds skipped because another poll held the lock.",
	})
	m.reg.MustRegister(m.httpDuration, m.polls, m.fetched, m.newListings, m.sourceErrors, m.scores,
		m.skippedRounds,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is the registry /metrics serves.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

func (m *Metrics) observeHTTP(route, method string, code int, d time.Duration) {
	m.httpDuration.WithLabelValues(route, method, strconv.Itoa(code)).Observe(d.Seconds())
}

// PollFinished counts one poll run by status.
func (m *Metrics) PollFinished(status string) { m.polls.WithLabelValues(status).Inc() }

// SourceFetched counts what one source fetch returned.
func (m *Metrics) SourceFetched(source string, fetched, added int, failed bool) {
	m.fetched.WithLabelValues(source).Add(float64(fetched))
	m.newListings.WithLabelValues(source).Add(float64(added))
	if failed {
		m.sourceErrors.WithLabelValues(source).Inc()
	}
}

// DealScored records a deal's score.
func (m *Metrics) DealScored(score float64) { m.scores.Observe(score) }

// RoundSkipped counts a scheduler round given up because the lock was held.
func (m *Metrics) RoundSkipped() { m.skippedRounds.Inc() }

func (s *Server) metricsHandler() http.Handler {
	return promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{ErrorLog: nil})
}
