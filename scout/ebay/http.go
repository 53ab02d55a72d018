package ebay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dealscout/dealscout/outbound"
)

// maxBody bounds every response we read: eBay pages of 200 items are well
// under 1 MiB, so anything past 10 MiB is not an eBay answer.
const maxBody = 10 << 20

// errDailyLimit is eBay's errorId for "the request limit has been reached
// for the resource", which on a 429 means the daily call limit.
const errDailyLimit = 2001

// apiError is eBay's ErrorDetailV3, used for both errors[] and warnings[].
type apiError struct {
	ErrorID  int64  `json:"errorId"`
	Domain   string `json:"domain"`
	Category string `json:"category"`
	Message  string `json:"message"`
}

func (e apiError) String() string {
	return strconv.FormatInt(e.ErrorID, 10) + ": " + clip(e.Message)
}

type errorBody struct {
	Errors []apiError `json:"errors"`
}

func readBody(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxBody {
		return nil, outbound.ErrBodyTooLarge
	}
	return b, nil
}

func hasErrorID(body []byte, id int64) bool {
	var eb errorBody
	if json.Unmarshal(body, &eb) != nil {
		return false
	}
	for _, e := range eb.Errors {
		if e.ErrorID == id {
			return true
		}
	}
	return false
}

// httpError describes a failed response from eBay's own error list. Only
// eBay's error ids and messages are quoted: never headers, never the raw
// body, so neither the token nor the secret can leak into an error.
func httpError(status int, body []byte) error {
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil && len(eb.Errors) > 0 {
		msgs := make([]string, 0, len(eb.Errors))
		for _, e := range eb.Errors {
			msgs = append(msgs, "error "+e.String())
		}
		return fmt.Errorf("HTTP %d: %s", status, strings.Join(msgs, "; "))
	}
	return fmt.Errorf("HTTP %d %s", status, http.StatusText(status))
}

// isDailyQuota tells outbound.Do not to retry eBay's daily-limit 429: no
// retry today can succeed. It peeks at the body and puts it back.
func isDailyQuota(resp *http.Response) bool {
	if resp.StatusCode != http.StatusTooManyRequests {
		return false
	}
	peek, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(peek), resp.Body), resp.Body}
	return hasErrorID(peek, errDailyLimit)
}

func chainStop(a, b func(*http.Response) bool) func(*http.Response) bool {
	if a == nil {
		return b
	}
	return func(r *http.Response) bool { return a(r) || b(r) }
}

func drainClose(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	_ = resp.Body.Close()
}

// clip keeps messages from eBay to one readable line.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= 300 {
		return s
	}
	cut := 300
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
