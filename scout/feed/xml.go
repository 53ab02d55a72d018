package feed

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"golang.org/x/net/html/charset"
)

// wellFormed rejects an XML document that is not well-formed. gofeed's own
// parser recovers from broken markup by guessing — an unclosed <title>
// swallows the next element — and listings guessed from a broken document
// are worse than none: they would be stored, alerted on, and later marked
// gone. HTML entities (&nbsp;) are allowed because feeds use them freely.
// JSON Feed documents are left to gofeed.
func wellFormed(data []byte) error {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(trimmed) == 0 {
		return errors.New("document is empty")
	}
	if trimmed[0] != '<' {
		return nil
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.Entity = xml.HTMLEntity
	d.CharsetReader = charset.NewReaderLabel
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if roots == 0 {
				return errors.New("document has no root element")
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("malformed XML: %w", err)
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if roots++; roots > 1 {
					return errors.New("malformed XML: more than one root element")
				}
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
}
