// Package demo is the demo source: a few hundred made-up but realistic
// listings of furniture, electronics, tools, bikes and appliances, generated
// from a catalogue embedded in code, so dealscout can be tried with no account
// and no network.
//
// It behaves like a living marketplace: listings appear on a rolling schedule,
// keep their identity and price from poll to poll, sometimes drop their price,
// and disappear when "sold". Everything is derived from the clock and a fixed
// seed, with no state of its own, so two processes agree on what is listed.
// It must not filter by the watch (the poll pipeline does that).
package demo
