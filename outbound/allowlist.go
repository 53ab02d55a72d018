package outbound

import (
	"fmt"
	"net/netip"
	"strings"
)

// ParseAllowList reads DEALSCOUT_ALLOW_PRIVATE_NETWORKS: "" or "false" allows
// nothing, "true" allows every address, anything else is a comma-separated
// list of CIDRs or single IPs (a single IP becomes a /32 or /128).
func ParseAllowList(s string) (all bool, cidrs []netip.Prefix, err error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "" || strings.EqualFold(s, "false"):
		return false, nil, nil
	case strings.EqualFold(s, "true"):
		return true, nil, nil
	}
	for entry := range strings.SplitSeq(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue // tolerate "10.0.0.0/8," and ", "
		}
		p, err := parseAllowEntry(entry)
		if err != nil {
			return false, nil, err
		}
		cidrs = append(cidrs, p)
	}
	if len(cidrs) == 0 {
		return false, nil, fmt.Errorf("outbound: allow list %q has no entries; want true, false or CIDRs like 10.0.0.0/8,192.168.1.5", s)
	}
	return false, cidrs, nil
}

func parseAllowEntry(entry string) (netip.Prefix, error) {
	bad := func(why string) (netip.Prefix, error) {
		return netip.Prefix{}, fmt.Errorf("outbound: allow list entry %q is not %s; want a CIDR like 10.0.0.0/8 or an IP like 192.168.1.5", entry, why)
	}
	if strings.Contains(entry, "/") {
		p, err := netip.ParsePrefix(entry)
		if err != nil {
			return bad("a valid CIDR")
		}
		// One spelling for IPv4 ranges, so `dealscout config` shows
		// ::ffff:10.0.0.0/104 as the 10.0.0.0/8 it means.
		if a := p.Addr(); a.Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(a.Unmap(), p.Bits()-96)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(entry)
	if err != nil {
		return bad("a valid IP")
	}
	if a.Zone() != "" {
		return bad("an IP without a zone")
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}
