package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

// apiError is the body of every API error:
// {"error":{"code":"…","message":"…","field":"…"}}.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	// encoding/json escapes <, > and & by default: listing text that looks
	// like markup stays inert even if a client pastes it into HTML.
	_ = json.NewEncoder(w).Encode(v)
}

// encodeJSON is v as writeJSON writes it, for answers kept in the cache.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(v); err != nil {
		return nil, fmt.Errorf("web: encode answer: %w", err)
	}
	return b.Bytes(), nil
}

// writeJSONBytes writes JSON encodeJSON made. Its length is known, so the
// body goes out as it is instead of in chunks (fewer writes to the socket).
func writeJSONBytes(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, status int, code, msg, field string) {
	writeJSON(w, status, map[string]apiError{"error": {Code: code, Message: msg, Field: field}})
}

// fail maps an error to its status in one place; users see what to fix for
// their own mistakes and "internal error" for ours, which is logged.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var fe *scout.FieldError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &fe):
		writeError(w, http.StatusBadRequest, "invalid", fe.Problem, fe.Field)
	case errors.As(err, &mbe):
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", "request body is larger than the limit", "")
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", err.Error(), "")
	case errors.Is(err, store.ErrAmbiguous):
		writeError(w, http.StatusConflict, "ambiguous", err.Error(), "watch")
	case errors.Is(err, store.ErrConflict):
		writeError(w, http.StatusConflict, "conflict", err.Error(), "name")
	case errors.Is(err, store.ErrInUse):
		writeError(w, http.StatusConflict, "in_use", err.Error(), "")
	default:
		s.log.Error("API request failed", "method", r.Method, "route", r.Pattern, "error", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error", "")
	}
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
