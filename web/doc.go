// Package web is dealscout's HTTP layer: the server, its middleware (security
// headers, cross-origin protection, body limits, per-IP rate limits, the
// client IP behind trusted proxies, request metrics), the UI login and its
// sessions, the bearer-token JSON API under /api/v1/ with its OpenAPI
// document, and /healthz, /readyz and /metrics. The HTML pages are package
// web/ui, mounted here.
//
// It holds no SQL (that is store's) and no domain logic (that is scout's):
// handlers decode, call the store or scout, and encode.
package web
