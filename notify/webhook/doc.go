// Package webhook POSTs alerts as JSON to any URL, signed the Standard
// Webhooks way (webhook-id, webhook-timestamp, webhook-signature) so the
// receiver can check they came from this dealscout and are fresh.
//
// The body is a stable, documented shape (see payload.go); fields are only
// ever added.
package webhook
