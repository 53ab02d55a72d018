package web

import (
	"context"
	"net/http"
	"time"
)

// healthz says the process is alive; it touches nothing.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz says whether the server can do its work: the database answers and
// its schema is the one this binary expects.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.st.CheckSchema(ctx); err != nil {
		s.log.Warn("not ready", "error", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "database unreachable or schema not current"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
