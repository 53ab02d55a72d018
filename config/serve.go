package config

import (
	"net/netip"
	"strings"
)

// networkList is a comma-separated list of CIDRs or single IPs (as /32 or
// /128), such as the trusted proxies serve believes forwarding headers from.
func networkList(name, help string, field func(*Config) *[]netip.Prefix) setting {
	problem := func(got string) *Error {
		return invalid(name, "must be empty or a comma-separated list of CIDRs or IPs such as 127.0.0.1,10.0.0.0/8 (got %q)", got)
	}
	return setting{
		KeySpec: KeySpec{Name: name, Help: help},
		set: func(c *Config, v string) error {
			switch strings.ToLower(strings.TrimSpace(v)) {
			case "true", "false":
				return problem(v)
			}
			_, prefixes, ok := parseNetworks(v)
			if !ok {
				return problem(v)
			}
			*field(c) = prefixes
			return nil
		},
		get: func(c *Config) string {
			parts := make([]string, len(*field(c)))
			for i, p := range *field(c) {
				parts[i] = p.String()
			}
			return strings.Join(parts, ",")
		},
	}
}
