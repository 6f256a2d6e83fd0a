package validate

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
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
//
// It accepts exactly what encoding/json's Decoder (with UseNumber) accepts
// and builds the same values: the same grammar, nesting limit, escapes, and
// replacement of invalid UTF-8 and lone surrogates by U+FFFD; a repeated key
// keeps its last value. It is hand-written because encoding/json scans every
// body twice through a byte-at-a-time state machine and allocates every key
// and string separately: once the rules were cheap, that was most of the cost
// of validating an order.
func Decode(body []byte) (Tree, error) {
	if isJSONSpace(body) {
		return Tree{root: map[string]any{}, ok: true}, nil
	}
	p := parser{data: body}
	if len(body) <= shareLimit {
		p.src = string(body)
		p.shared = true
	}
	sc := scratchPool.Get().(*scratch)
	p.pairs, p.elems = sc.pairs, sc.elems
	defer p.release(sc)
	p.skipSpace()
	v, err := p.value(0)
	if err != nil {
		return Tree{}, fmt.Errorf("validate: malformed JSON: %w", err)
	}
	p.skipSpace()
	if p.i != len(body) {
		return Tree{}, errors.New("validate: malformed JSON: trailing data after top-level value")
	}
	m, isObj := v.(map[string]any)
	if !isObj {
		return Tree{}, errors.New("validate: request body must be a JSON object")
	}
	return Tree{root: m, ok: true}, nil
}

// shareLimit is the largest body whose strings are cut from one copy of the
// whole body instead of being copied one by one. Past it, a short value kept
// after the request could pin a large body in memory.
const shareLimit = 64 << 10

// maxDepth is encoding/json's nesting limit: deeper input is an error.
const maxDepth = 10000

type parser struct {
	data   []byte
	src    string // string(data) when shared
	shared bool
	i      int
	// Pending members of the open objects and elements of the open arrays;
	// each container's own are at the end. Collecting them first gives
	// maps and slices their exact size.
	pairs []pair
	elems []any
}

type pair struct {
	key string
	val any
}

// scratch keeps the pending-member stacks of a parser for the next body, so
// that they do not grow from nothing on every request.
type scratch struct {
	pairs []pair
	elems []any
}

// maxScratch bounds the stacks a pool keeps; an odd huge body does not pin
// its stacks.
const maxScratch = 1024

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func (p *parser) release(sc *scratch) {
	if cap(p.pairs) > maxScratch || cap(p.elems) > maxScratch {
		return
	}
	clear(p.pairs) // members a syntax error left pending
	clear(p.elems)
	sc.pairs, sc.elems = p.pairs[:0], p.elems[:0]
	scratchPool.Put(sc)
}

func (p *parser) text(from, to int) string {
	if p.shared {
		return p.src[from:to]
	}
	return string(p.data[from:to])
}

func (p *parser) skipSpace() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) errorf(format string, args ...any) error {
	if p.i >= len(p.data) {
		return errors.New("unexpected end of JSON input")
	}
	return fmt.Errorf("invalid character %q at offset %d: "+format, append([]any{p.data[p.i], p.i}, args...)...)
}

// value parses the value at p.i (not white space); depth counts the arrays
// and objects it is in.
func (p *parser) value(depth int) (any, error) {
	if p.i >= len(p.data) {
		return nil, p.errorf("")
	}
	switch c := p.data[p.i]; c {
	case '{':
		return p.object(depth + 1)
	case '[':
		return p.array(depth + 1)
	case '"':
		s, err := p.string()
		if err != nil {
			return nil, err
		}
		return s, nil
	case 't':
		return true, p.literal("true")
	case 'f':
		return false, p.literal("false")
	case 'n':
		return nil, p.literal("null")
	default:
		if c == '-' || c >= '0' && c <= '9' {
			n, err := p.number()
			if err != nil {
				return nil, err
			}
			return json.Number(n), nil
		}
		return nil, p.errorf("looking for beginning of value")
	}
}

func (p *parser) literal(word string) error {
	if len(p.data)-p.i < len(word) || string(p.data[p.i:p.i+len(word)]) != word {
		for k := 0; k < len(word) && p.i < len(p.data) && p.data[p.i] == word[k]; k++ {
			p.i++
		}
		return p.errorf("in literal %s", word)
	}
	p.i += len(word)
	return nil
}

// number scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and returns its text.
func (p *parser) number() (string, error) {
	start := p.i
	if p.data[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.data) && p.data[p.i] == '0':
		p.i++
	case p.i < len(p.data) && p.data[p.i] >= '1' && p.data[p.i] <= '9':
		p.skipDigits()
	default:
		return "", p.errorf("in numeric literal")
	}
	if p.i < len(p.data) && p.data[p.i] == '.' {
		p.i++
		if !p.skipDigits() {
			return "", p.errorf("after decimal point in numeric literal")
		}
	}
	if p.i < len(p.data) && (p.data[p.i] == 'e' || p.data[p.i] == 'E') {
		p.i++
		if p.i < len(p.data) && (p.data[p.i] == '+' || p.data[p.i] == '-') {
			p.i++
		}
		if !p.skipDigits() {
			return "", p.errorf("in exponent of numeric literal")
		}
	}
	return p.text(start, p.i), nil
}

func (p *parser) skipDigits() bool {
	start := p.i
	for p.i < len(p.data) && p.data[p.i] >= '0' && p.data[p.i] <= '9' {
		p.i++
	}
	return p.i > start
}

func (p *parser) object(depth int) (any, error) {
	if depth > maxDepth {
		return nil, p.errorf("exceeded max depth")
	}
	p.i++ // {
	p.skipSpace()
	mark := len(p.pairs)
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		return p.endObject(mark, depth), nil
	}
	for {
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			return nil, p.errorf("looking for beginning of object key string")
		}
		key, err := p.string()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return nil, p.errorf("after object key")
		}
		p.i++
		p.skipSpace()
		val, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		p.pairs = append(p.pairs, pair{key, val})
		p.skipSpace()
		if p.i < len(p.data) && p.data[p.i] == ',' {
			p.i++
			p.skipSpace()
			continue
		}
		if p.i < len(p.data) && p.data[p.i] == '}' {
			p.i++
			return p.endObject(mark, depth), nil
		}
		return nil, p.errorf("after object key:value pair")
	}
}

// endObject builds the object from its pending members; below the top level
// an integer-keyed one becomes an array. Its values were converted already,
// as they were parsed.
func (p *parser) endObject(mark, depth int) any {
	pairs := p.pairs[mark:]
	m := make(map[string]any, len(pairs))
	// The keys decide the conversion; looking at them here is cheaper than
	// iterating the map, and usually the first key settles it.
	indexKeys := depth > 1 && len(pairs) > 0
	for _, kv := range pairs {
		m[kv.key] = kv.val
		indexKeys = indexKeys && isIndex(kv.key)
	}
	clear(pairs)
	p.pairs = p.pairs[:mark]
	if !indexKeys {
		return m
	}
	return convertObject(m)
}

func (p *parser) array(depth int) (any, error) {
	if depth > maxDepth {
		return nil, p.errorf("exceeded max depth")
	}
	p.i++ // [
	p.skipSpace()
	mark := len(p.elems)
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.i++
		return make([]any, 0), nil
	}
	for {
		val, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		p.elems = append(p.elems, val)
		p.skipSpace()
		if p.i < len(p.data) && p.data[p.i] == ',' {
			p.i++
			p.skipSpace()
			continue
		}
		if p.i < len(p.data) && p.data[p.i] == ']' {
			p.i++
			break
		}
		return nil, p.errorf("after array element")
	}
	a := make([]any, len(p.elems)-mark)
	copy(a, p.elems[mark:])
	clear(p.elems[mark:])
	p.elems = p.elems[:mark]
	return a, nil
}

// string parses the string literal at p.i.
func (p *parser) string() (string, error) {
	start := p.i + 1
	i := start
	for i < len(p.data) {
		c := p.data[i]
		if c == '"' {
			p.i = i + 1
			return p.text(start, i), nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
		i++
	}
	// Escapes, non-ASCII or an error: find the end as encoding/json's
	// scanner does, then unquote as it does.
	escaped := false
	for {
		if i >= len(p.data) {
			p.i = i
			return "", p.errorf("")
		}
		c := p.data[i]
		switch {
		case c == '"':
			p.i = i + 1
			if !escaped && utf8.Valid(p.data[start:i]) {
				return p.text(start, i), nil
			}
			return unquote(p.data[start:i]), nil
		case c < 0x20:
			p.i = i
			return "", p.errorf("in string literal")
		case c == '\\':
			escaped = true
			i++
			if i >= len(p.data) {
				p.i = i
				return "", p.errorf("")
			}
			switch p.data[i] {
			case 'b', 'f', 'n', 'r', 't', '\\', '/', '"':
				i++
			case 'u':
				i++
				for k := 0; k < 4; k++ {
					if i >= len(p.data) {
						p.i = i
						return "", p.errorf("")
					}
					if !isHex(p.data[i]) {
						p.i = i
						return "", p.errorf(`in \u hexadecimal character escape`)
					}
					i++
				}
			default:
				p.i = i
				return "", p.errorf("in string escape code")
			}
		default:
			i++
		}
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// unquote decodes the inside of a string literal whose escapes are well
// formed, like encoding/json: invalid UTF-8 and lone surrogates become
// U+FFFD.
func unquote(s []byte) string {
	b := make([]byte, 0, len(s)+2*utf8.UTFMax)
	for r := 0; r < len(s); {
		c := s[r]
		switch {
		case c == '\\':
			switch e := s[r+1]; e {
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				rr := getu4(s[r:])
				r += 6
				if utf16.IsSurrogate(rr) {
					if dec := utf16.DecodeRune(rr, getu4(s[r:])); dec != unicode.ReplacementChar {
						r += 6
						b = utf8.AppendRune(b, dec)
						continue
					}
					rr = unicode.ReplacementChar
				}
				b = utf8.AppendRune(b, rr)
				continue
			default: // '"', '\\', '/'
				b = append(b, e)
			}
			r += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			r++
		default:
			rr, size := utf8.DecodeRune(s[r:])
			r += size
			b = utf8.AppendRune(b, rr)
		}
	}
	return string(b)
}

// getu4 decodes a \uXXXX escape at the start of s, or returns -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c = c - '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
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

// convertObject turns a non-empty object whose keys are all indexes into the
// array of its values in index order.
func convertObject(m map[string]any) any {
	if len(m) == 0 || !allIndexKeys(m) {
		return m
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return lessIndex(keys[i], keys[j]) })
	arr := make([]any, len(keys))
	for i, k := range keys {
		arr[i] = m[k]
	}
	return arr
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
