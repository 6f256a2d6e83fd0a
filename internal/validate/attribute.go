package validate

import (
	"strings"
	"unicode"
)

// Attribute turns a path into Laravel's display name (Str::snake with "_"
// shown as a space), segment by segment: "customerDetails.personalNumber" ->
// "customer details.personal number", "callback_url" -> "callback url",
// "products.0.name" stays as is. Every upper-case ASCII letter that is not the
// first character of its segment starts a new word, so "callbackURL" becomes
// "callback u r l", as in Laravel.
func Attribute(path string) string {
	if plainAttribute(path) {
		return path
	}
	return laravelAttribute(path)
}

func laravelAttribute(path string) string {
	segs := strings.Split(path, ".")
	for i, s := range segs {
		segs[i] = attributeSegment(s)
	}
	return strings.Join(segs, ".")
}

func attributeSegment(s string) string {
	if s == "" {
		return s
	}
	var b strings.Builder
	// Laravel: ucwords, then remove whitespace (words glued camel-case).
	upperNext := true
	var glued []rune
	for _, r := range s {
		if unicode.IsSpace(r) {
			upperNext = true
			continue
		}
		if upperNext && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		upperNext = false
		glued = append(glued, r)
	}
	for i, r := range glued {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return strings.ReplaceAll(strings.ToLower(b.String()), "_", " ")
}

// plainAttribute reports whether Attribute(path) is path itself: ASCII with no
// upper-case letter, "_" or white space, so that no segment gains a space or
// changes case. Most paths ("products.0.name") are like this.
func plainAttribute(path string) bool {
	for i := 0; i < len(path); i++ {
		c := path[i]
		if c >= 0x80 || c >= 'A' && c <= 'Z' || c == '_' || c == ' ' || c >= '\t' && c <= '\r' {
			return false
		}
	}
	return true
}
