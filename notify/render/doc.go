// Package render turns a notify.Message into the plain-text pieces every
// channel shows: the price line with a drop, the score with its reasons, the
// market estimate, the digest grouped by score band. Channels add their own
// markup (HTML, Markdown, Slack mrkdwn) around these pieces and escape them
// for their format; render itself never escapes and never does I/O.
package render
