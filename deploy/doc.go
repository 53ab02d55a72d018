// Package deploy holds no code: it keeps the files for running dealscout on a
// server (systemd units, a crontab, a Caddy snippet, a Litestream example) and
// the tests that check them.
package deploy
