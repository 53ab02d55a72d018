package geo

import (
	"math"
	"testing"
)

func TestLookupZIP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		zip string
		ok  bool
	}{
		{"94105", true}, {"00601", true}, {"10001-1234", true}, {"99999", false}, {"9410", false}, {"abcde", false},
	}
	for _, tt := range tests {
		p, ok := LookupZIP(tt.zip)
		if ok != tt.ok {
			t.Errorf("LookupZIP(%q) ok = %v, want %v", tt.zip, ok, tt.ok)
		}
		if ok && !ValidPoint(p.Lat, p.Lng) {
			t.Errorf("LookupZIP(%q) = %v, not a valid point", tt.zip, p)
		}
	}
	if p, _ := LookupZIP("00601"); math.Abs(p.Lat-18.180555) > 1e-6 || math.Abs(p.Lng+66.749961) > 1e-6 {
		t.Errorf("00601 = %v, want the CSV's 18.180555,-66.749961", p)
	}
}

func TestDistanceMi(t *testing.T) {
	t.Parallel()
	sf := Point{37.7749, -122.4194}
	la := Point{34.0522, -118.2437}
	if d := DistanceMi(sf, la); d < 340 || d > 350 {
		t.Errorf("SF–LA = %.1f mi, want about 347", d)
	}
	if d := DistanceMi(sf, sf); d != 0 {
		t.Errorf("distance to self = %v, want 0", d)
	}
}
