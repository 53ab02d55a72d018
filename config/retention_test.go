package config

import (
	"strings"
	"testing"
	"time"
)

func TestParseAge(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"90d", 90 * Day, true},
		{" 1d ", Day, true},
		{"0d", 0, true},
		{"36h", 36 * time.Hour, true},
		{"1h30m", 90 * time.Minute, true},
		{"d", 0, false},
		{"-3d", 0, false},
		{"1.5d", 0, false},
		{"90", 0, false},
		{"-1h", 0, false},
		{"99999999999d", 0, false},
	} {
		got, err := ParseAge(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseAge(%q) = %v, %v; want %v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if tc.ok && err == nil && tc.want > 0 {
			if back, _ := ParseAge(FormatAge(got)); back != got {
				t.Errorf("FormatAge(%v) = %q does not read back", got, FormatAge(got))
			}
		}
	}
}

func TestRetentionSetting(t *testing.T) {
	t.Parallel()
	if c := mustLoadEnv(t); c.Retention != 90*Day {
		t.Errorf("default retention %v, want 90 days", c.Retention)
	}
	if c := mustLoadEnv(t, "DEALSCOUT_RETENTION=30d"); c.Retention != 30*Day {
		t.Errorf("DEALSCOUT_RETENTION=30d gave %v", c.Retention)
	}
	for _, bad := range []string{"12h", "3651d", "soon"} {
		_, err := loadEnv(t, "DEALSCOUT_RETENTION="+bad)
		if err == nil || !strings.Contains(err.Error(), "DEALSCOUT_RETENTION") || !strings.Contains(err.Error(), "1d to 3650d") {
			t.Errorf("DEALSCOUT_RETENTION=%s: got %v, want an error naming the key and the range", bad, err)
		}
	}
}
