// Package discord sends alerts to a Discord webhook as embeds. It owns the
// payload layout and Discord's size limits; the webhook URL is parsed and
// validated by notify/channels.
package discord
