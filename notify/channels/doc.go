// Package channels is the registry of channel URLs: it parses and validates
// them (Parse), masks their secrets for display and logs (Mask), and builds
// the notify.Notifier a URL names from the process-wide settings (New). Each
// channel's delivery lives in its own notify/<channel> package; this package
// only knows the URL forms and which settings each channel needs.
package channels
