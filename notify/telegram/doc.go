// Package telegram sends alerts through a Telegram bot (Bot API sendMessage)
// as HTML-formatted text. The bot token is a credential: it is in the request
// path, so this package takes care that it never reaches an error or a log.
package telegram
