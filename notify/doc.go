// Package notify owns alerts: the Message every channel renders, the Notifier
// interface channels implement, the error types that tell the dispatcher
// whether to retry, the alert rules, and the dispatcher that delivers the
// outbox. Channels live in notify/<channel> packages and never touch the store.
package notify
