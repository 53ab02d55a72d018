package web

import "net/http"

// route is one API endpoint; the OpenAPI test walks this table.
type route struct {
	method, pattern string
	handler         http.HandlerFunc
}

func apiRoutes(s *Server) []route {
	return []route{
		{"GET", "/api/v1/openapi.json", s.openAPI},
	}
}

func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"openapi": "3.1.0"})
}
