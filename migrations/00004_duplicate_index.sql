-- Cross-source duplicate lookups ask for listings with the same normalised
-- title at another source that are not duplicates themselves. Indexing the
-- source too lets SQLite skip the listing's own source instead of reading
-- every same-titled listing from it, which grew with the database.

-- +goose Up
DROP INDEX listings_norm_title;
CREATE INDEX listings_dup ON listings(norm_title, source) WHERE duplicate_of IS NULL;

-- +goose Down
DROP INDEX listings_dup;
CREATE INDEX listings_norm_title ON listings(norm_title);
