package scout

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestParseQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		query        string
		exclude      []string
		wantInclude  []string
		wantExcluded []string
	}{
		{"plain words", "oak table", nil, []string{"oak", "table"}, nil},
		{"quoted phrase", `"oak table" chairs`, nil, []string{"oak table", "chairs"}, nil},
		{"excluded word and phrase", `couch -sleeper -"pull out"`, nil, []string{"couch"}, []string{"sleeper", "pull out"}},
		{"case and diacritics folded", "Café  TABLE", nil, []string{"cafe", "table"}, nil},
		{"punctuated word becomes a phrase", "i7-8700 laptop", nil, []string{"i7 8700", "laptop"}, nil},
		{"watch excludes added, dash and blanks tolerated", "couch", []string{"broken", "-cracked", " "}, []string{"couch"}, []string{"broken", "cracked"}},
		{"unclosed quote runs to the end", `"oak table`, nil, []string{"oak table"}, nil},
		{"duplicates dropped", "tv TV tv", nil, []string{"tv"}, nil},
		{"plus prefix is a required word", "+sofa", nil, []string{"sofa"}, nil},
		{"lone dash ignored", "sofa - bed", nil, []string{"sofa", "bed"}, nil},
		{"empty query", "   ", nil, nil, nil},
	}
	for _, tt := range tests {
		got := ParseQuery(tt.query, tt.exclude)
		if !slices.Equal(got.Include, tt.wantInclude) {
			t.Errorf("%s: ParseQuery(%q).Include = %q, want %q", tt.name, tt.query, got.Include, tt.wantInclude)
		}
		if !slices.Equal(got.Exclude, tt.wantExcluded) {
			t.Errorf("%s: ParseQuery(%q, %q).Exclude = %q, want %q", tt.name, tt.query, tt.exclude, got.Exclude, tt.wantExcluded)
		}
	}
}

func TestTermsMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		query        string
		exclude      []string
		title, descr string
		want         bool
	}{
		{"words in any order", "oak table", nil, "Solid Oak Dining Table", "", true},
		{"phrase must be consecutive", `"oak table"`, nil, "Oak dining table", "", false},
		{"phrase present", `"oak table"`, nil, "Vintage oak table", "", true},
		{"phrase may not span title and description", `"oak table"`, nil, "Dining oak", "table in good shape", false},
		{"words may be split over title and description", "oak table", nil, "Oak dining", "a table", true},
		{"whole words: tv is not tvs", "tv", nil, "TVs stand", "", false},
		{"whole words: tv matches TV", "tv", nil, "Samsung TV 55in", "", true},
		{"plural of a long word matches", "couch", nil, "Two couches", "", true},
		{"singular matches a plural query", "chairs", nil, "Oak chair", "", true},
		{"excluded query word", "couch -sleeper", nil, "Sleeper couch", "", false},
		{"watch exclude word in the description", "couch", []string{"broken"}, "Couch", "one leg is broken", false},
		{"excluded phrase needs the whole phrase", `couch -"pull out"`, nil, "Couch", "pull it out to clean", true},
		{"diacritics folded", "cafe table", nil, "Café Table", "", true},
		{"excluded word does not match inside a word", "drawing -iso", nil, "Isometric drawing", "", true},
		{"empty query matches anything", "", nil, "Anything", "", true},
		{"missing word", "oak table", nil, "Oak desk", "", false},
	}
	for _, tt := range tests {
		terms := ParseQuery(tt.query, tt.exclude)
		if got := terms.Match(Listing{Title: tt.title, Description: tt.descr}); got != tt.want {
			t.Errorf("%s: query %q exclude %q on %q / %q: Match = %v, want %v", tt.name, tt.query, tt.exclude, tt.title, tt.descr, got, tt.want)
		}
	}
}

func TestTermsMatchWithoutParseQuery(t *testing.T) {
	t.Parallel()
	// A Terms built by hand (or decoded) must behave like a parsed one.
	terms := Terms{Include: []string{"oak table"}, Exclude: []string{"broken"}}
	if !terms.Match(Listing{Title: "Oak table for sale"}) {
		t.Error("hand-built Terms{Include: oak table} did not match \"Oak table for sale\"")
	}
	if terms.Match(Listing{Title: "Oak table", Description: "broken leg"}) {
		t.Error("hand-built Terms{Exclude: broken} matched a listing saying \"broken leg\"")
	}
}

func TestRelevanceOrdering(t *testing.T) {
	t.Parallel()
	terms := ParseQuery(`"oak table" chairs`, nil)
	// Best first; each title matches strictly less of the query than the one before.
	titles := []string{
		"Oak table with 4 chairs",   // phrase and word: 1
		"Oak dining table + chairs", // phrase broken (½ of its words' credit) and word: 0.75
		"Four chairs",               // word only: 0.5
		"Kitchen table",             // one word of the phrase: 0.125
		"Floor lamp",                // nothing: 0
	}
	want := []float64{1, 0.75, 0.5, 0.125, 0}
	for i, title := range titles {
		if got := Relevance(terms, title); math.Abs(got-want[i]) > 1e-9 {
			t.Errorf("Relevance(%q) = %v, want %v", title, got, want[i])
		}
	}
}

func TestRelevanceEdges(t *testing.T) {
	t.Parallel()
	if got := Relevance(ParseQuery("", nil), "Anything"); got != 1 {
		t.Errorf("Relevance with an empty query = %v, want 1 (nothing required, nothing missing)", got)
	}
	if got := Relevance(ParseQuery("couch -sleeper", nil), "Sleeper couch"); got != 0 {
		t.Errorf("Relevance of a title with an excluded word = %v, want 0", got)
	}
}

func TestFilterListing(t *testing.T) {
	t.Parallel()
	sf := Listing{HasCoords: true, Lat: 37.7749, Lng: -122.4194}
	sanJose := Listing{HasCoords: true, Lat: 37.3382, Lng: -121.8863} // about 42 mi from SF
	watch := func(edit func(*Watch)) *Watch {
		w := NewWatch("couches")
		w.Query = "couch"
		w.MinPriceCents, w.MaxPriceCents = centsPtr(5000), centsPtr(30000)
		w.Conditions = []Condition{CondGood, CondGreat}
		w.HasCoords, w.Lat, w.Lng, w.RadiusMi = true, sf.Lat, sf.Lng, 10
		if edit != nil {
			edit(&w)
		}
		return &w
	}
	listing := func(edit func(*Listing)) Listing {
		l := sf
		l.Title, l.PriceCents, l.PriceKnown, l.Currency, l.Condition = "Grey couch", 10000, true, "USD", CondGood
		if edit != nil {
			edit(&l)
		}
		return l
	}
	tests := []struct {
		name     string
		w        *Watch
		l        Listing
		wantOK   bool
		wantWhy  string // substring of why; "" when ok
		wantDist bool   // a distance is returned
	}{
		{"everything matches", watch(nil), listing(nil), true, "", true},
		{"query word missing", watch(nil), listing(func(l *Listing) { l.Title = "Grey armchair" }), false, `lack "couch"`, true},
		{"above max price", watch(nil), listing(func(l *Listing) { l.PriceCents = 40000 }), false, "price $400 is above the maximum $300", true},
		{"below min price", watch(nil), listing(func(l *Listing) { l.PriceCents = 2000 }), false, "price $20 is below the minimum $50", true},
		{"free counts as 0 against the min", watch(nil), listing(func(l *Listing) { l.Free = true }), false, "below the minimum", true},
		{"other currency is not compared", watch(nil), listing(func(l *Listing) { l.PriceCents, l.Currency = 40000, "CAD" }), true, "", true},
		{"empty currencies mean USD", watch(func(w *Watch) { w.Currency = "" }), listing(func(l *Listing) { l.PriceCents, l.Currency = 40000, "" }), false, "above the maximum", true},
		{"unknown price passes", watch(nil), listing(func(l *Listing) { l.PriceCents, l.PriceKnown = 0, false }), true, "", true},
		{"condition not accepted", watch(nil), listing(func(l *Listing) { l.Condition = CondFair }), false, "condition fair is not one of good, great", true},
		{"unknown condition fails a condition filter", watch(nil), listing(func(l *Listing) { l.Condition = CondUnknown }), false, "condition unknown", true},
		{"unknown condition passes with no filter", watch(func(w *Watch) { w.Conditions = nil }), listing(func(l *Listing) { l.Condition = CondUnknown }), true, "", true},
		{"raw condition text is normalised", watch(nil), listing(func(l *Listing) { l.Condition = "Used - Very Good" }), true, "", true},
		{"beyond the radius", watch(nil), listing(func(l *Listing) { l.Lat, l.Lng = sanJose.Lat, sanJose.Lng }), false, "beyond the 10 mi radius", true},
		{"no radius: far is fine", watch(func(w *Watch) { w.RadiusMi = 0 }), listing(func(l *Listing) { l.Lat, l.Lng = sanJose.Lat, sanJose.Lng }), true, "", true},
		{"listing without coordinates passes", watch(nil), listing(func(l *Listing) { l.HasCoords = false }), true, "", false},
		{"watch without coordinates: no distance", watch(func(w *Watch) { w.HasCoords, w.RadiusMi = false, 0 }), listing(nil), true, "", false},
	}
	for _, tt := range tests {
		ok, dist, why := FilterListing(tt.w, ParseQuery(tt.w.Query, tt.w.Exclude), tt.l)
		if ok != tt.wantOK {
			t.Errorf("%s: ok = %v (why %q), want %v", tt.name, ok, why, tt.wantOK)
		}
		if !strings.Contains(why, tt.wantWhy) || (tt.wantOK && why != "") {
			t.Errorf("%s: why = %q, want it to contain %q", tt.name, why, tt.wantWhy)
		}
		if (dist != nil) != tt.wantDist {
			t.Errorf("%s: distance = %v, want present = %v", tt.name, dist, tt.wantDist)
		}
	}
}

func TestFilterListingDistance(t *testing.T) {
	t.Parallel()
	w := NewWatch("couches")
	w.Query, w.HasCoords, w.Lat, w.Lng = "couch", true, 37.7749, -122.4194
	l := Listing{Title: "Couch", HasCoords: true, Lat: 37.3382, Lng: -121.8863}
	_, dist, _ := FilterListing(&w, ParseQuery(w.Query, nil), l)
	if dist == nil || math.Abs(*dist-42) > 1.5 {
		t.Errorf("distance SF → San Jose = %v, want about 42 mi", dist)
	}
}

func centsPtr(c int64) *int64 { return &c }

// FuzzParseQuery checks that any query text parses without panicking into
// terms that a title made of those very terms matches.
func FuzzParseQuery(f *testing.F) {
	for _, seed := range []string{`oak table`, `"oak table" -broken`, `-"pull out" couch`, `"unclosed`, `i7-8700 Café`, `- + ""`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, q string) {
		terms := ParseQuery(q, nil)
		for _, inc := range terms.Include {
			if inc == "" {
				t.Fatalf("ParseQuery(%q) has an empty required term", q)
			}
		}
		if len(terms.Exclude) > 0 {
			return
		}
		title := strings.Join(terms.Include, " ")
		if !terms.Match(Listing{Title: title}) {
			t.Fatalf("ParseQuery(%q) = %q does not match its own terms as a title %q", q, terms.Include, title)
		}
	})
}
