package config

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestServeSettings(t *testing.T) {
	t.Parallel()
	c := mustLoadEnv(t)
	if len(c.TrustedProxies) != 0 || c.HSTS || c.MetricsToken.Reveal() != "" {
		t.Errorf("defaults: proxies %v, HSTS %v, metrics token set %v; want none, false, unset", c.TrustedProxies, c.HSTS, c.MetricsToken.Reveal() != "")
	}
	c = mustLoadEnv(t, "DEALSCOUT_TRUSTED_PROXIES=127.0.0.1, 10.0.0.0/8,::1", "DEALSCOUT_HSTS=true", "DEALSCOUT_METRICS_TOKEN=s3cret")
	want := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	if !slices.Equal(c.TrustedProxies, want) || !c.HSTS || c.MetricsToken.Reveal() != "s3cret" {
		t.Errorf("set: proxies %v (want %v), HSTS %v, token %q", c.TrustedProxies, want, c.HSTS, c.MetricsToken.Reveal())
	}
	for _, bad := range []string{"true", "10.0.0.0/33", "proxy.local", "10.0.0.1,"} {
		_, err := loadEnv(t, "DEALSCOUT_TRUSTED_PROXIES="+bad)
		if err == nil || !strings.Contains(err.Error(), "DEALSCOUT_TRUSTED_PROXIES") {
			t.Errorf("DEALSCOUT_TRUSTED_PROXIES=%s: got %v, want an error naming the key", bad, err)
		}
	}
}
