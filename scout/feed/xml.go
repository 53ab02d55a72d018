package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

// Bounds on a feed's structure, checked by a streaming pass before gofeed
// builds a tree. gofeed keeps every unknown element of an item as a nested
// extension map: a 10 MB document of nested elements made it allocate about
// 1.5 GB (peak RSS 1.4 GB). Real feeds are shallow (rss/channel/item/
// media:group/media:content is five levels; XHTML content adds a few) and a
// thousand items of twenty elements each is 20,000 elements. At the bounds
// gofeed allocates about 80 MB in all (50,000 extension elements), whatever
// the body size.
const (
	maxDepth    = 64
	maxElements = 50_000
)

// errNotFeed starts every "this is something else" error.
const errNotFeed = "not an RSS or Atom feed"

// checkDocument rejects a document that is not a feed, is not well-formed, or
// is shaped to exhaust memory. gofeed's own parser recovers from broken
// markup by guessing — an unclosed <title> swallows the next element — and
// listings guessed from a broken document are worse than none: they would be
// stored, alerted on, and later marked gone. HTML entities (&nbsp;) are
// allowed because feeds use them freely.
func checkDocument(data []byte) error {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(trimmed) == 0 {
		return errors.New("document is empty")
	}
	switch trimmed[0] {
	case '{', '[':
		if isJSONFeed(trimmed) {
			return nil // JSON Feed (jsonfeed.org), which gofeed reads
		}
		return errors.New(errNotFeed + " (the answer is JSON)")
	case '<':
	default:
		return errors.New(errNotFeed + " (the answer is plain text)")
	}
	head := strings.ToLower(string(trimmed[:min(len(trimmed), 64)]))
	if strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") {
		return errors.New(errNotFeed + " (the answer is an HTML page)")
	}
	return wellFormed(data)
}

// isJSONFeed reports whether a JSON document declares itself a JSON Feed.
func isJSONFeed(data []byte) bool {
	var doc struct {
		Version string `json:"version"`
	}
	return json.Unmarshal(data, &doc) == nil && strings.HasPrefix(doc.Version, "https://jsonfeed.org/version/")
}

// wellFormed streams the XML once, strictly, counting depth and elements, and
// checks the root is a feed's.
func wellFormed(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.Entity = xml.HTMLEntity
	d.CharsetReader = charset.NewReaderLabel
	// RawToken, not Token: Token resolves namespaces and copies names for
	// every element (about 600 bytes each); matching start and end tags on
	// a stack bounded by maxDepth is all well-formedness needs here.
	open := make([]xml.Name, 0, maxDepth)
	roots, elements := 0, 0
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			if roots == 0 {
				return errors.New("document has no root element")
			}
			if len(open) != 0 {
				return fmt.Errorf("malformed XML: unexpected end of document: <%s> is not closed", qname(open[len(open)-1]))
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("malformed XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(open) == 0 {
				if roots++; roots > 1 {
					return errors.New("malformed XML: more than one root element")
				}
				if err := feedRoot(t.Name.Local); err != nil {
					return err
				}
			}
			if len(open) == maxDepth {
				return fmt.Errorf("feed refused: elements nested deeper than %d", maxDepth)
			}
			if elements++; elements > maxElements {
				return fmt.Errorf("feed refused: more than %d elements", maxElements)
			}
			open = append(open, t.Name)
		case xml.EndElement:
			if len(open) == 0 || open[len(open)-1] != t.Name {
				return fmt.Errorf("malformed XML: unexpected end element </%s>", qname(t.Name))
			}
			open = open[:len(open)-1]
		}
	}
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return truncate(n.Local, 40)
	}
	return truncate(n.Space+":"+n.Local, 40)
}

// feedRoot accepts the root elements of RSS 2.0/0.9x (rss), RSS 1.0
// (rdf:RDF) and Atom (feed).
func feedRoot(local string) error {
	switch strings.ToLower(local) {
	case "rss", "rdf", "feed":
		return nil
	case "html":
		return errors.New(errNotFeed + " (the answer is an HTML page)")
	}
	return fmt.Errorf("%s (its root element is <%s>)", errNotFeed, truncate(local, 40))
}

var xmlEncoding = regexp.MustCompile(`^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']`)

// repairUTF8 replaces each run of invalid bytes in a document declared (or
// defaulting to) UTF-8 with U+FFFD, and says how many runs it replaced. One
// bad byte in one item otherwise makes the strict XML check refuse the whole
// feed. Documents in another declared charset are decoded by it instead.
func repairUTF8(data []byte) ([]byte, int) {
	if utf8.Valid(data) {
		return data, 0
	}
	if m := xmlEncoding.FindSubmatch(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))); m != nil {
		if enc := strings.ToLower(string(m[1])); enc != "utf-8" && enc != "utf8" {
			return data, 0
		}
	}
	runs, bad := 0, false
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			if !bad {
				runs++
			}
			bad = true
		} else {
			bad = false
		}
		i += size
	}
	return bytes.ToValidUTF8(data, []byte("\uFFFD")), runs
}
