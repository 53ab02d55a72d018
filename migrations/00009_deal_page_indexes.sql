-- The deals page sorts by score (ties: first seen, newest first, then id) and
-- by first seen. With the score indexes on the score alone, every tie was
-- sorted again and a page far down the list (OFFSET) sorted all the deals
-- before it (0.4 s for page 300 of 20,000 deals); "newest first" sorted every
-- deal (0.25 s). The score indexes keep their names, so a bulk re-score
-- (store.scoreIndexes) still drops and rebuilds them; first_seen never
-- changes once a deal is stored, so deals_first_seen costs a re-score nothing.

-- +goose Up
DROP INDEX deals_score;
CREATE INDEX deals_score ON deals(score DESC, first_seen DESC);
DROP INDEX deals_watch_score;
CREATE INDEX deals_watch_score ON deals(watch_id, score DESC, first_seen DESC);
CREATE INDEX deals_first_seen ON deals(first_seen);

-- +goose Down
DROP INDEX deals_first_seen;
DROP INDEX deals_watch_score;
CREATE INDEX deals_watch_score ON deals(watch_id, score DESC);
DROP INDEX deals_score;
CREATE INDEX deals_score ON deals(score DESC);
