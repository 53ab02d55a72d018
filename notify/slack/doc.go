// Package slack sends alerts to a Slack incoming webhook (or a compatible
// one, such as Mattermost's) as Block Kit blocks with a plain-text fallback.
// The slack+https:// channel URL is parsed by notify/channels.
package slack
