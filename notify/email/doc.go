// Package email sends alerts by SMTP (go-mail) as multipart/alternative mail:
// a plain-text part and an HTML part rendered with html/template, so listing
// text is always escaped and unsafe link schemes are neutralised.
package email
