// Package ui is dealscout's web user interface: server-rendered html/template
// pages (deals, a deal, watches, channels, alerts, health, the login page's
// look), one embedded stylesheet and script under /static/, the secret
// per-watch Atom feeds and the CSV export of deals.
//
// It reads and writes through *store.Store and the scout and notify/channels
// packages; it holds no SQL. Login, sessions, CSRF protection and security
// headers belong to package web, which mounts these routes behind them. Pages
// work without JavaScript: the script only saves a reload (copy, save,
// dismiss). No GET handler changes stored state.
package ui
