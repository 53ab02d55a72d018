package feed

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// plainText turns feed HTML (or plain text with entities) into one line of
// text: tags dropped, entities decoded, script and style bodies skipped, runs
// of space collapsed, cut at max runes on a word boundary.
func plainText(s string, max int) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0 // depth inside <script>/<style>
	for b.Len() < 8*max {
		switch z.Next() {
		case html.ErrorToken:
			return truncate(collapse(b.String()), max)
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			if n := string(name); n == "script" || n == "style" {
				skip++
			}
			if blockTags[string(name)] {
				b.WriteByte(' ')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if n := string(name); (n == "script" || n == "style") && skip > 0 {
				skip--
			}
			if blockTags[string(name)] {
				b.WriteByte(' ')
			}
		}
	}
	return truncate(collapse(b.String()), max)
}

// blockTags separate words; inline tags (<b>, <a>, <span>) do not, so
// "<b>solid</b> walnut." stays "solid walnut.".
var blockTags = map[string]bool{
	"br": true, "p": true, "div": true, "li": true, "ul": true, "ol": true, "tr": true, "td": true, "th": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "pre": true,
	"hr": true, "table": true, "img": true, "section": true, "article": true, "dd": true, "dt": true,
}

// firstImage returns the src of the first <img> in an HTML fragment.
func firstImage(s string) string {
	if !strings.Contains(s, "<") {
		return ""
	}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if string(name) != "img" {
				continue
			}
			for hasAttr {
				var key, val []byte
				key, val, hasAttr = z.TagAttr()
				if string(key) == "src" {
					return string(val)
				}
			}
		}
	}
}

func collapse(s string) string {
	return strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
}

// truncate cuts s to at most max runes, at a word boundary when one is near,
// marking the cut with "…".
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	var head string
	n := 0
	for i := range s {
		if n == max-1 {
			head = s[:i]
			break
		}
		n++
	}
	if sp := strings.LastIndexByte(head, ' '); sp > len(head)*3/4 {
		head = head[:sp]
	}
	return strings.TrimRight(head, " ,.;:-") + "…"
}
