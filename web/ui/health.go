package ui

import (
	"net/http"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/scout/ebay"
	"github.com/dealscout/dealscout/store"
)

// runsShown is how many poll runs the health page lists.
const runsShown = 20

type runRow struct {
	scout.RunReport
	Totals   scout.Counts
	Duration string
}

type sourceRow struct {
	store.SourceHealth
	State string // ok, failing, down, unknown: the colour, always with words
}

type healthView struct {
	Runs          []runRow
	Sources       []sourceRow
	EbayUsed      int
	EbayBudget    int
	EbayPct       int
	DBSize        int64
	SchemaDB      int64
	SchemaBinary  int64
	Version       string
	Now           time.Time
	EbayDayString string
}

func (u *UI) health(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := healthView{Version: u.d.Version, EbayBudget: u.d.EbayDailyCalls, Now: u.d.Now()}
	if v.Version == "" {
		v.Version = "unknown"
	}
	runs, err := u.d.Store.RecentRuns(ctx, runsShown)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	for _, run := range runs {
		row := runRow{RunReport: run}
		for _, wr := range run.Watches {
			row.Totals.Fetched += wr.Fetched
			row.Totals.New += wr.New
			row.Totals.PriceDrops += wr.PriceDrops
			row.Totals.AlertsQueued += wr.AlertsQueued
		}
		if !run.FinishedAt.IsZero() {
			row.Duration = run.FinishedAt.Sub(run.StartedAt).Round(100 * time.Millisecond).String()
		}
		v.Runs = append(v.Runs, row)
	}
	hs, err := u.d.Store.SourceHealths(ctx)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	for _, h := range hs {
		row := sourceRow{SourceHealth: h, State: "ok"}
		switch {
		case h.FailureStreak >= 3:
			row.State = "down"
		case h.FailureStreak > 0:
			row.State = "failing"
		case h.LastSuccess.IsZero():
			row.State = "unknown"
		}
		v.Sources = append(v.Sources, row)
	}
	// eBay counts calls by its own day, midnight to midnight US Pacific.
	if pacific, err := time.LoadLocation("America/Los_Angeles"); err == nil {
		v.EbayDayString = v.Now.In(pacific).Format(time.DateOnly)
		if v.EbayUsed, err = u.d.Store.Calls(ctx, ebay.SourceName, v.EbayDayString); err != nil {
			u.fail(w, r, err)
			return
		}
	}
	if v.EbayBudget > 0 {
		v.EbayPct = min(100, v.EbayUsed*100/v.EbayBudget)
	}
	if v.DBSize, err = u.d.Store.DatabaseSize(); err != nil {
		u.fail(w, r, err)
		return
	}
	if v.SchemaDB, v.SchemaBinary, err = u.d.Store.SchemaVersion(ctx); err != nil {
		u.fail(w, r, err)
		return
	}
	u.render(w, r, http.StatusOK, "health", page{Title: "Health", Nav: "health", Data: v})
}
