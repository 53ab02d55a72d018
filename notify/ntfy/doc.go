// Package ntfy publishes alerts to an ntfy topic (ntfy.sh or self-hosted)
// with the message in the body and title, priority, tags, click URL and
// photo in headers. The ntfy+https:// channel URL is parsed by notify/channels.
package ntfy
