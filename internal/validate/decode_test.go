package validate

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestDecodeListObjects(t *testing.T) {
	cases := []struct {
		name string
		body string
		want any
	}{
		{"object list", `{"p":{"0":"a","1":"b"}}`, map[string]any{"p": []any{"a", "b"}}},
		{"numeric order", `{"p":{"10":"ten","2":"two","0":"zero"}}`, map[string]any{"p": []any{"zero", "two", "ten"}}},
		{"nested", `{"p":{"0":{"tags":{"1":"y","0":"x"}},"1":[{"0":true}]}}`,
			map[string]any{"p": []any{map[string]any{"tags": []any{"x", "y"}}, []any{[]any{true}}}}},
		{"mixed keys stay object", `{"p":{"0":"a","x":"b"}}`, map[string]any{"p": map[string]any{"0": "a", "x": "b"}}},
		{"leading zero key stays object", `{"p":{"01":"a"}}`, map[string]any{"p": map[string]any{"01": "a"}}},
		{"negative key stays object", `{"p":{"-1":"a"}}`, map[string]any{"p": map[string]any{"-1": "a"}}},
		{"empty object stays object", `{"p":{}}`, map[string]any{"p": map[string]any{}}},
		{"arrays kept", `{"p":[{"0":1}]}`, map[string]any{"p": []any{[]any{json.Number("1")}}}},
		{"root with integer keys stays object", `{"0":"a","1":"b"}`, map[string]any{"0": "a", "1": "b"}},
		{"huge keys ordered", `{"p":{"100000000000000000000":"b","99999999999999999999":"a"}}`, map[string]any{"p": []any{"a", "b"}}},
		{"empty body", ``, map[string]any{}},
		{"whitespace body", " \n\t\r ", map[string]any{}},
		{"null value", `{"p":null}`, map[string]any{"p": nil}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr := mustDecode(t, c.body)
			got, ok := tr.Get("")
			if !ok {
				t.Fatal("root absent")
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %#v\nwant %#v", got, c.want)
			}
		})
	}
}

func TestDecodeKeepsNumberText(t *testing.T) {
	tr := mustDecode(t, `{"a":51.00,"b":4017.86,"c":1e3,"d":-0.10,"e":12345678901234567890123}`)
	for path, want := range map[string]string{"a": "51.00", "b": "4017.86", "c": "1e3", "d": "-0.10", "e": "12345678901234567890123"} {
		v, _ := tr.Get(path)
		if v != json.Number(want) {
			t.Errorf("%s = %#v, want json.Number(%q)", path, v, want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, body := range []string{
		`{`,
		`{"a":}`,
		`[]`,
		`[{"a":1}]`,
		`"str"`,
		`12`,
		`null`,
		`true`,
		`{} x`,
		`{}{}`,
		`{"a":1} {"b":2}`,
		`{"a":1}]`,
		"\xef\xbb\xbf{}",
		`{'a':1}`,
		`{"a":01}`,
	} {
		t.Run(body, func(t *testing.T) {
			if _, err := Decode([]byte(body)); err == nil {
				t.Fatalf("Decode(%q) succeeded, want error", body)
			}
		})
	}
}

func TestDecodeTrailingWhitespaceOK(t *testing.T) {
	tr := mustDecode(t, " {\"a\":1} \n\t")
	if tr.String("a") != "1" {
		t.Fatalf("a = %q", tr.String("a"))
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		``, `{}`, `{"a":1}`, `{"p":{"0":{"1":"x","0":[1,2]}}}`, `{"a":"5 Dec, 2023"}`, `[]`, `{"a":1e999999}`,
		`{"10":{"2":null}}`, `{} x`, `{"a":"\u0000"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		tr, err := Decode(body)
		if err != nil {
			return
		}
		// The accessors and rules must not panic on any decoded tree either.
		for _, p := range []string{"", "a", "0", "p.0", "p.0.1", "10.2"} {
			tr.Get(p)
			tr.Filled(p)
			tr.String(p)
			tr.Number(p)
			tr.Bool(p)
			tr.Len(p)
			tr.Time(p, nil)
		}
		v := New(tr)
		v.Field("*", Required)
		v.Field("a", Nullable, Numeric, MinNumber("0"), Decimals(2), In("1", "2"))
		v.Field("p.*.*", Required, String, Email)
		v.Field("a", Date(nil), URL, Integer, Digits(3), Max(3))
		_ = v.Errors()
	})
}

// encoding/json replaces each byte of invalid UTF-8, and each escaped
// surrogate that is not half of a pair, with U+FFFD; so must Decode.
func TestDecodeReplacesInvalidUTF8(t *testing.T) {
	const r = "\uFFFD"
	for _, c := range []struct{ body, want string }{
		{"{\"a\":\"x\xffy\"}", "x" + r + "y"},
		{"{\"a\":\"\xc3\"}", r},
		{"{\"a\":\"\xc3\x28\"}", r + "("},
		{"{\"a\":\"\xed\xa0\x80\"}", r + r + r}, // an encoded surrogate: three bad bytes
		{"{\"a\":\"\xf0\x9f\x98\"}", r + r + r}, // a truncated 4-byte sequence
		{"{\"a\":\"\xc0\xaf\"}", r + r},         // an overlong encoding
		{"{\"a\":\"\xef\xbf\xbd\"}", r},         // U+FFFD itself
		{`{"a":"\ud83d\ude00"}`, "\U0001F600"},
		{`{"a":"\ud83d"}`, r},
		{`{"a":"\ude00\ud83d"}`, r + r},
		{`{"a":"\ud83d\u0041"}`, r + "A"},
		{`{"a":"\ud83d\ud83d\ude00"}`, r + "\U0001F600"},
		{"{\"a\":\"\\u00e6\xff\"}", "æ" + r},
	} {
		tr := mustDecode(t, c.body)
		if got := tr.String("a"); got != c.want {
			t.Errorf("Decode(%q): a = %+q, want %+q", c.body, got, c.want)
		}
	}
	tr := mustDecode(t, "{\"k\xff\":1}")
	if _, ok := tr.Get("k\uFFFD"); !ok {
		t.Errorf("key with invalid UTF-8 not replaced: %#v", tr.root)
	}
}

// encoding/json allows 10000 nested arrays and objects; Decode must too, and
// no more.
func TestDecodeNestingLimit(t *testing.T) {
	nest := func(n int) string {
		var b strings.Builder
		b.WriteString(`{"a":`)
		for i := 1; i < n; i++ {
			if i%2 == 0 {
				b.WriteString(`{"b":`)
			} else {
				b.WriteString(`[`)
			}
		}
		b.WriteString(`1`)
		for i := n - 1; i >= 1; i-- {
			if i%2 == 0 {
				b.WriteString(`}`)
			} else {
				b.WriteString(`]`)
			}
		}
		b.WriteString(`}`)
		return b.String()
	}
	if _, err := Decode([]byte(nest(maxDepth))); err != nil {
		t.Errorf("depth %d: %v", maxDepth, err)
	}
	if _, err := Decode([]byte(nest(maxDepth + 1))); err == nil {
		t.Errorf("depth %d accepted", maxDepth+1)
	}
}
