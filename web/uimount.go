package web

import (
	"fmt"
	"html/template"
	"net/http"
)

// mountUI registers the HTML pages. Until package web/ui lands this serves a
// placeholder home page and a bare login form.
func (s *Server) mountUI() error {
	s.mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<!doctype html><title>dealscout</title><p>dealscout is running. The API is at /api/v1/.</p>")
	})
	return nil
}

var loginTmpl = template.Must(template.New("login").Parse(`<!doctype html><html lang="en"><meta charset="utf-8">
<title>Log in · dealscout</title><form method="post" action="/login">{{if .Error}}<p role="alert">{{.Error}}</p>{{end}}
<input type="hidden" name="next" value="{{.Next}}"><label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">Log in</button></form>`))

func (s *Server) renderLogin(w http.ResponseWriter, _ *http.Request, status int, msg, next string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := loginTmpl.Execute(w, struct{ Error, Next string }{msg, next}); err != nil {
		s.log.Error("rendering the login page failed", "error", err)
	}
}
