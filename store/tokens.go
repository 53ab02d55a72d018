package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// APIToken is a bearer token for /api/v1/, as listed: the token itself is
// shown once, when it is created, and only its SHA-256 is kept.
type APIToken struct {
	ID         int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero = never used
}

// TokenPrefix starts every API token, so a leaked one is easy to recognise
// (secret scanners, logs) and easy to tell from a session id.
const TokenPrefix = "dst_"

// tokenTouchEvery bounds how often a token's last use is written: without it
// every API request would take the write lock.
const tokenTouchEvery = time.Minute

// newSecret returns 32 random bytes as unpadded base64url.
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("store: random secret: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashSecret is what is stored for a token or session id: hex SHA-256. The
// secrets are 256 random bits, so a fast unsalted hash is enough.
func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// CreateToken makes a new API token named name and returns it in clear, the
// only time it is available. ErrConflict when the name is taken.
func (s *Store) CreateToken(ctx context.Context, name string) (string, APIToken, error) {
	secret, err := newSecret()
	if err != nil {
		return "", APIToken{}, err
	}
	token := TokenPrefix + secret
	t := APIToken{Name: name, CreatedAt: s.Now()}
	err = s.write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO api_tokens (name, hash, created_at) VALUES (?, ?, ?) RETURNING id`,
			name, hashSecret(token), ts(t.CreatedAt)).Scan(&t.ID)
	})
	if isUnique(err) {
		return "", APIToken{}, fmt.Errorf("token %q %w; revoke it first or pick another name", name, ErrConflict)
	}
	if err != nil {
		return "", APIToken{}, fmt.Errorf("store: create token %q: %w", name, err)
	}
	return token, t, nil
}

// Tokens lists the API tokens by name.
func (s *Store) Tokens(ctx context.Context) ([]APIToken, error) {
	var out []APIToken
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, name, created_at, last_used_at FROM api_tokens ORDER BY name`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanToken(rows)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: list tokens: %w", err)
	}
	return out, nil
}

// RevokeToken deletes the token named name; requests using it fail from now on.
func (s *Store) RevokeToken(ctx context.Context, name string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE name = ?`, name)
		if err != nil {
			return fmt.Errorf("store: revoke token %q: %w", name, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("token %q: %w (see `dealscout token list`)", name, ErrNotFound)
		}
		return nil
	})
}

// TokenFor returns the API token whose clear text is token, and notes its
// use (at most once a minute). ErrNotFound when no such token exists.
func (s *Store) TokenFor(ctx context.Context, token string) (APIToken, error) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return APIToken{}, fmt.Errorf("token: %w", ErrNotFound)
	}
	h := hashSecret(token)
	var t APIToken
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		t, err = scanToken(tx.QueryRowContext(ctx, `SELECT id, name, created_at, last_used_at FROM api_tokens WHERE hash = ?`, h))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return APIToken{}, fmt.Errorf("token: %w", ErrNotFound)
	}
	if err != nil {
		return APIToken{}, fmt.Errorf("store: look up token: %w", err)
	}
	now := s.Now()
	if now.Sub(t.LastUsedAt) >= tokenTouchEvery {
		err := s.write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, ts(now), t.ID)
			return err
		})
		if err != nil {
			return APIToken{}, fmt.Errorf("store: note token use: %w", err)
		}
		t.LastUsedAt = now
	}
	return t, nil
}

func scanToken(r rowScanner) (APIToken, error) {
	var t APIToken
	var created, used sql.NullString
	if err := r.Scan(&t.ID, &t.Name, &created, &used); err != nil {
		return t, err
	}
	t.CreatedAt, t.LastUsedAt = parseTS(created), parseTS(used)
	return t, nil
}
