package ui

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/dealscout/dealscout/scout"
	"github.com/dealscout/dealscout/store"
)

// maxCompsShown is how many comparable listings a deal page lists.
const maxCompsShown = 10

// breakdownRow is one score component with its effect in points, labelled
// for the page.
type breakdownRow struct {
	Name   string
	Reason string
	Points float64 // what it added to the total (negative for the risk divisor or a cap)
	Max    float64 // what it could have added at full value; 0 when not additive
}

// breakdown is scout.ScorePoints (the same points the API and `deals show`
// give) with the page's names for the components.
func breakdown(s scout.Score) []breakdownRow {
	pts := scout.ScorePoints(s)
	rows := make([]breakdownRow, 0, len(pts))
	for _, p := range pts {
		rows = append(rows, breakdownRow{Name: componentLabel(p.Name), Reason: p.Reason, Points: p.Points, Max: p.Max})
	}
	return rows
}

func componentLabel(name string) string {
	switch name {
	case scout.CompRecency:
		return "fresh"
	case scout.CompLimit:
		return "under your limit"
	}
	return name
}

// signedPoints renders points as "+31.2" or "−4.0".
func signedPoints(p float64) string {
	p = math.Round(p*10) / 10
	if p < 0 {
		return "−" + strconv.FormatFloat(-p, 'f', 1, 64)
	}
	return "+" + strconv.FormatFloat(p, 'f', 1, 64)
}

type dealView struct {
	Deal      scout.Deal
	Under     float64
	HasUnder  bool
	Verify    string
	Rows      []breakdownRow
	Comps     []store.CompListing
	Examples  []scout.CompExample // the most similar comps, when the market names them
	CompsNote string
	Chart     *priceChart
	History   []store.PricePoint
	SameItem  []scout.Listing
	URL       string // the listing's link, only when http(s)
	Images    []string
	Message   string
	Statuses  []string
	Back      string
}

func (u *UI) deal(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		u.notFound(w, r, "There is no such deal. Deal addresses are /deals/ and the listing's number.")
		return
	}
	d, err := u.d.Store.DealForListing(ctx, id, r.URL.Query().Get("watch"))
	if errors.Is(err, store.ErrNotFound) {
		u.notFound(w, r, "There is no deal for listing "+strconv.FormatInt(id, 10)+"; it may have been removed with its watch.")
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := dealView{Deal: d, Verify: verifyWarning(d.Score), Rows: breakdown(d.Score), URL: httpURL(d.Listing.URL),
		Statuses: store.DealStatuses, Back: r.URL.RequestURI()}
	v.Under, v.HasUnder = underMarket(d)
	for _, img := range d.Listing.Images {
		if s := httpURL(img); s != "" && len(v.Images) < 4 {
			v.Images = append(v.Images, s)
		}
	}
	if v.History, err = u.d.Store.PriceHistory(ctx, d.Listing.ID); err != nil {
		u.fail(w, r, err)
		return
	}
	v.Chart = newPriceChart(v.History, d, u.d.Now(), u.d.Location)
	if v.SameItem, err = u.d.Store.SameItem(ctx, d.Listing.ID); err != nil {
		u.fail(w, r, err)
		return
	}
	v.Examples = d.Score.Market.Examples
	if v.Comps, v.CompsNote, err = u.comps(r, d); err != nil {
		u.fail(w, r, err)
		return
	}
	v.Message = u.d.SellerMessage
	if wa, err := u.d.Store.Watch(ctx, d.Watch); err == nil && wa.Settings.SellerMessage != "" {
		v.Message = wa.Settings.SellerMessage
	}
	u.render(w, r, http.StatusOK, "deal", page{Title: d.Listing.Title, Nav: "deals", Data: v})
}

// comps lists the comparable listings the deal's market value counted
// (store.CompsUsed, as the API and `deals show` list them) and says what the
// market rests on. When the market names its most similar comps, those are
// shown instead.
func (u *UI) comps(r *http.Request, d scout.Deal) ([]store.CompListing, string, error) {
	m := d.Score.Market
	if !m.Known() {
		if m.Samples > 0 {
			return nil, "No market value: only " + strconv.Itoa(m.Samples) + " comparable listings, too few to trust.", nil
		}
		return nil, "No market value yet: no comparable listings have been seen for this watch.", nil
	}
	note := marketNote(m, m.CompWindowDays(), d.Listing.Currency)
	if len(m.Examples) > 0 {
		return nil, note + " The most similar of them:", nil
	}
	// One more than shown, to know whether the list is cut short.
	used, err := u.d.Store.CompsUsed(r.Context(), d, u.d.Now(), maxCompsShown+1)
	if err != nil {
		return nil, "", err
	}
	if len(used) > maxCompsShown {
		note += " The " + strconv.Itoa(maxCompsShown) + " most recently seen are listed."
		used = used[:maxCompsShown]
	}
	return used, note, nil
}

// marketNote says what the market value is and what it rests on.
func marketNote(m scout.Market, days int, currency string) string {
	note := strconv.Itoa(m.Samples) + " comparable listings from the last " + strconv.Itoa(days) + " days set the market value at " +
		money(m.MedianCents, currency) + " (" + m.Confidence + " confidence"
	if m.P25Cents > 0 && m.P75Cents > 0 {
		note += "; middle half " + money(m.P25Cents, currency) + "–" + money(m.P75Cents, currency)
	}
	return note + ")."
}
