package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dealscout/dealscout/scout"
)

// RunAborted is the status of a run that never finished: its process was
// killed. The next poll marks it so, instead of leaving it "running".
const RunAborted = "aborted"

// abortRunsLeftRunning marks the runs left "running" aborted. Each StartRun
// does so under the poll lock, so such runs come after the newest run that
// finished: the bound on id lets SQLite walk back from the newest row and
// stop there instead of reading every run: a poll from cron every minute
// adds 43,000 a month, and with 130,000 (90 days) the full scan made a poll
// with nothing due four times slower.
const abortRunsLeftRunning = `UPDATE poll_runs SET status = 'aborted', finished_at = ?
	WHERE status = 'running'
	AND id > coalesce((SELECT id FROM poll_runs WHERE status != 'running' ORDER BY id DESC LIMIT 1), 0)`

// StartRun records a poll run as running and returns its id. Callers hold
// the poll lock, so any run still "running" belongs to a process that died
// holding it (the kernel released the lock): it is marked aborted.
func (s *Store) StartRun(ctx context.Context, at time.Time) (int64, error) {
	var id int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, abortRunsLeftRunning, ts(at)); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO poll_runs (started_at) VALUES (?) RETURNING id`, ts(at)).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("store: start poll run: %w", err)
	}
	return id, nil
}

// FinishRun stores the run's report and status.
func (s *Store) FinishRun(ctx context.Context, rep scout.RunReport) error {
	b, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE poll_runs SET finished_at = ?, status = ?, report = ? WHERE id = ?`,
			ts(rep.FinishedAt), rep.Status, string(b), rep.RunID)
		if err != nil {
			return fmt.Errorf("store: finish poll run: %w", err)
		}
		return nil
	})
}

// SourceHealth is one watch's source as `sources` and the UI show it.
type SourceHealth struct {
	Watch         string
	Spec          string
	FailureStreak int
	LastError     string
	LastSuccess   time.Time
	LastFailure   time.Time
	NextCheckAt   time.Time
}

// SourceHealths lists every watch's source state.
func (s *Store) SourceHealths(ctx context.Context) ([]SourceHealth, error) {
	var out []SourceHealth
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT w.name, st.spec, st.failure_streak, st.last_error, st.last_success_at,
			st.last_failure_at, st.next_check_at FROM source_state st JOIN watches w ON w.id = st.watch_id ORDER BY w.name, st.spec`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h SourceHealth
			var ok, fail, next sql.NullString
			if err := rows.Scan(&h.Watch, &h.Spec, &h.FailureStreak, &h.LastError, &ok, &fail, &next); err != nil {
				return err
			}
			h.LastSuccess, h.LastFailure, h.NextCheckAt = parseTS(ok), parseTS(fail), parseTS(next)
			out = append(out, h)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: source health: %w", err)
	}
	return out, nil
}
