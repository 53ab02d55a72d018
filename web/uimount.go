package web

import (
	"net/http"

	"github.com/dealscout/dealscout/web/ui"
)

// mountUI registers the HTML pages of package web/ui.
func (s *Server) mountUI() error {
	u, err := ui.New(ui.Deps{Store: s.st, Now: s.opts.Now, Location: s.opts.Location, Log: s.log,
		LegalMode: string(s.opts.LegalMode), BaseURL: s.opts.BaseURL, Version: s.opts.Version,
		PollNow: s.opts.PollNow, SendTest: s.opts.SendTest, EbayDailyCalls: s.opts.EbayDailyCalls,
		SellerMessage: s.opts.SellerMessage, Cache: s.cache})
	if err != nil {
		return err
	}
	u.Register(s.mux)
	s.ui = u
	return nil
}

// renderLogin draws the login page with the status the login logic chose.
func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, msg, next string) {
	s.ui.RenderLogin(&fixedStatus{ResponseWriter: w, status: status}, r, ui.LoginView{Error: msg, Next: next})
}

// fixedStatus makes a renderer that picks its own status write ours.
type fixedStatus struct {
	http.ResponseWriter
	status int
}

func (f *fixedStatus) WriteHeader(int) { f.ResponseWriter.WriteHeader(f.status) }

func (f *fixedStatus) Unwrap() http.ResponseWriter { return f.ResponseWriter }
