// Package pushover sends alerts through the Pushover Messages API. The user
// key and application token come from the pushover://USER@TOKEN channel URL,
// parsed by notify/channels; both are credentials and never reported.
package pushover
