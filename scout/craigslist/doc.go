// Package craigslist is the Craigslist source: it asks the JSON search
// endpoint Craigslist's own web UI calls (sapi.craigslist.org, since the RSS
// feeds were retired) and decodes its compact positional format into scout
// listings.
//
// The endpoint is undocumented and unofficial, so the decoder trusts nothing:
// every element of every item may be missing or of the wrong type, and a bad
// item is skipped, never a panic. Using this source needs
// DEALSCOUT_LEGAL_MODE=off; the check lives in scout, not here.
package craigslist
