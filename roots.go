package main

// The fallback CA roots let TLS to eBay, Twilio and the other APIs verify on
// a base image without a certificate bundle (scratch, distroless static).
// Go uses them only when the system has no roots of its own. Pinned in go.mod.
import _ "golang.org/x/crypto/x509roots/fallback"
