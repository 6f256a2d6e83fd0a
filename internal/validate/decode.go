package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
)

// Decode parses a JSON body. Numbers keep their exact text (json.Number). An
// empty or all-whitespace body is an empty object. The top level must be an
// object. Trailing data after the value is an error.
//
// Objects whose keys are all non-negative canonical decimal integers ("0",
// "1", "10"; not "01") and that have at least one key are turned into arrays
// ordered by numeric key, recursively, because FPGO clients send lists either
// as [..] or as {"0":..,"1":..}. The top-level object itself is never
// converted.
func Decode(body []byte) (Tree, error) {
	if isJSONSpace(body) {
		return Tree{root: map[string]any{}, ok: true}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return Tree{}, fmt.Errorf("validate: malformed JSON: %w", err)
	}
	if rest := body[dec.InputOffset():]; !isJSONSpace(rest) {
		return Tree{}, errors.New("validate: malformed JSON: trailing data after top-level value")
	}
	m, isObj := v.(map[string]any)
	if !isObj {
		return Tree{}, errors.New("validate: request body must be a JSON object")
	}
	return Tree{root: convertChildren(m), ok: true}, nil
}

func isJSONSpace(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
		default:
			return false
		}
	}
	return true
}

// convertChildren converts the values of the top-level object. The root
// itself stays an object even when all its keys are integers.
func convertChildren(m map[string]any) map[string]any {
	for k, e := range m {
		m[k] = convert(e)
	}
	return m
}

// convert normalises a nested value: integer-keyed objects become arrays.
func convert(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if len(x) > 0 && allIndexKeys(x) {
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Slice(keys, func(i, j int) bool { return lessIndex(keys[i], keys[j]) })
			arr := make([]any, len(keys))
			for i, k := range keys {
				arr[i] = convert(x[k])
			}
			return arr
		}
		for k, e := range x {
			x[k] = convert(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = convert(e)
		}
		return x
	}
	return v
}

func allIndexKeys(m map[string]any) bool {
	for k := range m {
		if !isIndex(k) {
			return false
		}
	}
	return true
}

// isIndex reports whether s is a canonical non-negative decimal integer: "0",
// or digits without a leading zero. This is what PHP turns into an integer
// array key.
func isIndex(s string) bool {
	if s == "" {
		return false
	}
	if len(s) > 1 && s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// lessIndex compares two canonical decimal integers of any length.
func lessIndex(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}
