package ebay

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dealscout/dealscout/outbound"
)

// TokenCache keeps OAuth access tokens between runs (the store's
// oauth_tokens table). Token returns "" when it holds none for key.
type TokenCache interface {
	Token(ctx context.Context, key string) (token string, expires time.Time, err error)
	SaveToken(ctx context.Context, key, token string, expires time.Time) error
}

// tokenScope is the public-data scope client-credentials tokens need for Browse.
const tokenScope = "https://api.ebay.com/oauth/api_scope" // #nosec G101 -- a public OAuth scope name, not a credential

// renewBefore renews a token this long before eBay says it expires, so a
// token never dies between our check and eBay's.
const renewBefore = 5 * time.Minute

// tokenKey names a token by application and environment without the secret:
// the client id is hashed too, since keys end up in tables and logs.
func tokenKey(clientID string, auth *url.URL) string {
	sum := sha256.Sum256([]byte(clientID))
	return "ebay:" + strings.ToLower(auth.Host) + ":" + hex.EncodeToString(sum[:8])
}

// token returns a usable access token: from memory, then the cache, else a
// new one. force skips both, for when eBay has just rejected the token.
func (s *Source) token(ctx context.Context, force bool) (string, error) {
	s.tokenMu.Lock()
	defer s.tokenMu.Unlock()
	now := s.now()
	fresh := func(exp time.Time) bool { return now.Add(renewBefore).Before(exp) }
	if !force && s.tok != "" && fresh(s.tokExp) {
		return s.tok, nil
	}
	if !force {
		tok, exp, err := s.tokens.Token(ctx, s.tokenKey)
		if err != nil {
			// A broken cache costs one extra token call, not the search.
			s.log.WarnContext(ctx, "ebay token cache unreadable; minting a new token", slog.Any("error", err))
		} else if tok != "" && fresh(exp) {
			s.tok, s.tokExp = tok, exp
			return tok, nil
		}
	}
	tok, exp, err := s.mintToken(ctx)
	if err != nil {
		return "", err
	}
	s.tok, s.tokExp = tok, exp
	if err := s.tokens.SaveToken(ctx, s.tokenKey, tok, exp); err != nil {
		s.log.WarnContext(ctx, "ebay token cache not saved; the token is kept in memory", slog.Any("error", err))
	}
	return tok, nil
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
	TokenType   string `json:"token_type"`
}

type tokenError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// mintToken asks eBay's identity API for a client-credentials token.
func (s *Source) mintToken(ctx context.Context) (string, time.Time, error) {
	endpoint := s.authURL.JoinPath("identity/v1/oauth2/token").String()
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {tokenScope}}.Encode()
	resp, err := outbound.Do(ctx, s.client, func(ctx context.Context) (*http.Request, error) {
		if err := s.spend(ctx); err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form))
		if err != nil {
			return nil, err
		}
		req.SetBasicAuth(s.clientID, s.secret)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Accept", "application/json")
		return req, nil
	}, s.retry)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("get access token: %w", err)
	}
	defer resp.Body.Close()
	body, err := readBody(resp.Body)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("get access token: read response: %w", err)
	}
	if resp.StatusCode == http.StatusTooManyRequests && hasErrorID(body, errDailyLimit) {
		return "", time.Time{}, s.dailyLimitError()
	}
	if resp.StatusCode != http.StatusOK {
		var te tokenError
		if json.Unmarshal(body, &te) == nil && te.Error != "" {
			hint := ""
			if te.Error == "invalid_client" {
				hint = "; check DEALSCOUT_EBAY_CLIENT_ID and DEALSCOUT_EBAY_CLIENT_SECRET, and that the keys belong to " + s.authURL.Host
			}
			return "", time.Time{}, fmt.Errorf("get access token: HTTP %d: %s: %s%s",
				resp.StatusCode, clip(s.scrub(te.Error)), clip(s.scrub(te.Description)), hint)
		}
		return "", time.Time{}, fmt.Errorf("get access token: %s", s.scrub(httpError(resp.StatusCode, body).Error()))
	}
	var tr tokenResponse
	if err := json.Unmarshal(body, &tr); err != nil {
		return "", time.Time{}, fmt.Errorf("get access token: malformed response: %w", err)
	}
	if tr.AccessToken == "" || tr.ExpiresIn <= 0 {
		return "", time.Time{}, fmt.Errorf("get access token: response has no access_token or expires_in")
	}
	return tr.AccessToken, s.now().Add(time.Duration(tr.ExpiresIn) * time.Second), nil
}

// scrub removes the client secret — as is and as the Basic credential it was
// sent in — from text the token endpoint sent back: eBay does not echo it,
// but a proxy or a debugging endpoint in its place might, and the text ends
// up in logs, poll reports and alerts.
func (s *Source) scrub(text string) string {
	basic := base64.StdEncoding.EncodeToString([]byte(s.clientID + ":" + s.secret))
	return strings.NewReplacer(s.secret, "***", basic, "***").Replace(text)
}
