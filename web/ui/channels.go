package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/dealscout/dealscout/notify/channels"
	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

// sendTestTimeout bounds a "send test" so the page answers even when a
// channel's server does not.
const sendTestTimeout = 20 * time.Second

type channelRow struct {
	store.Channel
	Masked string
	Result *flash // the last "send test" result, shown in the row
}

type channelsView struct {
	Channels []channelRow
	Form     struct{ Name, URL string }
	Errors   fieldErrors
	CanTest  bool
}

func (u *UI) channelsPage(w http.ResponseWriter, r *http.Request, status int, v channelsView) {
	chs, err := u.d.Store.Channels(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	fl := takeFlash(w, r)
	p := page{Title: "Channels", Nav: "channels", Flash: fl}
	for _, c := range chs {
		row := channelRow{Channel: c, Masked: channels.Mask(c.URL)}
		row.LastError = maskSecrets(row.LastError, c.URL)
		if fl != nil && fl.Target == c.Name {
			row.Result = fl
			p.Flash = &flash{} // shown in the row instead
		}
		v.Channels = append(v.Channels, row)
	}
	v.CanTest = u.d.SendTest != nil
	if v.Errors == nil {
		v.Errors = fieldErrors{}
	}
	p.Data = v
	u.render(w, r, status, "channels", p)
}

func (u *UI) channels(w http.ResponseWriter, r *http.Request) {
	u.channelsPage(w, r, http.StatusOK, channelsView{})
}

func (u *UI) channelCreate(w http.ResponseWriter, r *http.Request) {
	v := channelsView{Errors: fieldErrors{}}
	v.Form.Name, v.Form.URL = strings.TrimSpace(r.PostFormValue("name")), strings.TrimSpace(r.PostFormValue("url"))
	if err := scout.ValidateName("name", v.Form.Name); err != nil {
		v.Errors.add(err)
	}
	target, err := channels.Parse(v.Form.URL)
	if err != nil {
		v.Errors["url"] = err.Error()
	}
	if len(v.Errors) == 0 {
		ch := store.Channel{Name: v.Form.Name, URL: v.Form.URL, Kind: target.Kind}
		err := u.d.Store.CreateChannel(r.Context(), &ch)
		switch {
		case errors.Is(err, store.ErrConflict):
			v.Errors["name"] = fmt.Sprintf("a channel named %q already exists; delete it first or pick another name", v.Form.Name)
		case err != nil:
			u.fail(w, r, err)
			return
		default:
			redirect(w, r, "/channels", &flash{Msg: fmt.Sprintf("Added %s channel %q (%s).", ch.Kind, ch.Name, target.Masked)})
			return
		}
	}
	// The URL may hold a token: a form sent back shows it masked, never as typed.
	v.Form.URL = ""
	u.channelsPage(w, r, http.StatusUnprocessableEntity, v)
}

func (u *UI) channelTest(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	ch, err := u.d.Store.Channel(r.Context(), name)
	if errors.Is(err, store.ErrNotFound) {
		redirect(w, r, "/channels", &flash{Error: true, Msg: fmt.Sprintf("There is no channel %q.", name)})
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if u.d.SendTest == nil {
		redirect(w, r, "/channels", &flash{Error: true, Target: name, Msg: "Sending tests is not available in this server; use `dealscout channel test`."})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), sendTestTimeout)
	defer cancel()
	if err := u.d.SendTest(ctx, name); err != nil {
		u.d.Log.WarnContext(r.Context(), "channel test failed", "channel", name, "error", maskSecrets(err.Error(), ch.URL))
		redirect(w, r, "/channels", &flash{Error: true, Target: name, Msg: "Test failed: " + maskSecrets(err.Error(), ch.URL)})
		return
	}
	redirect(w, r, "/channels", &flash{Target: name, Msg: "Test message sent."})
}

func (u *UI) channelDelete(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	err := u.d.Store.DeleteChannel(r.Context(), name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		redirect(w, r, "/channels", &flash{Error: true, Msg: fmt.Sprintf("There is no channel %q; it may already be deleted.", name)})
	case errors.Is(err, store.ErrInUse):
		redirect(w, r, "/channels", &flash{Error: true, Msg: err.Error()})
	case err != nil:
		u.fail(w, r, err)
	default:
		redirect(w, r, "/channels", &flash{Msg: fmt.Sprintf("Deleted channel %q.", name)})
	}
}

// maskSecrets replaces the channel's raw URL, should an error quote it, with
// its masked form: errors from delivery are shown on the page.
func maskSecrets(msg, rawURL string) string {
	if rawURL == "" {
		return msg
	}
	return strings.ReplaceAll(msg, rawURL, channels.Mask(rawURL))
}
