// Package gotify sends alerts to a Gotify server's message API. The
// application token comes from the channel URL's query (parsed by
// notify/channels) but is sent in the X-Gotify-Key header, so it stays out
// of server access logs.
package gotify
