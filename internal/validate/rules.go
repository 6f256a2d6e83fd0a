package validate

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Rule is a validation rule for Validator.Field.
type Rule interface {
	spec() (ruleKind, checkFunc)
}

type ruleKind int

const (
	// kindNormal rules are skipped when the value is absent, and when it is
	// null after a Nullable marker.
	kindNormal ruleKind = iota
	// kindImplicit rules (Required*, Present, Accepted) always run.
	kindImplicit
	// kindNullable is the Nullable marker.
	kindNullable
)

// checkFunc returns the failure message and false when the rule fails.
type checkFunc func(f *field) (string, bool)

type rule struct {
	kind ruleKind
	fn   checkFunc
}

func (r rule) spec() (ruleKind, checkFunc) { return r.kind, r.fn }

func normal(fn checkFunc) Rule   { return rule{kind: kindNormal, fn: fn} }
func implicit(fn checkFunc) Rule { return rule{kind: kindImplicit, fn: fn} }

// simple builds a normal rule from a predicate on the normalized value and a
// message with one %s for the attribute.
func simple(pred func(v any) bool, format string) Rule {
	return normal(func(f *field) (string, bool) {
		if pred(f.val) {
			return "", true
		}
		return fmt.Sprintf(format, f.attr()), false
	})
}

// Nullable marks that a null (or blank string) value skips the rules after it.
var Nullable Rule = rule{kind: kindNullable}

// Required fails when the value is absent, null, a blank string or an empty
// array/object: "The %s field is required."
var Required Rule = implicit(func(f *field) (string, bool) {
	if f.present && filled(f.raw) {
		return "", true
	}
	return requiredMsg(f), false
})

func requiredMsg(f *field) string {
	return fmt.Sprintf("The %s field is required.", f.attr())
}

func (f *field) isFilled() bool { return f.present && filled(f.raw) }

// RequiredIf makes the field required when the value at otherPath equals one
// of values: "The %s field is required when %s is %s.". Strings are compared
// trimmed and case-sensitively; numbers also compare numerically ("12.0"
// matches "12"); booleans match "1"/"true" or "0"/"false"; an absent or null
// other matches "null". Wildcards in otherPath take the indexes of the field
// being checked. As in Laravel, the message shows the other field's actual
// value (booleans as "true"/"false", null as "empty").
func RequiredIf(otherPath string, values ...string) Rule {
	return implicit(func(f *field) (string, bool) {
		if f.isFilled() {
			return "", true
		}
		other := f.other(otherPath)
		ov, present := f.tree.Get(other)
		display, ok := matchOther(normalize(ov), present, values)
		if !ok {
			return "", true
		}
		return fmt.Sprintf("The %s field is required when %s is %s.", f.attr(), Attribute(other), display), false
	})
}

func matchOther(v any, present bool, values []string) (string, bool) {
	switch x := v.(type) {
	case nil:
		for _, c := range values {
			if c == "null" {
				return "empty", true
			}
		}
		return "", false
	case bool:
		want := []string{"0", "false"}
		display := "false"
		if x {
			want = []string{"1", "true"}
			display = "true"
		}
		for _, c := range values {
			if c == want[0] || c == want[1] {
				return display, true
			}
		}
		return "", false
	case string, json.Number:
		s := stringOf(x)
		for _, c := range values {
			if c == s || numericEqual(s, c) {
				return s, true
			}
		}
	}
	return "", false
}

func numericEqual(a, b string) bool {
	na, ok := parseNum(a)
	if !ok {
		return false
	}
	nb, ok := parseNum(b)
	return ok && na.cmp(nb) == 0
}

// RequiredWith makes the field required when any of others is filled:
// "The %s field is required when %s is present." (attributes joined by " / ").
func RequiredWith(others ...string) Rule {
	return implicit(func(f *field) (string, bool) {
		if f.isFilled() {
			return "", true
		}
		paths := f.others(others)
		for _, p := range paths {
			if f.tree.Filled(p) {
				return fmt.Sprintf("The %s field is required when %s is present.", f.attr(), attributes(paths)), false
			}
		}
		return "", true
	})
}

// RequiredWithout makes the field required when any of others is not filled:
// "The %s field is required when %s is not present."
func RequiredWithout(others ...string) Rule {
	return implicit(func(f *field) (string, bool) {
		if f.isFilled() {
			return "", true
		}
		paths := f.others(others)
		for _, p := range paths {
			if !f.tree.Filled(p) {
				return fmt.Sprintf("The %s field is required when %s is not present.", f.attr(), attributes(paths)), false
			}
		}
		return "", true
	})
}

func (f *field) others(paths []string) []string {
	if len(f.idx) == 0 {
		// Nothing to resolve; callers only read the result.
		return paths
	}
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = f.other(p)
	}
	return out
}

func attributes(paths []string) string {
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = Attribute(p)
	}
	return strings.Join(names, " / ")
}

// RequiredWhen makes the field required when cond (given the whole tree) is
// true: "The %s field is required when <because>."
func RequiredWhen(cond func(Tree) bool, because string) Rule {
	return implicit(func(f *field) (string, bool) {
		if f.isFilled() || !cond(f.tree) {
			return "", true
		}
		return fmt.Sprintf("The %s field is required when %s.", f.attr(), because), false
	})
}

// Present fails when the value is absent (null is present):
// "The %s field must be present."
var Present Rule = implicit(func(f *field) (string, bool) {
	if f.present {
		return "", true
	}
	return fmt.Sprintf("The %s field must be present.", f.attr()), false
})

// Accepted requires "yes", "on", "1", 1, true or "true":
// "The %s must be accepted."
var Accepted Rule = implicit(func(f *field) (string, bool) {
	switch x := f.val.(type) {
	case bool:
		if x {
			return "", true
		}
	case json.Number:
		if x == "1" {
			return "", true
		}
	case string:
		switch x {
		case "yes", "on", "1", "true":
			return "", true
		}
	}
	return fmt.Sprintf("The %s must be accepted.", f.attr()), false
})

// String requires a JSON string: "The %s must be a string."
var String Rule = simple(func(v any) bool {
	_, ok := v.(string)
	return ok
}, "The %s must be a string.")

// Numeric requires a JSON number or numeric string: "The %s must be a number."
var Numeric Rule = simple(func(v any) bool {
	_, ok := numberText(v)
	return ok
}, "The %s must be a number.")

// Integer requires an integer number or string without fraction or exponent
// ("1.0" and "1e3" fail; leading zeros fail as in PHP's FILTER_VALIDATE_INT)
// within the int64 range: "The %s must be an integer."
var Integer Rule = simple(isInteger, "The %s must be an integer.")

func isInteger(v any) bool {
	s, ok := numberText(v)
	if !ok {
		return false
	}
	if s[0] == '+' || s[0] == '-' {
		s = s[1:]
	}
	if s == "" || !allDigits(s) || (len(s) > 1 && s[0] == '0') {
		return false
	}
	// int64 range: at most 19 digits, compare the boundary textually.
	return len(s) < 19 || (len(s) == 19 && s <= "9223372036854775807")
}

// Boolean requires true/false, 1/0, "1"/"0" or "true"/"false":
// "The %s field must be true or false."
var Boolean Rule = simple(func(v any) bool {
	_, ok := boolOf(v)
	return ok
}, "The %s field must be true or false.")

// Array requires a JSON array: "The %s must be an array." An empty object
// also passes, since PHP decodes {} and [] to the same empty array.
var Array Rule = simple(func(v any) bool {
	switch x := v.(type) {
	case []any:
		return true
	case map[string]any:
		return len(x) == 0
	}
	return false
}, "The %s must be an array.")

// Object requires a JSON object: "The %s must be an object." An empty array
// also passes, since PHP decodes {} and [] to the same empty array.
var Object Rule = simple(func(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return true
	case []any:
		return len(x) == 0
	}
	return false
}, "The %s must be an object.")

// Email requires a plain address (no display name or angle brackets) whose
// domain contains a dot: "The %s must be a valid email address."
var Email Rule = simple(func(v any) bool {
	s, ok := v.(string)
	return ok && isEmail(s)
}, "The %s must be a valid email address.")

func isEmail(s string) bool {
	return isPlainEmail(s) || isParsedEmail(s)
}

func isParsedEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return false
	}
	domain := s[at+1:]
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// isPlainEmail accepts the common shape local@domain.tld where both sides are
// dot-atoms of ASCII atext (RFC 5322) and the domain has a dot. net/mail
// parses such an address to itself with no display name, and the domain
// checks of isEmail hold, so isEmail would accept it too; this only skips
// the parser's allocations. Anything else is left to the full check.
func isPlainEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	return isDotAtom(local) && isDotAtom(domain) && strings.IndexByte(domain, '.') > 0
}

// isDotAtom reports whether s is non-empty ASCII atext and dots, with no
// leading, trailing or double dot.
func isDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '.':
			if s[i-1] == '.' {
				return false
			}
		case strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// URL requires an absolute http or https URL with a host and no whitespace:
// "The %s must be a valid URL."
var URL Rule = simple(func(v any) bool {
	s, ok := v.(string)
	return ok && isURL(s)
}, "The %s must be a valid URL.")

func isURL(s string) bool {
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return false
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	return (scheme == "http" || scheme == "https") && u.Host != "" && u.Hostname() != "" && u.Opaque == ""
}

// In requires the value to be one of values: "The %s must be one of %s."
// (values joined by ", "). Numbers compare numerically ("12.0" matches "12");
// booleans compare as "1"/"0".
func In(values ...string) Rule {
	list := strings.Join(values, ", ")
	cands := make([]inValue, len(values))
	for i, c := range values {
		cands[i].text = c
		cands[i].n, cands[i].numeric = parseNum(c)
	}
	return normal(func(f *field) (string, bool) {
		if inValues(f.val, cands) {
			return "", true
		}
		return fmt.Sprintf("The %s must be one of %s.", f.attr(), list), false
	})
}

// inValue is one value of In, with its number parsed once when it is one.
type inValue struct {
	text    string
	n       num
	numeric bool
}

// inValues matches like c == s || numericEqual(s, c) for each value c, with
// s parsed at most once.
func inValues(v any, cands []inValue) bool {
	switch v.(type) {
	case []any, map[string]any:
		return false
	}
	s := stringOf(v)
	var sn num
	parsed, sNumeric := false, false
	for _, c := range cands {
		if c.text == s {
			return true
		}
		if !c.numeric {
			continue
		}
		if !parsed {
			sn, sNumeric = parseNum(s)
			parsed = true
		}
		if sNumeric && sn.cmp(c.n) == 0 {
			return true
		}
	}
	return false
}

// Digits requires a string or number of exactly n ASCII digits:
// "The %s must be %d digits."
func Digits(n int) Rule {
	return normal(func(f *field) (string, bool) {
		if s, ok := digitText(f.val); ok && len(s) == n {
			return "", true
		}
		return fmt.Sprintf("The %s must be %d digits.", f.attr(), n), false
	})
}

func digitText(v any) (string, bool) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = string(x)
	default:
		return "", false
	}
	return s, s != "" && allDigits(s)
}

// DigitsOnly requires a string or number made only of ASCII digits (at least
// one): "The %s must only contain digits."
var DigitsOnly Rule = simple(func(v any) bool {
	_, ok := digitText(v)
	return ok
}, "The %s must only contain digits.")

// AlphaNum requires a string or number made only of ASCII letters and digits
// (at least one): "The %s must only contain letters and numbers."
var AlphaNum Rule = simple(func(v any) bool {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case json.Number:
		s = string(x)
	default:
		return false
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}, "The %s must only contain letters and numbers.")

// size is Laravel's size of a value for min/max without a numeric rule:
// characters of a string (numbers by their text, booleans as "1"/""),
// elements of an array or object.
func size(v any) (n int, items bool) {
	switch x := v.(type) {
	case []any:
		return len(x), true
	case map[string]any:
		return len(x), true
	case string:
		return utf8.RuneCountInString(x), false
	case json.Number:
		return len(x), false
	case bool:
		if x {
			return 1, false
		}
	}
	return 0, false
}

// Max requires at most n characters: "The %s must not be greater than %d
// characters." Arrays and objects count elements: "The %s must not have more
// than %d items."
func Max(n int) Rule {
	return normal(func(f *field) (string, bool) {
		sz, items := size(f.val)
		if sz <= n {
			return "", true
		}
		if items {
			return fmt.Sprintf("The %s must not have more than %d items.", f.attr(), n), false
		}
		return fmt.Sprintf("The %s must not be greater than %d characters.", f.attr(), n), false
	})
}

// Min requires at least n characters: "The %s must be at least %d
// characters." Arrays and objects count elements: "The %s must have at least
// %d items."
func Min(n int) Rule {
	return normal(func(f *field) (string, bool) {
		sz, items := size(f.val)
		if sz >= n {
			return "", true
		}
		if items {
			return fmt.Sprintf("The %s must have at least %d items.", f.attr(), n), false
		}
		return fmt.Sprintf("The %s must be at least %d characters.", f.attr(), n), false
	})
}

// mustNum parses a rule parameter; it panics on a programming error.
func mustNum(s string) num {
	n, ok := parseNum(strings.TrimSpace(s))
	if !ok {
		panic(fmt.Sprintf("validate: %q is not a number", s))
	}
	return n
}

// MinNumber requires a number >= min (exact comparison): "The %s must be at
// least %s." Non-numeric values fail with the same message. It panics if min
// is not numeric.
func MinNumber(min string) Rule {
	limit := mustNum(min)
	return normal(func(f *field) (string, bool) {
		if n, ok := valueNum(f.val); ok && n.cmp(limit) >= 0 {
			return "", true
		}
		return fmt.Sprintf("The %s must be at least %s.", f.attr(), min), false
	})
}

// MaxNumber requires a number <= max (exact comparison): "The %s must not be
// greater than %s." It keeps amounts far from int64 overflow. Non-numeric
// values fail with the same message. It panics if max is not numeric.
func MaxNumber(max string) Rule {
	limit := mustNum(max)
	return normal(func(f *field) (string, bool) {
		if n, ok := valueNum(f.val); ok && n.cmp(limit) <= 0 {
			return "", true
		}
		return fmt.Sprintf("The %s must not be greater than %s.", f.attr(), max), false
	})
}

// GreaterThan requires a number > min (exact comparison): "The %s must be
// greater than %s." Non-numeric values fail with the same message. It panics
// if min is not numeric.
func GreaterThan(min string) Rule {
	limit := mustNum(min)
	return normal(func(f *field) (string, bool) {
		if n, ok := valueNum(f.val); ok && n.cmp(limit) > 0 {
			return "", true
		}
		return fmt.Sprintf("The %s must be greater than %s.", f.attr(), min), false
	})
}

// Decimals requires a number with at most max decimal places, ignoring
// trailing zeros ("1.500" has one): "The %s must have 0-%d decimal places."
// Non-numeric values fail with the same message.
func Decimals(max int) Rule {
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max)), nil))
	return normal(func(f *field) (string, bool) {
		if n, ok := valueNum(f.val); ok && n.scaledIsInt(max, scale) {
			return "", true
		}
		return fmt.Sprintf("The %s must have 0-%d decimal places.", f.attr(), max), false
	})
}

// Date requires a value ParseTime accepts: "The %s is not a valid date."
func Date(loc *time.Location) Rule {
	return simple(func(v any) bool {
		_, ok := ParseTime(v, loc)
		return ok
	}, "The %s is not a valid date.")
}

// AfterOrEqual requires a date (see ParseTime) not before t: "The %s must be
// a date after or equal to <label>." Unparseable values fail with the same
// message.
func AfterOrEqual(loc *time.Location, t time.Time, label string) Rule {
	return normal(func(f *field) (string, bool) {
		if p, ok := ParseTime(f.val, loc); ok && !p.Before(t) {
			return "", true
		}
		return fmt.Sprintf("The %s must be a date after or equal to %s.", f.attr(), label), false
	})
}

// Country requires an assigned ISO 3166-1 alpha-2 code in upper case:
// "The %s must be a valid ISO 3166-1 alpha-2 country code."
var Country Rule = simple(func(v any) bool {
	s, ok := v.(string)
	return ok && isCountry(s)
}, "The %s must be a valid ISO 3166-1 alpha-2 country code.")

// Func is a custom rule. fn receives the value (strings trimmed, blank strings
// as nil) and the whole tree. The first "%s" in message is replaced by the
// attribute; other "%" characters are kept verbatim.
func Func(fn func(v any, t Tree) bool, message string) Rule {
	return normal(func(f *field) (string, bool) {
		if fn(f.val, f.tree) {
			return "", true
		}
		return strings.Replace(message, "%s", f.attr(), 1), false
	})
}
