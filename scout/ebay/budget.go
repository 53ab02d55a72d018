package ebay

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// Usage counts calls per source per day (the store's api_usage table). day
// is "2006-01-02"; AddCall returns the count after adding.
type Usage interface {
	Calls(ctx context.Context, source, day string) (int, error)
	AddCall(ctx context.Context, source, day string) (int, error)
}

// reasonDailyLimit is the QuotaError reason when eBay itself says the
// application's daily limit is reached.
const reasonDailyLimit = "eBay says the application's daily call limit is reached (errorId 2001)"

// pacing is the decision whether one more call fits the day's budget.
type pacing struct {
	Allowed bool
	RetryAt time.Time // when a call will next be allowed; zero when Allowed
	Reason  string
}

// burst is how far ahead of the even spread calls may run, so a few polls in
// a row at the start of the day are not refused: 2% of the budget, at least
// 10 calls, never more than the budget.
func burst(budget int) int {
	return min(budget, max(10, budget/50))
}

// pace decides whether a call may be made at now, given the calls already
// made in the US Pacific day that contains now. The budget is spread evenly
// over the day: by a fraction f of the day, budget·f + burst calls are allowed.
func pace(now time.Time, loc *time.Location, used, budget int) pacing {
	start, end := pacificDay(now, loc)
	if used >= budget {
		return pacing{RetryAt: end, Reason: fmt.Sprintf("the daily budget of %d eBay calls is used", budget)}
	}
	dayLen := end.Sub(start).Seconds()
	elapsed := now.Sub(start).Seconds()
	b := burst(budget)
	if float64(used) < float64(budget)*elapsed/dayLen+float64(b) {
		return pacing{Allowed: true}
	}
	// The allowance passes used once budget·t/dayLen + burst > used.
	wait := math.Ceil(float64(used-b)*dayLen/float64(budget)) + 1
	retry := start.Add(time.Duration(wait) * time.Second)
	if retry.After(end) {
		retry = end
	}
	return pacing{RetryAt: retry, Reason: fmt.Sprintf(
		"the daily budget of %d eBay calls is being spread over the day (%d used so far)", budget, used)}
}

// pacificDay returns the midnights that bound now's day in loc. Days are 23
// or 25 hours long when the clocks change.
func pacificDay(now time.Time, loc *time.Location) (start, end time.Time) {
	t := now.In(loc)
	start = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	end = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
	return start, end
}

// spend checks the budget and counts one call; it refuses with a
// *scout.QuotaError when the call does not fit.
func (s *Source) spend(ctx context.Context) error {
	now := s.now()
	day := now.In(s.pacific).Format(time.DateOnly)
	used, err := s.usage.Calls(ctx, SourceName, day)
	if err != nil {
		return fmt.Errorf("read today's eBay call count: %w", err)
	}
	p := pace(now, s.pacific, used, s.budget)
	if !p.Allowed {
		return &scout.QuotaError{Source: SourceName, RetryAt: p.RetryAt, Reason: p.Reason}
	}
	if _, err := s.usage.AddCall(ctx, SourceName, day); err != nil {
		return fmt.Errorf("count an eBay call: %w", err)
	}
	return nil
}

func (s *Source) dailyLimitError() error {
	_, end := pacificDay(s.now(), s.pacific)
	return &scout.QuotaError{Source: SourceName, RetryAt: end, Reason: reasonDailyLimit}
}
