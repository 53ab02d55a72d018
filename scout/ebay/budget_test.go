package ebay

import (
	"testing"
	"time"
)

func pacificZone(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatalf("load zone: %v", err)
	}
	return loc
}

func TestPace(t *testing.T) {
	t.Parallel()
	la := pacificZone(t)
	midnight := time.Date(2026, 11, 24, 0, 0, 0, 0, la)
	noon := midnight.Add(12 * time.Hour)
	nextMidnight := time.Date(2026, 11, 25, 0, 0, 0, 0, la)
	tests := []struct {
		name    string
		now     time.Time
		used    int
		budget  int
		allowed bool
		retryAt time.Time
	}{
		{"first call of the day", midnight, 0, 5000, true, time.Time{}},
		{"burst at midnight: 2% of 5000 = 100", midnight, 99, 5000, true, time.Time{}},
		{"past the burst at midnight waits for the spread", midnight, 100, 5000, false, midnight.Add(time.Second)},
		// At noon half the budget (2500) plus the burst (100) is allowed.
		{"at noon under the allowance", noon, 2599, 5000, true, time.Time{}},
		{"at noon at the allowance", noon, 2600, 5000, false, noon.Add(time.Second)},
		// 3000 used: the allowance reaches 3000 at (3000-100)/5000 of the day = 13h55m12s.
		{"ahead of the spread waits", noon, 3000, 5000, false, midnight.Add(13*time.Hour + 55*time.Minute + 12*time.Second + time.Second)},
		{"budget used until midnight", noon, 5000, 5000, false, nextMidnight},
		{"over budget until midnight", noon, 7000, 5000, false, nextMidnight},
		{"small budget keeps a burst of 10", midnight, 9, 100, true, time.Time{}},
		{"tiny budget: burst never exceeds it", midnight, 3, 3, false, nextMidnight},
		{"late-day retry is capped at midnight", nextMidnight.Add(-time.Second), 4999, 5000, true, time.Time{}},
	}
	for _, tt := range tests {
		p := pace(tt.now, la, tt.used, tt.budget)
		if p.Allowed != tt.allowed {
			t.Errorf("%s: allowed = %v (%s), want %v", tt.name, p.Allowed, p.Reason, tt.allowed)
			continue
		}
		if !p.RetryAt.Equal(tt.retryAt) {
			t.Errorf("%s: retryAt = %v, want %v", tt.name, p.RetryAt.In(la), tt.retryAt.In(la))
		}
		if !p.Allowed && p.Reason == "" {
			t.Errorf("%s: refused without a reason", tt.name)
		}
	}
}

func TestPaceSpreadsOverADaylightSavingDay(t *testing.T) {
	t.Parallel()
	la := pacificZone(t)
	// 2026-03-08 is 23 hours long in Los Angeles; halfway is 11.5 hours in.
	start := time.Date(2026, 3, 8, 0, 0, 0, 0, la)
	half := start.Add(11*time.Hour + 30*time.Minute)
	if p := pace(half, la, 2599, 5000); !p.Allowed {
		t.Errorf("halfway through a 23-hour day, 2599 of 2600 allowed calls refused: %s", p.Reason)
	}
	if p := pace(half, la, 2600, 5000); p.Allowed {
		t.Errorf("halfway through a 23-hour day, call 2601 allowed; the day length was taken as 24 h")
	}
}

func TestPacificDay(t *testing.T) {
	t.Parallel()
	la := pacificZone(t)
	// 07:30 UTC on the 25th is still the 24th in Los Angeles (PST, UTC-8).
	start, end := pacificDay(time.Date(2026, 11, 25, 7, 30, 0, 0, time.UTC), la)
	if want := time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC); !start.Equal(want) {
		t.Errorf("start = %v, want %v", start.UTC(), want)
	}
	if want := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC); !end.Equal(want) {
		t.Errorf("end = %v, want %v", end.UTC(), want)
	}
}
