package ui

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dealscout/dealscout/store"
)

// feedEntries is how many deals a watch's feed carries, newest first.
const feedEntries = 50

// feedSecret is the secret path segment of a watch's Atom feed: an HMAC of
// the watch's name under the database's feed key, 128 bits in hex. Feed
// readers cannot log in, so the path is the credential; it never appears in
// a query string (those end up in proxy logs more often than paths), and
// rotating the key revokes every feed link at once.
func feedSecret(key []byte, watch string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("dealscout watch feed\x00" + watch))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomEntry struct {
	Title   string     `xml:"title"`
	ID      string     `xml:"id"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
	Summary string     `xml:"summary"`
}

func (u *UI) feed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	secret := r.PathValue("secret")
	key, err := u.d.Store.FeedKey(ctx)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	ws, err := u.d.Store.Watches(ctx)
	if err != nil {
		u.d.Log.ErrorContext(ctx, "feed: list watches", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	watch := ""
	for _, wa := range ws {
		if subtle.ConstantTimeCompare([]byte(feedSecret(key, wa.Name)), []byte(secret)) == 1 {
			watch = wa.Name
		}
	}
	if watch == "" {
		http.NotFound(w, r)
		return
	}
	deals, _, err := u.d.Store.DealsPage(ctx, store.DealQuery{Watch: watch, Sort: store.SortNewest, Limit: feedEntries})
	if err != nil {
		u.d.Log.ErrorContext(ctx, "feed: list deals", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	updated := time.Unix(0, 0).UTC()
	f := atomFeed{Title: "dealscout: " + watch, ID: "urn:dealscout:watch:" + url.PathEscape(watch), Author: atomAuthor{Name: "dealscout"}}
	if u.d.BaseURL != "" {
		f.Links = []atomLink{{Rel: "self", Href: u.d.BaseURL + "/feeds/" + secret}, {Rel: "alternate", Href: u.d.BaseURL + "/?watch=" + url.QueryEscape(watch)}}
	}
	for _, d := range deals {
		if d.FirstSeen.After(updated) {
			updated = d.FirstSeen
		}
		e := atomEntry{
			Title:   listingPrice(d.Listing) + " · " + d.Listing.Title + " (score " + strconv.Itoa(int(d.Score.Total+0.5)) + ")",
			ID:      "urn:dealscout:deal:" + strconv.FormatInt(d.ID, 10),
			Updated: d.FirstSeen.UTC().Format(time.RFC3339),
		}
		var sum []string
		if pct, ok := underMarket(d); ok {
			sum = append(sum, strconv.Itoa(int(pct+0.5))+"% under a "+money(d.Score.Market.MedianCents, d.Listing.Currency)+" market")
		}
		if p := profitText(d); p != "" {
			sum = append(sum, "profit ~"+p)
		}
		if m := miles(d.DistanceMi); m != "" {
			sum = append(sum, m)
		}
		sum = append(sum, d.Listing.Source)
		if v := verifyWarning(d.Score); v != "" {
			sum = append(sum, "verify: "+v)
		}
		e.Summary = strings.Join(sum, " · ")
		if u.d.BaseURL != "" {
			e.Links = append(e.Links, atomLink{Rel: "alternate", Href: u.d.BaseURL + "/deals/" + strconv.FormatInt(d.Listing.ID, 10) + "?watch=" + url.QueryEscape(watch)})
		}
		if l := httpURL(d.Listing.URL); l != "" {
			rel := "related"
			if u.d.BaseURL == "" {
				rel = "alternate"
			}
			e.Links = append(e.Links, atomLink{Rel: rel, Href: l})
		}
		f.Entries = append(f.Entries, e)
	}
	f.Updated = updated.UTC().Format(time.RFC3339)
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// The secret is in the path: keep it out of other sites' logs.
	w.Header().Set("Referrer-Policy", "no-referrer")
	_, _ = w.Write([]byte(xml.Header))
	enc := xml.NewEncoder(w)
	if err := enc.Encode(f); err != nil {
		u.d.Log.WarnContext(ctx, "feed: write", "error", err)
	}
}

func (u *UI) feedRotate(w http.ResponseWriter, r *http.Request) {
	if err := u.d.Store.RotateFeedKey(r.Context()); err != nil {
		u.fail(w, r, err)
		return
	}
	redirect(w, r, "/watches", &flash{Msg: "New feed links made; the old ones no longer work. Update your feed reader."})
}
