package web

import (
	_ "embed" // the OpenAPI document
	"net/http"
)

// openAPIDoc describes every /api/v1/ route; TestOpenAPIMatchesRoutes fails
// when it and the route table disagree.
//
//go:embed openapi.json
var openAPIDoc []byte

func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openAPIDoc)
}
