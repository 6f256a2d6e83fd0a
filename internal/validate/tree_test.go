package validate

import (
	"encoding/json"
	"testing"
	"time"
)

const treeBody = `{
	"customerDetails": {"email": " a@b.no ", "address": {"zip": "0150"}, "empty": {}, "none": null, "blank": "  "},
	"products": {"0": {"name": "A", "amount": 51.00, "qty": "2"}, "1": {"name": "B", "amount": "1e2"}},
	"flags": {"t": true, "f": false, "one": 1, "zero": 0, "s1": "1", "s0": "0", "st": " TRUE ", "sf": "False", "two": 2, "yes": "yes", "onef": 1.0},
	"list": [], "n": " 12.5 ", "txt": "abc", "ts": 1677047770.652
}`

func TestTreeGetHas(t *testing.T) {
	tr := mustDecode(t, treeBody)
	cases := []struct {
		path string
		want any
		ok   bool
	}{
		{"customerDetails.address.zip", "0150", true},
		{"products.0.name", "A", true},
		{"products.1.amount", "1e2", true},
		{"products.0.amount", json.Number("51.00"), true},
		{"customerDetails.none", nil, true},
		{"customerDetails.missing", nil, false},
		{"products.2.name", nil, false},
		{"products.-1.name", nil, false},
		{"products.01.name", nil, false},
		{"products.x", nil, false},
		{"txt.0", nil, false},
		{"customerDetails.address.zip.more", nil, false},
		{"products..name", nil, false},
	}
	for _, c := range cases {
		got, ok := tr.Get(c.path)
		if ok != c.ok || got != c.want {
			t.Errorf("Get(%q) = %#v, %v; want %#v, %v", c.path, got, ok, c.want, c.ok)
		}
		if tr.Has(c.path) != c.ok {
			t.Errorf("Has(%q) = %v", c.path, !c.ok)
		}
	}
	if _, ok := (Tree{}).Get(""); ok {
		t.Error("zero Tree root is present")
	}
}

func TestTreeNullFilled(t *testing.T) {
	tr := mustDecode(t, treeBody)
	null := map[string]bool{"customerDetails.none": true, "customerDetails.blank": false, "customerDetails.missing": false, "txt": false}
	for p, want := range null {
		if got := tr.IsNull(p); got != want {
			t.Errorf("IsNull(%q) = %v, want %v", p, got, want)
		}
	}
	filledCases := map[string]bool{
		"customerDetails.email": true, "customerDetails.empty": false, "customerDetails.none": false,
		"customerDetails.blank": false, "customerDetails.missing": false, "list": false, "products": true,
		"flags.f": true, "flags.zero": true,
	}
	for p, want := range filledCases {
		if got := tr.Filled(p); got != want {
			t.Errorf("Filled(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestTreeString(t *testing.T) {
	tr := mustDecode(t, treeBody)
	cases := map[string]string{
		"customerDetails.email": "a@b.no",
		"products.0.amount":     "51.00",
		"flags.t":               "1",
		"flags.f":               "0",
		"customerDetails.none":  "",
		"customerDetails.empty": "",
		"list":                  "",
		"missing":               "",
	}
	for p, want := range cases {
		if got := tr.String(p); got != want {
			t.Errorf("String(%q) = %q, want %q", p, got, want)
		}
	}
}

func TestTreeNumber(t *testing.T) {
	tr := mustDecode(t, treeBody)
	cases := []struct {
		path string
		want string
		ok   bool
	}{
		{"products.0.amount", "51.00", true},
		{"products.0.qty", "2", true},
		{"products.1.amount", "1e2", true},
		{"n", "12.5", true},
		{"txt", "", false},
		{"flags.t", "", false},
		{"customerDetails.none", "", false},
		{"missing", "", false},
	}
	for _, c := range cases {
		got, ok := tr.Number(c.path)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("Number(%q) = %q, %v; want %q, %v", c.path, got, ok, c.want, c.ok)
		}
	}
}

func TestTreeBool(t *testing.T) {
	tr := mustDecode(t, treeBody)
	cases := []struct {
		path    string
		val, ok bool
	}{
		{"flags.t", true, true}, {"flags.f", false, true},
		{"flags.one", true, true}, {"flags.zero", false, true},
		{"flags.s1", true, true}, {"flags.s0", false, true},
		{"flags.st", true, true}, {"flags.sf", false, true},
		{"flags.two", false, false}, {"flags.yes", false, false}, {"flags.onef", false, false},
		{"customerDetails.none", false, false}, {"missing", false, false},
	}
	for _, c := range cases {
		val, ok := tr.Bool(c.path)
		if val != c.val || ok != c.ok {
			t.Errorf("Bool(%q) = %v, %v; want %v, %v", c.path, val, ok, c.val, c.ok)
		}
	}
}

func TestTreeLenSub(t *testing.T) {
	tr := mustDecode(t, treeBody)
	for p, want := range map[string]int{"products": 2, "list": 0, "customerDetails": 0, "missing": 0, "txt": 0} {
		if got := tr.Len(p); got != want {
			t.Errorf("Len(%q) = %d, want %d", p, got, want)
		}
	}
	sub := tr.Sub("products.1")
	if got := sub.String("name"); got != "B" {
		t.Errorf("Sub(products.1).String(name) = %q", got)
	}
	if got := tr.Sub("customerDetails").Sub("address").String("zip"); got != "0150" {
		t.Errorf("chained Sub zip = %q", got)
	}
	if tr.Sub("customerDetails.none").Has("") != true {
		t.Error("Sub of a null value should be present")
	}
	missing := tr.Sub("missing")
	if missing.Has("") || missing.Has("x") || missing.Filled("") {
		t.Error("Sub of an absent path should be absent")
	}
}

func TestTreeTime(t *testing.T) {
	tr := mustDecode(t, treeBody)
	got, ok := tr.Time("ts", time.UTC)
	if !ok || got.Unix() != 1677047770 || got.Nanosecond() != 652000000 {
		t.Fatalf("Time(ts) = %v, %v", got, ok)
	}
	if _, ok := tr.Time("missing", time.UTC); ok {
		t.Fatal("Time(missing) ok")
	}
	if _, ok := tr.Time("txt", time.UTC); ok {
		t.Fatal("Time(txt) ok")
	}
}
