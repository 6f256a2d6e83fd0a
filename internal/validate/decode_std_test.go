package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// decodeStd is Decode as it was built on encoding/json. It is the reference
// the jsontext-based Decode must match on every input.
func decodeStd(body []byte) (Tree, error) {
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
	for k, e := range m {
		m[k] = convertStd(e)
	}
	return Tree{root: m, ok: true}, nil
}

// convertStd is the original top-down conversion, kept verbatim.
func convertStd(v any) any {
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
				arr[i] = convertStd(x[k])
			}
			return arr
		}
		for k, e := range x {
			x[k] = convertStd(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = convertStd(e)
		}
		return x
	}
	return v
}

func checkDecodeMatchesStd(t *testing.T, body []byte) {
	t.Helper()
	orig := bytes.Clone(body)
	got, gotErr := Decode(body)
	if !bytes.Equal(body, orig) {
		t.Fatalf("Decode(%.200q) changed its input to %.200q", orig, body)
	}
	want, wantErr := decodeStd(body)
	if (gotErr != nil) != (wantErr != nil) {
		t.Fatalf("Decode(%.200q): error %v, encoding/json: %v", body, gotErr, wantErr)
	}
	if gotErr != nil {
		// Callers tell a body that is not an object from one that is not
		// JSON only by these messages; keep the two apart as encoding/json did.
		const notObject = "must be a JSON object"
		if strings.Contains(gotErr.Error(), notObject) != strings.Contains(wantErr.Error(), notObject) {
			t.Fatalf("Decode(%.200q): error %v, encoding/json: %v", body, gotErr, wantErr)
		}
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Decode(%.200q):\n got  %#v\n want %#v", body, got.root, want.root)
	}
}

var decodeCorpus = []string{
	``, ` `, `{}`, ` {} `, "\t{\n}\r\n", `{"a":1}`, `{"a":1}x`, `{"a":1} x`, `{}{}`, `{}}`, `{},`, `[]`, `[{}]`, `"s"`, `1`, `-1`, `null`, `true`, `false`,
	`{"a":}`, `{"a"}`, `{"a":1,}`, `{,}`, `{"a":1 "b":2}`, `{"a" : 1 , "b" : [ 1 , 2 ] }`, `{"a":[1,]}`, `{"a":[,1]}`, `{"a":[1 2]}`,
	`{a:1}`, `{'a':1}`, `{"a":'x'}`, "\xef\xbb\xbf{}", `{"a":1}` + "\x00", "{\"a\":1,\n\"b\":\"x\"}",
	// numbers
	`{"a":0}`, `{"a":-0}`, `{"a":01}`, `{"a":-01}`, `{"a":1.}`, `{"a":.5}`, `{"a":1.5}`, `{"a":-1.50}`, `{"a":1e5}`, `{"a":1E+5}`,
	`{"a":1e-05}`, `{"a":1e}`, `{"a":1e+}`, `{"a":1.e5}`, `{"a":+1}`, `{"a":-}`, `{"a":--1}`, `{"a":1x}`, `{"a":0x10}`, `{"a":1e5.5}`,
	`{"a":12345678901234567890123456789}`, `{"a":1e999999999}`, `{"a":NaN}`, `{"a":Infinity}`, `{"a":-Infinity}`, `{"a":0.0}`, `{"a":00}`,
	// literals
	`{"a":true}`, `{"a":false}`, `{"a":null}`, `{"a":tru}`, `{"a":truex}`, `{"a":nul}`, `{"a":nulll}`, `{"a":True}`, `{"a":NULL}`, `{"a":t}`,
	// strings
	`{"a":"x"}`, `{"a":""}`, `{"":""}`, `{"a":"\"\\\/\b\f\n\r\t"}`, `{"a":"\'"}`, `{"a":"\x"}`, `{"a":"\u00e6\u00F8"}`, `{"a":"\u12"}`,
	`{"a":"\u12g4"}`, `{"a":"\ud83d\ude00"}`, `{"a":"\ud83d"}`, `{"a":"\ud83dx"}`, `{"a":"\ude00\ud83d"}`, `{"a":"\ud83d\u0041"}`,
	`{"a":"\ud83d\\u0041"}`, `{"a":"\ud83d\ud83d\ude00"}`, `{"a":"\u0000"}`, `{"a":"æøå"}`, "{\"a\":\"\xff\"}", "{\"a\":\"a\xc3\"}",
	"{\"a\":\"\xed\xa0\x80\"}", "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xef\xbf\xbd\"}", "{\"a\":\"\x7f\"}", "{\"a\":\"\x1f\"}", "{\"a\":\"\t\"}",
	"{\"\xff\":1}", `{"a\"b":1}`, `{"a":"x}`, `{"a":"x\`, `{"a":"\u`, `{"a":"\u00`, `{"a`, `{"a"`, `{"a":`, `{"a":[`, `{"a":{`,
	// containers, duplicates, index keys
	`{"a":1,"a":2}`, `{"p":{"0":"a","0":"b"}}`, `{"p":{"1":"b","0":"a"}}`, `{"p":{"0":"a","x":"b"}}`, `{"p":{"01":"a"}}`, `{"p":{}}`,
	`{"p":[]}`, `{"p":[{"0":{"1":"y","0":"x"}}]}`, `{"0":"a","1":"b"}`, `{"p":{"10":"ten","2":"two","0":"zero"}}`,
	`{"p":{"100000000000000000000":"b","99999999999999999999":"a"}}`, `{"p":{"0":{"0":{"0":[]}}}}`, `{"p":{"-1":1}}`, `{"p":{" 1":1}}`,
	`{"a":[[[[]]]],"b":{"c":{"d":{}}}}`,
	// corners of the jsontext-based decoder: its leniency options, what
	// follows the top-level value, truncation inside tokens
	"{\"\xed\xa0\x80\":\"\xf0\x9f\x98\"}", "{\"a\":\"\xf0\x9f\x98\x80\xff\xc3\x28\"}", `{"\ud83d":1,"\ude00":2}`, `{"a":"\uD83D\uDE00\uDBFF\uDFFF"}`,
	`{"a":"x\ud800"}`, `{"a":"\ud800\"}`, `{"a":"\ud800\u"}`, `{"a":"\ud800\ud"}`, `{"a":"\ud800\udc0"}`, `{"a":"\ud800\n"}`, `{"a":"\ud800\udc00\udc00"}`,
	`{"a":1,"a":{"0":1},"a":{"1":2}}`, `{"p":{"0":1,"1":2,"0":3}}`, `{"a":{"b":1,"b":2}}`, `{"a":[{"x":1,"x":[]}]}`,
	`"s" x`, `1x`, `1 2`, `-`, `nulll`, `[1] x`, `{"a":1}/`, `{"a":1}` + "\u00a0", `{"a":1}` + "\xef\xbb\xbf",
	`{"a":1}}`, `{"a":1}]`, `]`, `}`, `,`, `:`, `{:1}`, `{"a"::1}`, `{"a":1,,"b":2}`, `{"a":1:2}`, `{"a",1}`, `[1:2]`, `{"a":[1}`, `{"a":{]}`,
	`{"a":tr`, `{"a":1.`, `{"a":1e`, `{"a":-`, `{"a":1`, `{"a":"`, `{"a":"\`, `{"a":"\ud800`, `{"a":"\ud800\`, "{\"a\":\"\xf0\x9f", `{"a":[1,`, `{"a":1,`, `{"a":1,"`,
	`{"a":-0.0e-0}`, `{"a":1E400}`, `{"a":0e0}`, `{"a":-01.5}`, `{"a":0.}`, `{"a":1.5e}`, `{"a":[-]}`, `{"a":[1.0e+]}`, `{"a":[0,00]}`,
	"{\"a\":\"\x00\"}", "{\"a\":\"\x7f\x80\"}", "{\"a\" \t\r\n:\n1\r}", "{\"a\":1\v}", "{\"a\":1\f}", "{\"a\":\"\u2028\"}",
}

func TestDecodeMatchesEncodingJSON(t *testing.T) {
	for _, body := range decodeCorpus {
		checkDecodeMatchesStd(t, []byte(body))
	}
	// encoding/json allows 10000 nested arrays and objects and no more.
	for _, n := range []int{maxDepth - 1, maxDepth, maxDepth + 1} {
		arrays := `{"a":` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}`
		checkDecodeMatchesStd(t, []byte(arrays))
		objects := strings.Repeat(`{"a":`, n) + `1` + strings.Repeat(`}`, n)
		checkDecodeMatchesStd(t, []byte(objects))
	}
	// Bodies past shareLimit copy their strings one by one.
	big := `{"pad":"` + strings.Repeat("x", shareLimit) + `","a":"\u00e6","n":-1.5e3,"p":{"1":"b","0":"a"}}`
	checkDecodeMatchesStd(t, []byte(big))
	if tr := mustDecode(t, big); tr.String("p.0") != "a" || tr.String("a") != "æ" {
		t.Fatalf("big body decoded wrong: %q %q", tr.String("p.0"), tr.String("a"))
	}
}

func FuzzDecodeMatchesEncodingJSON(f *testing.F) {
	for _, s := range decodeCorpus {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkDecodeMatchesStd(t, body)
	})
}

// benchDecodeBody is internal/api's benchmark order body.
const benchDecodeBody = `{"products":[{"name":"Hair Wash","productId":"HW-1","quantity":"1","rate":51,"discount":0,"tax":"0","amount":51}],` +
	`"orderSummary":{"subTotal":"51.00","totalTax":"0.00","totalDiscount":"0.00","grandTotal":"51.00"},` +
	`"orderDate":"1763778000","customerDetails":{"type":"private","countryCode":"+47","msisdn":"46567468","email":"kari@example.no",` +
	`"name":"Kari Nordmann","preferredLanguage":"en","address":{"street":"Luramyrveien 65","zip":"4313","city":"Sandnes","country":"NO"}},` +
	`"invoiceAsPaymentOption":true,"referenceNo":"bench","callback":{"callbackUrl":"http://127.0.0.1:40123/callback?source=fpgo-bench"}}`

func benchmarkDecode(b *testing.B, decode func([]byte) (Tree, error)) {
	body := []byte(benchDecodeBody)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := decode(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B)             { benchmarkDecode(b, Decode) }
func BenchmarkDecodeEncodingJSON(b *testing.B) { benchmarkDecode(b, decodeStd) }
