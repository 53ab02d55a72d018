package deliver

import (
	"bytes"
	"encoding/json"
)

// JSON encodes a payload indented and without HTML escaping: providers
// accept either, and the golden files stay readable ("<3", not "\u003c3").
func JSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
