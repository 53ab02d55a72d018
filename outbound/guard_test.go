package outbound

import (
	"errors"
	"net/netip"
	"testing"
)

func TestCheckAddr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr   string
		allow  string // comma-separated, through ParseAllowList
		reason string // "" means allowed
	}{
		// Public addresses pass, including transition forms of public IPv4.
		{addr: "8.8.8.8"},
		{addr: "1.1.1.1"},
		{addr: "93.184.216.34"},
		{addr: "2606:4700:4700::1111"},
		{addr: "::ffff:8.8.8.8"},
		{addr: "64:ff9b::8.8.8.8"},
		{addr: "2002:808:808::1"},
		{addr: "::8.8.8.8"},

		// IPv4 ranges, with their edges.
		{addr: "127.0.0.1", reason: "loopback"},
		{addr: "127.255.255.255", reason: "loopback"},
		{addr: "10.0.0.0", reason: "private"},
		{addr: "10.255.255.255", reason: "private"},
		{addr: "172.15.255.255"},
		{addr: "172.16.0.0", reason: "private"},
		{addr: "172.31.255.255", reason: "private"},
		{addr: "172.32.0.0"},
		{addr: "192.168.1.1", reason: "private"},
		{addr: "100.63.255.255"},
		{addr: "100.64.0.0", reason: "carrier-grade NAT"},
		{addr: "100.100.100.200", reason: "carrier-grade NAT"},
		{addr: "100.127.255.255", reason: "carrier-grade NAT"},
		{addr: "100.128.0.0"},
		{addr: "169.254.169.254", reason: "link-local/metadata"},
		{addr: "169.254.0.1", reason: "link-local/metadata"},
		{addr: "0.0.0.0", reason: "unspecified"},
		{addr: "0.1.2.3", reason: "this-network"},
		{addr: "224.0.0.1", reason: "multicast"},
		{addr: "239.255.255.250", reason: "multicast"},
		{addr: "255.255.255.255", reason: "broadcast"},
		{addr: "240.0.0.1", reason: "reserved"},
		{addr: "192.0.0.192", reason: "special-purpose"},
		{addr: "198.18.0.1", reason: "benchmarking"},
		{addr: "192.0.2.1", reason: "documentation"},

		// IPv6 ranges.
		{addr: "::1", reason: "loopback"},
		{addr: "::", reason: "unspecified"},
		{addr: "fe80::1", reason: "link-local/metadata"},
		{addr: "fe80::1%eth0", reason: "link-local/metadata"},
		{addr: "febf:ffff::1", reason: "link-local/metadata"},
		{addr: "fc00::1", reason: "unique-local"},
		{addr: "fd00:ec2::254", reason: "unique-local"},
		{addr: "fec0::1", reason: "site-local"},
		{addr: "ff02::1", reason: "multicast"},
		{addr: "100::1", reason: "discard-only"},
		{addr: "2001:db8::1", reason: "documentation"},
		{addr: "64:ff9b:1::1", reason: "NAT64 local-use"},

		// IPv4-mapped addresses are the IPv4 address.
		{addr: "::ffff:127.0.0.1", reason: "loopback"},
		{addr: "::ffff:10.1.2.3", reason: "private"},
		{addr: "::ffff:169.254.169.254", reason: "link-local/metadata"},
		{addr: "::ffff:0.0.0.0", reason: "unspecified"},

		// Transition addresses are judged by the IPv4 address they carry.
		{addr: "::127.0.0.1", reason: "loopback via IPv4-compatible"},
		{addr: "::10.0.0.1", reason: "private via IPv4-compatible"},
		{addr: "64:ff9b::127.0.0.1", reason: "loopback via NAT64"},
		{addr: "64:ff9b::169.254.169.254", reason: "link-local/metadata via NAT64"},
		{addr: "64:ff9b::192.168.0.1", reason: "private via NAT64"},
		{addr: "2002:7f00:1::1", reason: "loopback via 6to4"},
		{addr: "2002:a9fe:a9fe::", reason: "link-local/metadata via 6to4"},
		{addr: "2002:c0a8:101::1", reason: "private via 6to4"},
		{addr: "2001:0:4136:e378:8000:63bf:80ff:fffe", reason: "loopback via Teredo"}, // client ^127.0.0.1
		{addr: "2001:0:4136:e378:8000:63bf:f7f7:f7f7"},                                // client 8.8.8.8

		// The allow list wins, for exactly the ranges it names.
		{addr: "10.1.2.3", allow: "10.0.0.0/8"},
		{addr: "10.1.2.3", allow: "10.1.2.3"},
		{addr: "10.1.2.4", allow: "10.1.2.3", reason: "private"},
		{addr: "127.0.0.2", allow: "127.0.0.1/32", reason: "loopback"},
		{addr: "::ffff:10.1.2.3", allow: "10.0.0.0/8"},
		{addr: "10.1.2.3", allow: "::ffff:10.0.0.0/104"},
		{addr: "64:ff9b::10.1.2.3", allow: "10.0.0.0/8"},
		{addr: "2002:a01:203::1", allow: "10.0.0.0/8"},
		{addr: "fe80::1%eth0", allow: "fe80::/10"},
		{addr: "fd00::1", allow: "fc00::/7"},
		{addr: "fd00::1", allow: "10.0.0.0/8", reason: "unique-local"},
	}
	for _, tt := range tests {
		t.Run(tt.addr+" allow "+tt.allow, func(t *testing.T) {
			t.Parallel()
			addr := netip.MustParseAddr(tt.addr)
			var allow []netip.Prefix
			if tt.allow != "" {
				var err error
				if _, allow, err = ParseAllowList(tt.allow); err != nil {
					t.Fatalf("ParseAllowList(%q): %v", tt.allow, err)
				}
			}

			err := CheckAddr(addr, allow)

			if tt.reason == "" {
				if err != nil {
					t.Fatalf("CheckAddr(%s) = %v, want nil", addr, err)
				}
				return
			}
			var be *BlockedError
			if !errors.As(err, &be) || be.Reason != tt.reason {
				t.Fatalf("CheckAddr(%s) = %v, want a *BlockedError with Reason %q", addr, err, tt.reason)
			}
		})
	}
}

func TestCheckAddrRefusesInvalidAddr(t *testing.T) {
	t.Parallel()
	var be *BlockedError
	if err := CheckAddr(netip.Addr{}, nil); !errors.As(err, &be) {
		t.Fatalf("CheckAddr(zero Addr) = %v, want a *BlockedError", err)
	}
}

func TestDialGuardNamesTheAddress(t *testing.T) {
	t.Parallel()
	err := dialGuard(nil)("tcp4", "127.0.0.1:8080", nil)
	var be *BlockedError
	if !errors.As(err, &be) || be.Addr != "127.0.0.1:8080" {
		t.Fatalf("dialGuard error = %v, want a *BlockedError with Addr 127.0.0.1:8080", err)
	}
}

func FuzzCheckAddr(f *testing.F) {
	for _, s := range []string{"127.0.0.1", "8.8.8.8", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "2001::ffff:ffff", "fe80::1", "::"} {
		f.Add(netip.MustParseAddr(s).AsSlice())
	}
	f.Add([]byte{})
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, raw []byte) {
		addr, ok := netip.AddrFromSlice(raw)
		err := CheckAddr(addr, nil)
		if !ok {
			if err == nil {
				t.Fatalf("CheckAddr(invalid from %x) = nil, want refused", raw)
			}
			return
		}
		var be *BlockedError
		if err != nil && (!errors.As(err, &be) || be.Reason == "") {
			t.Fatalf("CheckAddr(%s) = %#v, want nil or a *BlockedError with a Reason", addr, err)
		}
		if err := CheckAddr(addr, []netip.Prefix{netip.PrefixFrom(addr, addr.BitLen())}); err != nil {
			t.Fatalf("CheckAddr(%s) with itself allowed = %v, want nil", addr, err)
		}
		everything := []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")}
		if err := CheckAddr(addr, everything); err != nil {
			t.Fatalf("CheckAddr(%s) with everything allowed = %v, want nil", addr, err)
		}
		if addr.Is4In6() {
			if unmappedErr := CheckAddr(addr.Unmap(), nil); (err == nil) != (unmappedErr == nil) {
				t.Fatalf("CheckAddr(%s) = %v but CheckAddr(%s) = %v; mapped and plain must agree", addr, err, addr.Unmap(), unmappedErr)
			}
		}
	})
}
