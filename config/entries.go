package config

import (
	"log/slog"
	"strings"
)

// Entry is one setting's effective value, for `dealscout config`.
type Entry struct {
	Key    string `json:"key"`
	Value  string `json:"value"`  // secrets are "***" when set, "" when not
	Origin Origin `json:"origin"` // default, file, env or flag
	Secret bool   `json:"secret"`
	// ReadFrom is the file a secret was read from when given as NAME_FILE;
	// Origin then says where NAME_FILE itself was set.
	ReadFrom string `json:"read_from,omitempty"`
}

// Entries lists every setting, in table order, with where its value came from.
func (c *Config) Entries() []Entry {
	out := make([]Entry, len(settings))
	for i, s := range settings {
		out[i] = Entry{Key: s.Name, Value: s.get(c), Origin: c.origin(s.Name), Secret: s.Secret, ReadFrom: c.secretFiles[s.Name]}
	}
	return out
}

// LogValue logs the configuration as snake_case attributes (log_level,
// ebay_client_id, …). Secrets appear only as "***" or "", saying whether they
// are set.
func (c *Config) LogValue() slog.Value {
	entries := c.Entries()
	attrs := make([]slog.Attr, len(entries))
	for i, e := range entries {
		attrs[i] = slog.String(strings.ToLower(strings.TrimPrefix(e.Key, envPrefix)), e.Value)
	}
	return slog.GroupValue(attrs...)
}
