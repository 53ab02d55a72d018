package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"time"
)

// Standard Webhooks headers.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// signedHeaders returns the Standard Webhooks headers for body; without a key
// only the id and timestamp, so receivers can still deduplicate.
func signedHeaders(key []byte, id string, now time.Time, body []byte) map[string]string {
	ts := timestamp(now)
	h := map[string]string{HeaderID: id, HeaderTimestamp: ts}
	if len(key) > 0 {
		h[HeaderSignature] = "v1," + Sign(key, id, ts, body)
	}
	return h
}

// Sign is the base64 HMAC-SHA256 of "id.timestamp.body" — what receivers
// recompute to verify a request.
func Sign(key []byte, id, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + timestamp + "."))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
