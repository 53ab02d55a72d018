package store

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// TestDueWatches: a scheduled poll polls the watches that are not paused and
// were never polled or were polled at least their interval ago (exactly the
// interval counts), each as Watches returns it, by name; none due is an
// empty answer, not an error.
func TestDueWatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newTestStore(t)
	now := testNow
	if due, err := s.DueWatches(ctx, now); err != nil || len(due) != 0 {
		t.Fatalf("DueWatches with no watches = %v, %v; want none, nil", due, err)
	}
	tests := []struct {
		name   string
		polled time.Duration // ago; 0 = never
		paused bool
		due    bool
	}{
		{"a-never-polled", 0, false, true},
		{"b-polled-10m-ago", 10 * time.Minute, false, false},
		{"c-polled-1h-ago", time.Hour, false, true}, // the interval, exactly
		{"d-polled-59m59s-ago", time.Hour - time.Second, false, false},
		{"e-polled-3h-ago", 3 * time.Hour, false, true},
		{"f-paused-never-polled", 0, true, false},
		{"g-paused-3h-ago", 3 * time.Hour, true, false},
	}
	var want []string
	for _, tt := range tests {
		w := scout.NewWatch(tt.name)
		w.Query, w.Every, w.Notify = "table", time.Hour, []string{}
		if err := w.Validate(scout.LegalAPIOnly); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateWatch(ctx, &w); err != nil {
			t.Fatal(err)
		}
		if tt.polled > 0 {
			if err := s.MarkWatchPolled(ctx, w.ID, now.Add(-tt.polled), true); err != nil {
				t.Fatal(err)
			}
		}
		if tt.paused {
			if err := s.SetWatchPaused(ctx, tt.name, true); err != nil {
				t.Fatal(err)
			}
		}
		if tt.due {
			want = append(want, tt.name)
		}
	}
	due, err := s.DueWatches(ctx, now)
	if err != nil {
		t.Fatalf("DueWatches: %v", err)
	}
	var got []string
	for _, w := range due {
		got = append(got, w.Name)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("DueWatches = %v, want %v", got, want)
	}
	all, err := s.Watches(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range due {
		i := slices.IndexFunc(all, func(a scout.Watch) bool { return a.ID == w.ID })
		if i < 0 || !reflect.DeepEqual(all[i], w) {
			t.Errorf("DueWatches returned %q as %+v, Watches as %+v", w.Name, w, all[i])
		}
	}
	if due, err := s.DueWatches(ctx, now.Add(-4*time.Hour)); err != nil || len(due) != 1 || due[0].Name != "a-never-polled" {
		t.Errorf("DueWatches before every poll = %v, %v; want only the never-polled watch", due, err)
	}
}
