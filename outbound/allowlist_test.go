package outbound

import (
	"slices"
	"strings"
	"testing"
)

func TestParseAllowList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		all     bool
		cidrs   []string
		wantErr string // substring of the error; "" means no error
	}{
		{in: ""},
		{in: "  "},
		{in: "false"},
		{in: "FALSE"},
		{in: "true", all: true},
		{in: " True ", all: true},
		{in: "10.0.0.0/8", cidrs: []string{"10.0.0.0/8"}},
		{in: "10.0.0.0/8, 192.168.1.5", cidrs: []string{"10.0.0.0/8", "192.168.1.5/32"}},
		{in: "fd00::/8,::1", cidrs: []string{"fd00::/8", "::1/128"}},
		{in: "10.1.2.3/8", cidrs: []string{"10.0.0.0/8"}},
		{in: "::ffff:10.0.0.0/104", cidrs: []string{"10.0.0.0/8"}},
		{in: "::ffff:10.0.0.1", cidrs: []string{"10.0.0.1/32"}},
		{in: "10.0.0.0/8,", cidrs: []string{"10.0.0.0/8"}},
		{in: "10.0.0.0/8,bogus", wantErr: `"bogus"`},
		{in: "10.0.0.0/33", wantErr: `"10.0.0.0/33"`},
		{in: "true,10.0.0.0/8", wantErr: `"true"`},
		{in: "yes", wantErr: `"yes"`},
		{in: "fe80::1%eth0", wantErr: `"fe80::1%eth0"`},
		{in: ",", wantErr: "no entries"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			all, cidrs, err := ParseAllowList(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseAllowList(%q) err = %v, want one naming %s", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseAllowList(%q): %v", tt.in, err)
			}
			got := make([]string, len(cidrs))
			for i, p := range cidrs {
				got[i] = p.String()
			}
			if all != tt.all || !slices.Equal(got, tt.cidrs) {
				t.Fatalf("ParseAllowList(%q) = %v, %v; want %v, %v", tt.in, all, got, tt.all, tt.cidrs)
			}
		})
	}
}

func FuzzParseAllowList(f *testing.F) {
	for _, s := range []string{"", "true", "false", "10.0.0.0/8,192.168.1.5", "::1", "fe80::1%eth0", "1.2.3.4/99", ",,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		all, cidrs, err := ParseAllowList(s)
		if err != nil {
			if all || cidrs != nil {
				t.Fatalf("ParseAllowList(%q) = %v, %v with error %v; want nothing allowed on error", s, all, cidrs, err)
			}
			return
		}
		if all && cidrs != nil {
			t.Fatalf("ParseAllowList(%q) = all and %v; want one or the other", s, cidrs)
		}
		strs := make([]string, len(cidrs))
		for i, p := range cidrs {
			if !p.IsValid() || p != p.Masked() {
				t.Fatalf("ParseAllowList(%q) gave %v; want valid, masked prefixes", s, p)
			}
			strs[i] = p.String()
		}
		if len(cidrs) == 0 {
			return
		}
		// What we parsed must read back the same (config prints it).
		_, again, err := ParseAllowList(strings.Join(strs, ","))
		if err != nil || !slices.Equal(again, cidrs) {
			t.Fatalf("ParseAllowList(%q) = %v, which reads back as %v, %v", s, cidrs, again, err)
		}
	})
}
