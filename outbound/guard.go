package outbound

import (
	"net/netip"
	"syscall"
)

// CheckAddr reports whether dealscout may connect to addr: nil, or a
// *BlockedError naming the forbidden range. Addresses inside allow are always
// permitted. IPv6 forms that carry an IPv4 address (IPv4-mapped,
// IPv4-compatible, NAT64, 6to4, Teredo) are judged by that IPv4 address too,
// because that is where the packets end up.
func CheckAddr(addr netip.Addr, allow []netip.Prefix) error {
	if reason := blockedReason(addr, allow); reason != "" {
		return &BlockedError{Addr: addr.String(), Reason: reason}
	}
	return nil
}

// dialGuard is a net.Dialer Control hook: it sees the resolved ip:port just
// before connect, which is the only place a hostname can no longer change.
func dialGuard(allow []netip.Prefix) func(network, address string, _ syscall.RawConn) error {
	return func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return &BlockedError{Addr: address, Reason: "unparseable address"}
		}
		if reason := blockedReason(ap.Addr(), allow); reason != "" {
			return &BlockedError{Addr: address, Reason: reason}
		}
		return nil
	}
}

// blockedReason is "" when addr may be dialled, else why not.
func blockedReason(addr netip.Addr, allow []netip.Prefix) string {
	if !addr.IsValid() {
		return "invalid address"
	}
	// Prefix.Contains never matches a zoned address, so drop the zone:
	// fe80::1%eth0 is as link-local as fe80::1.
	addr = addr.WithZone("")
	if allowed(addr, allow) {
		return ""
	}
	// An IPv4-mapped address is the IPv4 address on a dual-stack socket.
	addr = addr.Unmap()
	if allowed(addr, allow) {
		return ""
	}
	if reason := rangeReason(addr); reason != "" {
		return reason
	}
	v4, via, ok := embeddedV4(addr)
	if !ok || allowed(v4, allow) {
		return ""
	}
	if reason := rangeReason(v4); reason != "" {
		return reason + " via " + via
	}
	return ""
}

// allowed matches addr in both its IPv4 and IPv4-mapped spellings, because a
// Prefix of one never contains an Addr of the other.
func allowed(addr netip.Addr, allow []netip.Prefix) bool {
	mapped := addr
	if addr.Is4() {
		mapped = netip.AddrFrom16(addr.As16())
	}
	for _, p := range allow {
		if p.Contains(addr) || p.Contains(mapped) {
			return true
		}
	}
	return false
}

// forbiddenRange is a block of addresses that is not the public internet.
type forbiddenRange struct {
	prefix netip.Prefix
	reason string
}

// forbiddenRanges is checked in order, so narrower ranges with a more useful
// reason (broadcast) come before the ranges that contain them (reserved).
var forbiddenRanges = []forbiddenRange{
	{netip.MustParsePrefix("0.0.0.0/32"), "unspecified"},
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},
	{netip.MustParsePrefix("10.0.0.0/8"), "private"},
	{netip.MustParsePrefix("100.64.0.0/10"), "carrier-grade NAT"}, // also Alibaba's metadata 100.100.100.200
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local/metadata"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private"},
	{netip.MustParsePrefix("192.0.0.0/24"), "special-purpose"}, // also Oracle's metadata 192.0.0.192
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"}, // used for internal fake-IP DNS by some VPNs
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast"},
	{netip.MustParsePrefix("255.255.255.255/32"), "broadcast"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},

	{netip.MustParsePrefix("::/128"), "unspecified"},
	{netip.MustParsePrefix("::1/128"), "loopback"},
	{netip.MustParsePrefix("100::/64"), "discard-only"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "NAT64 local-use"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation"},
	{netip.MustParsePrefix("fc00::/7"), "unique-local"}, // also AWS's IPv6 metadata fd00:ec2::254
	{netip.MustParsePrefix("fe80::/10"), "link-local/metadata"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
	{netip.MustParsePrefix("ff00::/8"), "multicast"},
}

func rangeReason(addr netip.Addr) string {
	for _, r := range forbiddenRanges {
		if r.prefix.Contains(addr) {
			return r.reason
		}
	}
	return ""
}

var (
	ipv4Compatible = netip.MustParsePrefix("::/96")
	nat64          = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour      = netip.MustParsePrefix("2002::/16")
	teredo         = netip.MustParsePrefix("2001::/32")
)

// embeddedV4 extracts the IPv4 address an IPv6 transition address delivers
// to, so 64:ff9b::127.0.0.1 cannot reach a NAT64 gateway's loopback.
func embeddedV4(addr netip.Addr) (v4 netip.Addr, via string, ok bool) {
	if !addr.Is6() {
		return netip.Addr{}, "", false
	}
	b := addr.As16()
	switch {
	case nat64.Contains(addr):
		return netip.AddrFrom4([4]byte(b[12:16])), "NAT64", true
	case ipv4Compatible.Contains(addr):
		return netip.AddrFrom4([4]byte(b[12:16])), "IPv4-compatible", true
	case sixToFour.Contains(addr):
		return netip.AddrFrom4([4]byte(b[2:6])), "6to4", true
	case teredo.Contains(addr):
		// Teredo stores the client's IPv4 address with every bit inverted.
		return netip.AddrFrom4([4]byte{^b[12], ^b[13], ^b[14], ^b[15]}), "Teredo", true
	}
	return netip.Addr{}, "", false
}
