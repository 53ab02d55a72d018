package demo

import (
	"math"

	"github.com/dealscout/dealscout/scout/geo"
)

// sanFrancisco is where listings are when the watch has no location.
var sanFrancisco = geo.Point{Lat: 37.7749, Lng: -122.4194}

// town is a real place near San Francisco, for listings around the default
// location: their coordinates and names then agree.
type town struct {
	name string
	at   geo.Point
}

// bayTowns are all within about 40 miles of San Francisco.
var bayTowns = []town{
	{"San Francisco, CA", geo.Point{Lat: 37.7749, Lng: -122.4194}},
	{"Oakland, CA", geo.Point{Lat: 37.8044, Lng: -122.2712}},
	{"Berkeley, CA", geo.Point{Lat: 37.8716, Lng: -122.2727}},
	{"Daly City, CA", geo.Point{Lat: 37.6879, Lng: -122.4702}},
	{"South San Francisco, CA", geo.Point{Lat: 37.6547, Lng: -122.4077}},
	{"San Mateo, CA", geo.Point{Lat: 37.5630, Lng: -122.3255}},
	{"Redwood City, CA", geo.Point{Lat: 37.4852, Lng: -122.2364}},
	{"Palo Alto, CA", geo.Point{Lat: 37.4419, Lng: -122.1430}},
	{"Mountain View, CA", geo.Point{Lat: 37.3861, Lng: -122.0839}},
	{"Fremont, CA", geo.Point{Lat: 37.5485, Lng: -121.9886}},
	{"Hayward, CA", geo.Point{Lat: 37.6688, Lng: -122.0808}},
	{"San Leandro, CA", geo.Point{Lat: 37.7249, Lng: -122.1561}},
	{"Alameda, CA", geo.Point{Lat: 37.7652, Lng: -122.2416}},
	{"Richmond, CA", geo.Point{Lat: 37.9358, Lng: -122.3477}},
	{"Walnut Creek, CA", geo.Point{Lat: 37.9101, Lng: -122.0652}},
	{"Concord, CA", geo.Point{Lat: 37.9780, Lng: -122.0311}},
	{"San Rafael, CA", geo.Point{Lat: 37.9735, Lng: -122.5311}},
	{"Mill Valley, CA", geo.Point{Lat: 37.9060, Lng: -122.5450}},
	{"Novato, CA", geo.Point{Lat: 38.1074, Lng: -122.5697}},
	{"Pacifica, CA", geo.Point{Lat: 37.6138, Lng: -122.4869}},
	{"Burlingame, CA", geo.Point{Lat: 37.5841, Lng: -122.3661}},
	{"Castro Valley, CA", geo.Point{Lat: 37.6941, Lng: -122.0864}},
	{"Orinda, CA", geo.Point{Lat: 37.8771, Lng: -122.1797}},
	{"El Cerrito, CA", geo.Point{Lat: 37.9161, Lng: -122.3108}},
}

// neighbourhoods label listings around a watch's own location, where real
// town names are unknown: names that exist in most towns.
var neighbourhoods = []string{
	"Downtown", "Midtown", "Northside", "Eastside", "West End", "Old Town", "Riverside", "Lakeside",
	"Hillcrest", "Oak Park", "University District", "Southside", "Park View", "Mill District",
}

const milesPerDegree = 69.0

// offset moves p by distMi miles on bearing rad (0 = north), staying valid
// near the poles and the antimeridian.
func offset(p geo.Point, distMi, bearing float64) geo.Point {
	lat := p.Lat + distMi*math.Cos(bearing)/milesPerDegree
	lat = math.Max(-89.9, math.Min(89.9, lat))
	cos := math.Max(0.01, math.Cos(p.Lat*math.Pi/180))
	lng := p.Lng + distMi*math.Sin(bearing)/(milesPerDegree*cos)
	lng = math.Mod(lng+540, 360) - 180
	return geo.Point{Lat: round5(lat), Lng: round5(lng)}
}

// round5 keeps coordinates to about a metre, as marketplaces show them.
func round5(x float64) float64 { return math.Round(x*1e5) / 1e5 }
