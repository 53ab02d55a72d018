package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/dealscout/dealscout/store"
)

// alertsShown is how many alerts the page lists.
const alertsShown = 200

// alertTabs are the outbox statuses the page filters by; the outbox calls a
// failed alert that will not be retried "dead", users read "failed".
var alertTabs = []struct{ Value, Label string }{
	{"", "All"}, {store.AlertPending, "Pending"}, {store.AlertSent, "Sent"}, {store.AlertDead, "Failed"},
}

type alertRow struct {
	store.Alert
	Title string
}

type alertsView struct {
	Status string
	Tabs   []struct{ Value, Label string }
	Alerts []alertRow
}

func (u *UI) alerts(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	status := r.URL.Query().Get("status")
	switch status {
	case "", store.AlertPending, store.AlertSent, store.AlertDead:
	case "failed":
		status = store.AlertDead
	default:
		u.errorPage(w, r, http.StatusBadRequest, fmt.Sprintf("status must be pending, sent or failed (got %q).", status))
		return
	}
	as, err := u.d.Store.Alerts(ctx, store.AlertFilter{Status: status, Limit: alertsShown})
	if err != nil {
		u.fail(w, r, err)
		return
	}
	var ids []int64
	for _, a := range as {
		if a.ListingID > 0 {
			ids = append(ids, a.ListingID)
		}
	}
	titles, err := u.d.Store.ListingTitles(ctx, ids)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := alertsView{Status: status, Tabs: alertTabs}
	for _, a := range as {
		v.Alerts = append(v.Alerts, alertRow{Alert: a, Title: titles[a.ListingID]})
	}
	u.render(w, r, http.StatusOK, "alerts", page{Title: "Alerts", Nav: "alerts", Data: v})
}

func (u *UI) alertRetry(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		u.notFound(w, r, "There is no such alert.")
		return
	}
	back := localPath(r.PostFormValue("back"), "/alerts")
	err = u.d.Store.RetryAlert(r.Context(), id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		redirect(w, r, back, &flash{Error: true, Msg: fmt.Sprintf("Alert %d cannot be retried: it is gone or was already sent.", id)})
	case err != nil:
		u.fail(w, r, err)
	default:
		redirect(w, r, back, &flash{Msg: fmt.Sprintf("Alert %d is queued again; it is sent on the next delivery round.", id)})
	}
}
