package validate

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Tree is a decoded JSON document: nil, bool, json.Number, string, []any or
// map[string]any values. The zero Tree is an absent value.
type Tree struct {
	root any
	ok   bool // root is present (it may still be JSON null)
}

// Get returns the value at a concrete dotted path such as
// "customerDetails.address.zip" or "products.0.name". The empty path is the
// root. ok is false when the value is absent.
func (t Tree) Get(path string) (any, bool) {
	if !t.ok {
		return nil, false
	}
	if path == "" {
		return t.root, true
	}
	cur := t.root
	// strings.Cut rather than SplitSeq: the iterator would make path escape,
	// and the validator passes string(bytes) here for every expanded field.
	for rest, more := path, true; more; {
		var seg string
		seg, rest, more = strings.Cut(rest, ".")
		switch x := cur.(type) {
		case map[string]any:
			v, ok := x[seg]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			if !isIndex(seg) {
				return nil, false
			}
			i, err := strconv.Atoi(seg)
			if err != nil || i >= len(x) {
				return nil, false
			}
			cur = x[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// Has reports whether the path is present (even if null).
func (t Tree) Has(path string) bool {
	_, ok := t.Get(path)
	return ok
}

// IsNull reports whether the path is present and JSON null.
func (t Tree) IsNull(path string) bool {
	v, ok := t.Get(path)
	return ok && v == nil
}

// Filled reports whether the path is present, not null, not a blank string
// and not an empty array or object (Laravel "filled").
func (t Tree) Filled(path string) bool {
	v, ok := t.Get(path)
	return ok && filled(v)
}

func filled(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return strings.TrimSpace(x) != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

// String returns a string value trimmed of surrounding spaces, a number's
// text, "1"/"0" for booleans and "" for anything else.
func (t Tree) String(path string) string {
	v, _ := t.Get(path)
	return stringOf(v)
}

func stringOf(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case json.Number:
		return string(x)
	case bool:
		if x {
			return "1"
		}
		return "0"
	}
	return ""
}

// Number returns the numeric text of a JSON number or of a numeric string
// (trimmed). ok is false for anything else.
func (t Tree) Number(path string) (string, bool) {
	v, _ := t.Get(path)
	return numberText(v)
}

// Bool reads true/false, 1/0, "1"/"0" and "true"/"false" (case-insensitive).
// ok is false for anything else, including absent and null.
func (t Tree) Bool(path string) (val bool, ok bool) {
	v, _ := t.Get(path)
	return boolOf(v)
}

func boolOf(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case json.Number:
		switch x {
		case "1":
			return true, true
		case "0":
			return false, true
		}
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "1", "true":
			return true, true
		case "0", "false":
			return false, true
		}
	}
	return false, false
}

// Len returns the length of the array at path, 0 otherwise.
func (t Tree) Len(path string) int {
	v, _ := t.Get(path)
	if a, ok := v.([]any); ok {
		return len(a)
	}
	return 0
}

// Sub returns the subtree at path; the zero Tree when absent.
func (t Tree) Sub(path string) Tree {
	v, ok := t.Get(path)
	if !ok {
		return Tree{}
	}
	return Tree{root: v, ok: true}
}

// Time parses the value at path with ParseTime.
func (t Tree) Time(path string, loc *time.Location) (time.Time, bool) {
	v, ok := t.Get(path)
	if !ok {
		return time.Time{}, false
	}
	return ParseTime(v, loc)
}
