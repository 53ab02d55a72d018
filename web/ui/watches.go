package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

// watchForm is the watch form's fields exactly as typed, so a form with an
// error comes back with everything the user entered.
type watchForm struct {
	Name, Query, Exclude, Sources, MinPrice, MaxPrice, Currency string
	Conditions                                                  []string
	ZIP, Lat, Lng, Radius, MinScore                             string
	Notify                                                      []string
	Every, Digest, Quiet                                        string
}

// formFromWatch fills the form from a stored watch, for editing.
func formFromWatch(w scout.Watch) watchForm {
	f := watchForm{Name: w.Name, Query: w.Query, Exclude: strings.Join(w.Exclude, ", "), Sources: strings.Join(w.Sources, "\n"),
		Currency: w.Currency, ZIP: w.ZIP, MinScore: num(w.MinScore), Notify: w.Notify,
		Every: scout.FormatEvery(w.Every), Digest: w.Digest, Quiet: w.Quiet}
	if w.MinPriceCents != nil {
		f.MinPrice = scout.FormatCents(*w.MinPriceCents)
	}
	if w.MaxPriceCents != nil {
		f.MaxPrice = scout.FormatCents(*w.MaxPriceCents)
	}
	for _, c := range w.Conditions {
		f.Conditions = append(f.Conditions, string(c))
	}
	if w.HasCoords && w.ZIP == "" {
		f.Lat, f.Lng = num(w.Lat), num(w.Lng)
	}
	if w.RadiusMi != 0 {
		f.Radius = num(w.RadiusMi)
	}
	return f
}

func readWatchForm(r *http.Request) watchForm {
	v := r.PostForm
	return watchForm{Name: strings.TrimSpace(v.Get("name")), Query: v.Get("query"), Exclude: v.Get("exclude"),
		Sources: v.Get("sources"), MinPrice: strings.TrimSpace(v.Get("min_price")), MaxPrice: strings.TrimSpace(v.Get("max_price")),
		Currency: strings.TrimSpace(v.Get("currency")), Conditions: v["conditions"], ZIP: strings.TrimSpace(v.Get("zip")),
		Lat: strings.TrimSpace(v.Get("lat")), Lng: strings.TrimSpace(v.Get("lng")), Radius: strings.TrimSpace(v.Get("radius_mi")),
		MinScore: strings.TrimSpace(v.Get("min_score")), Notify: v["notify"], Every: strings.TrimSpace(v.Get("every")),
		Digest: strings.TrimSpace(v.Get("digest")), Quiet: strings.TrimSpace(v.Get("quiet"))}
}

// splitList splits a comma- or newline-separated field, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// apply copies the form onto w, parsing the fields that are not text the way
// the CLI's flags are parsed; the first field that does not parse is
// returned as a *scout.FieldError. Validation proper is Watch.Validate's.
func (f watchForm) apply(w *scout.Watch) error {
	w.Query, w.Exclude, w.Sources = f.Query, splitList(f.Exclude), splitList(f.Sources)
	for _, p := range []struct {
		field, val string
		dst        **int64
	}{{"min_price", f.MinPrice, &w.MinPriceCents}, {"max_price", f.MaxPrice, &w.MaxPriceCents}} {
		if p.val == "" || p.val == "none" {
			*p.dst = nil
			continue
		}
		cents, err := scout.ParseAmount(strings.TrimPrefix(p.val, "$"))
		if err != nil {
			return &scout.FieldError{Field: p.field, Problem: fmt.Sprintf("%v; give an amount between 0 and 1000000, e.g. 149.99", err)}
		}
		*p.dst = &cents
	}
	w.Currency = f.Currency
	w.Conditions = nil
	for _, c := range f.Conditions {
		w.Conditions = append(w.Conditions, scout.Condition(c))
	}
	w.ZIP, w.HasCoords = f.ZIP, false
	if f.Lat != "" || f.Lng != "" {
		if f.Lat == "" || f.Lng == "" {
			return &scout.FieldError{Field: "lat", Problem: "latitude and longitude must be given together"}
		}
		if f.ZIP != "" {
			return &scout.FieldError{Field: "zip", Problem: "give either a ZIP code or latitude and longitude, not both"}
		}
		lat, err1 := strconv.ParseFloat(f.Lat, 64)
		lng, err2 := strconv.ParseFloat(f.Lng, 64)
		if err1 != nil || err2 != nil {
			return &scout.FieldError{Field: "lat", Problem: fmt.Sprintf("latitude %q and longitude %q must be numbers, e.g. 37.79 and -122.39", f.Lat, f.Lng)}
		}
		w.HasCoords, w.Lat, w.Lng = true, lat, lng
	}
	w.RadiusMi = 0
	if f.Radius != "" {
		v, err := strconv.ParseFloat(f.Radius, 64)
		if err != nil {
			return &scout.FieldError{Field: "radius_mi", Problem: fmt.Sprintf("must be a number of miles between 1 and 500 (got %q)", f.Radius)}
		}
		w.RadiusMi = v
	}
	w.MinScore = scout.DefaultMinScore
	if f.MinScore != "" {
		v, err := strconv.ParseFloat(f.MinScore, 64)
		if err != nil {
			return &scout.FieldError{Field: "min_score", Problem: fmt.Sprintf("must be a number between 0 and 100 (got %q)", f.MinScore)}
		}
		w.MinScore = v
	}
	w.Notify = f.Notify
	w.Every = scout.DefaultEvery
	if f.Every != "" {
		d, err := time.ParseDuration(f.Every)
		if err != nil {
			return &scout.FieldError{Field: "every", Problem: fmt.Sprintf("must be a duration such as 15m or 1h (got %q)", f.Every)}
		}
		w.Every = d
	}
	w.Digest = scout.DefaultDigest
	if f.Digest != "" {
		w.Digest = f.Digest
	}
	w.Quiet = f.Quiet
	if w.Quiet == "off" {
		w.Quiet = ""
	}
	return nil
}

// validate applies the form to w and runs the CLI's checks: the form's
// parsing, Watch.Validate, and that every channel to notify exists.
func (u *UI) validate(r *http.Request, f watchForm, w *scout.Watch) fieldErrors {
	errs := fieldErrors{}
	if err := f.apply(w); err != nil {
		errs.add(err)
		return errs
	}
	if err := w.Validate(scout.LegalMode(u.d.LegalMode)); err != nil {
		errs.add(err)
		return errs
	}
	missing, err := u.d.Store.MissingChannels(r.Context(), w.Notify)
	if err != nil {
		errs[""] = "Could not check the channels; try again."
		return errs
	}
	if len(missing) > 0 {
		errs["notify"] = fmt.Sprintf("no channel named %s; add it first on the Channels page", strings.Join(missing, ", "))
	}
	return errs
}

type watchRow struct {
	scout.Watch
	Open, New int
	FeedPath  string
}

type watchesView struct {
	Watches []watchRow
	CanPoll bool
}

func (u *UI) watches(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ws, err := u.d.Store.Watches(ctx)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	counts, err := u.d.Store.WatchDealCounts(ctx)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	key, err := u.d.Store.FeedKey(ctx)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		u.fail(w, r, err)
		return
	}
	v := watchesView{CanPoll: u.d.PollNow != nil}
	for _, wa := range ws {
		row := watchRow{Watch: wa, Open: counts[wa.ID].Open, New: counts[wa.ID].New}
		if key != nil {
			row.FeedPath = "/feeds/" + feedSecret(key, wa.Name)
		}
		v.Watches = append(v.Watches, row)
	}
	u.render(w, r, http.StatusOK, "watches", page{Title: "Watches", Nav: "watches", Data: v})
}

type watchFormView struct {
	Form       watchForm
	Errors     fieldErrors
	Editing    bool
	Action     string
	Channels   []string
	Conditions []string
	Paused     bool
	CanPoll    bool
}

func (u *UI) renderWatchForm(w http.ResponseWriter, r *http.Request, status int, v watchFormView) {
	chs, err := u.d.Store.Channels(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	for _, c := range chs {
		v.Channels = append(v.Channels, c.Name)
	}
	for _, c := range scout.Conditions {
		v.Conditions = append(v.Conditions, string(c))
	}
	v.CanPoll = u.d.PollNow != nil
	title := "New watch"
	if v.Editing {
		title = "Edit " + v.Form.Name
	}
	u.render(w, r, status, "watch_form", page{Title: title, Nav: "watches", Data: v})
}

func (u *UI) watchNew(w http.ResponseWriter, r *http.Request) {
	nw := scout.NewWatch("")
	f := formFromWatch(nw)
	f.Sources = ""
	u.renderWatchForm(w, r, http.StatusOK, watchFormView{Form: f, Errors: fieldErrors{}, Action: "/watches"})
}

func (u *UI) watchCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		u.errorPage(w, r, http.StatusBadRequest, "The form could not be read; go back and send it again.")
		return
	}
	f := readWatchForm(r)
	nw := scout.NewWatch(f.Name)
	errs := u.validate(r, f, &nw)
	if len(errs) == 0 {
		err := u.d.Store.CreateWatch(r.Context(), &nw)
		switch {
		case errors.Is(err, store.ErrConflict):
			errs["name"] = fmt.Sprintf("a watch named %q already exists; pick another name or edit that one", nw.Name)
		case err != nil:
			u.fail(w, r, err)
			return
		default:
			redirect(w, r, "/watches", &flash{Msg: fmt.Sprintf("Added watch %q. It is polled within %s.", nw.Name, scout.FormatEvery(nw.Every))})
			return
		}
	}
	u.renderWatchForm(w, r, http.StatusUnprocessableEntity, watchFormView{Form: f, Errors: errs, Action: "/watches"})
}

func (u *UI) watchEdit(w http.ResponseWriter, r *http.Request) {
	wa, err := u.d.Store.Watch(r.Context(), r.PathValue("name"))
	if errors.Is(err, store.ErrNotFound) {
		u.notFound(w, r, "There is no such watch; see the Watches page.")
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.renderWatchForm(w, r, http.StatusOK, watchFormView{Form: formFromWatch(wa), Errors: fieldErrors{}, Editing: true,
		Action: "/watches/" + url.PathEscape(wa.Name), Paused: wa.Paused})
}

func (u *UI) watchUpdate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		u.errorPage(w, r, http.StatusBadRequest, "The form could not be read; go back and send it again.")
		return
	}
	wa, err := u.d.Store.Watch(r.Context(), r.PathValue("name"))
	if errors.Is(err, store.ErrNotFound) {
		u.notFound(w, r, "There is no such watch; it may have been deleted.")
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	f := readWatchForm(r)
	f.Name = wa.Name // renaming is the CLI's job; the form shows the name read-only
	errs := u.validate(r, f, &wa)
	if len(errs) == 0 {
		removed, kept, err := u.d.Store.UpdateWatch(r.Context(), &wa, scout.DealStillMatches(&wa))
		if err != nil {
			u.fail(w, r, err)
			return
		}
		msg := fmt.Sprintf("Saved watch %q.", wa.Name)
		if removed > 0 {
			msg += " " + removedDealsMsg(removed, kept)
		}
		redirect(w, r, "/watches", &flash{Msg: msg})
		return
	}
	u.renderWatchForm(w, r, http.StatusUnprocessableEntity, watchFormView{Form: f, Errors: errs, Editing: true,
		Action: "/watches/" + url.PathEscape(wa.Name), Paused: wa.Paused})
}

func (u *UI) watchDelete(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	err := u.d.Store.DeleteWatch(r.Context(), name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		redirect(w, r, "/watches", &flash{Error: true, Msg: fmt.Sprintf("There is no watch %q; it may already be deleted.", name)})
	case err != nil:
		u.fail(w, r, err)
	default:
		redirect(w, r, "/watches", &flash{Msg: fmt.Sprintf("Deleted watch %q and its deals.", name)})
	}
}

func (u *UI) watchPause(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	pause := r.PostFormValue("paused") != "false"
	err := u.d.Store.SetWatchPaused(r.Context(), name, pause)
	switch {
	case errors.Is(err, store.ErrNotFound):
		redirect(w, r, "/watches", &flash{Error: true, Msg: fmt.Sprintf("There is no watch %q.", name)})
	case err != nil:
		u.fail(w, r, err)
	case pause:
		redirect(w, r, "/watches", &flash{Msg: fmt.Sprintf("Paused %q: it is not polled until you resume it.", name)})
	default:
		redirect(w, r, "/watches", &flash{Msg: fmt.Sprintf("Resumed %q.", name)})
	}
}

func (u *UI) watchPoll(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, err := u.d.Store.Watch(r.Context(), name); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			redirect(w, r, "/watches", &flash{Error: true, Msg: fmt.Sprintf("There is no watch %q.", name)})
			return
		}
		u.fail(w, r, err)
		return
	}
	if u.d.PollNow == nil {
		redirect(w, r, "/watches", &flash{Error: true, Msg: "No scheduler runs in this server; run `dealscout poll` (or start serve with its scheduler)."})
		return
	}
	if err := u.d.PollNow(r.Context(), name); err != nil {
		u.d.Log.WarnContext(r.Context(), "poll now refused", "watch", name, "error", err)
		redirect(w, r, "/watches", &flash{Error: true, Msg: fmt.Sprintf("Could not start a poll of %q: %v", name, err)})
		return
	}
	redirect(w, r, "/watches", &flash{Msg: fmt.Sprintf("Polling %q now; new deals appear on the Deals page in a moment.", name)})
}
