package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
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
// It accepts what encoding/json's Decoder (with UseNumber) accepts and builds
// the same values: the body is read with the streaming tokenizer of
// github.com/go-json-experiment/json/jsontext (encoding/json/v2's), set to
// encoding/json's leniencies: a repeated key keeps its last value, and invalid
// UTF-8 and lone surrogate escapes become U+FFFD. Its nesting limit is
// encoding/json's, 10000. decode_std_test.go checks all of this against
// encoding/json on a corpus and by fuzzing.
func Decode(body []byte) (Tree, error) {
	if isJSONSpace(body) {
		return Tree{root: map[string]any{}, ok: true}, nil
	}
	b := builderPool.Get().(*builder)
	defer b.release()
	b.start(body)
	v, err := b.value(0)
	if err != nil {
		return Tree{}, fmt.Errorf("validate: malformed JSON: %w", err)
	}
	// Checked here rather than by reading on: encoding/json's Decoder also
	// stops after the first value, and the caller checked what followed.
	if !isJSONSpace(body[b.dec.InputOffset():]) {
		return Tree{}, errors.New("validate: malformed JSON: trailing data after top-level value")
	}
	m, isObj := v.(map[string]any)
	if !isObj {
		return Tree{}, errors.New("validate: request body must be a JSON object")
	}
	return Tree{root: m, ok: true}, nil
}

// decodeOptions are encoding/json's leniencies, which jsontext rejects by
// default: AllowDuplicateNames (the last value wins, as the map assignment in
// endObject does) and AllowInvalidUTF8 (invalid bytes and lone surrogate
// escapes are unquoted as U+FFFD, byte by byte, as encoding/json does).
var decodeOptions = []jsontext.Options{
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
}

// shareLimit is the largest body whose strings are cut from one copy of the
// whole body instead of being copied one by one. Past it, a short value kept
// after the request could pin a large body in memory.
const shareLimit = 64 << 10

// maxDepth is encoding/json's nesting limit, which jsontext has too: deeper
// input is an error.
const maxDepth = 10000

// builder builds a Tree from the tokens of a jsontext.Decoder.
type builder struct {
	dec  jsontext.Decoder
	rd   bytes.Buffer // the body; jsontext reads a bytes.Buffer in place
	body []byte
	src  string // string(body) when shared
	// Pending members of the open objects and elements of the open arrays;
	// each container's own are at the end. Collecting them first gives
	// maps and slices their exact size.
	pairs []pair
	elems []any
	buf   []byte // unquoted strings
}

type pair struct {
	key string
	val any
}

// maxScratch bounds the stacks and buffer a pooled builder keeps; an odd huge
// body does not pin them.
const maxScratch = 1024

// builderPool keeps builders, with their decoder's state and their stacks, for
// the next body, so that they do not grow from nothing on every request.
var builderPool = sync.Pool{New: func() any { return new(builder) }}

func (b *builder) start(body []byte) {
	b.body = body
	if len(body) <= shareLimit {
		b.src = string(body)
	}
	b.rd = *bytes.NewBuffer(body)
	b.dec.Reset(&b.rd, decodeOptions...)
}

func (b *builder) release() {
	// Let go of the body; Reset also trims the decoder's own stacks.
	b.body, b.src = nil, ""
	b.rd = bytes.Buffer{}
	b.dec.Reset(&b.rd, decodeOptions...)
	clear(b.pairs) // members a syntax error left pending
	clear(b.elems)
	b.pairs, b.elems, b.buf = b.pairs[:0], b.elems[:0], b.buf[:0]
	if cap(b.pairs) > maxScratch {
		b.pairs = nil
	}
	if cap(b.elems) > maxScratch {
		b.elems = nil
	}
	if cap(b.buf) > maxScratch {
		b.buf = nil
	}
	builderPool.Put(b)
}

// text returns the body's bytes [from:to], cut from the shared copy if there
// is one.
func (b *builder) text(from, to int) string {
	if b.src != "" {
		return b.src[from:to]
	}
	return string(b.body[from:to])
}

// readScalar reads the string or number the decoder is at and returns its
// offsets in the body.
func (b *builder) readScalar() (raw []byte, start int, err error) {
	raw, err = b.dec.ReadValue()
	if err != nil {
		return nil, 0, err
	}
	return raw, int(b.dec.InputOffset()) - len(raw), nil
}

// string reads the string the decoder is at.
func (b *builder) string() (string, error) {
	raw, start, err := b.readScalar()
	if err != nil {
		return "", err
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return b.text(start+1, start+len(raw)-1), nil
	}
	// The only errors left are the reports of invalid UTF-8 and lone
	// surrogates, which AppendUnquote has replaced with U+FFFD.
	b.buf, _ = jsontext.AppendUnquote(b.buf[:0], raw)
	return string(b.buf), nil
}

// value reads the value the decoder is at; depth counts the arrays and
// objects it is in.
func (b *builder) value(depth int) (any, error) {
	switch b.dec.PeekKind() {
	case '{':
		return b.object(depth + 1)
	case '[':
		return b.array(depth + 1)
	case '"':
		s, err := b.string()
		if err != nil {
			return nil, err
		}
		return s, nil
	case '0':
		raw, start, err := b.readScalar()
		if err != nil {
			return nil, err
		}
		return json.Number(b.text(start, start+len(raw))), nil
	case 't', 'f', 'n':
		tok, err := b.dec.ReadToken()
		if err != nil {
			return nil, err
		}
		if tok.Kind() == 'n' {
			return nil, nil
		}
		return tok.Bool(), nil
	default:
		return nil, b.syntaxError()
	}
}

// syntaxError returns the error of a token that cannot come next. PeekKind
// keeps the error it found until the next read; a delimiter that could be
// read would be a bug here, and is reported as one.
func (b *builder) syntaxError() error {
	tok, err := b.dec.ReadToken()
	if err != nil {
		return err
	}
	return fmt.Errorf("unexpected %v at offset %d", tok.Kind(), b.dec.InputOffset())
}

func (b *builder) object(depth int) (any, error) {
	if _, err := b.dec.ReadToken(); err != nil { // {, or too deep
		return nil, err
	}
	mark := len(b.pairs)
	for {
		switch b.dec.PeekKind() {
		case '}':
			if _, err := b.dec.ReadToken(); err != nil {
				return nil, err
			}
			return b.endObject(mark, depth), nil
		case '"':
			key, err := b.string()
			if err != nil {
				return nil, err
			}
			val, err := b.value(depth)
			if err != nil {
				return nil, err
			}
			b.pairs = append(b.pairs, pair{key, val})
		default:
			return nil, b.syntaxError()
		}
	}
}

// endObject builds the object from its pending members; below the top level
// an integer-keyed one becomes an array. Its values were converted already,
// as they were read.
func (b *builder) endObject(mark, depth int) any {
	pairs := b.pairs[mark:]
	m := make(map[string]any, len(pairs))
	// The keys decide the conversion; looking at them here is cheaper than
	// iterating the map, and usually the first key settles it.
	indexKeys := depth > 1 && len(pairs) > 0
	for _, kv := range pairs {
		m[kv.key] = kv.val
		indexKeys = indexKeys && isIndex(kv.key)
	}
	clear(pairs)
	b.pairs = b.pairs[:mark]
	if !indexKeys {
		return m
	}
	return convertObject(m)
}

func (b *builder) array(depth int) (any, error) {
	if _, err := b.dec.ReadToken(); err != nil { // [, or too deep
		return nil, err
	}
	mark := len(b.elems)
	for b.dec.PeekKind() != ']' {
		val, err := b.value(depth)
		if err != nil {
			return nil, err
		}
		b.elems = append(b.elems, val)
	}
	if _, err := b.dec.ReadToken(); err != nil {
		return nil, err
	}
	a := make([]any, len(b.elems)-mark)
	copy(a, b.elems[mark:])
	clear(b.elems[mark:])
	b.elems = b.elems[:mark]
	return a, nil
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
