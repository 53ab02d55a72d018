// Package migrations holds dealscout's schema as goose SQL migrations,
// embedded so the binary carries its own schema. Every migration has a down.
package migrations

import "embed"

// FS holds the NNNNN_name.sql files at its root.
//
//go:embed *.sql
var FS embed.FS
