package validate

import "testing"

func TestWildcardExpansionOrder(t *testing.T) {
	tr := mustDecode(t, `{
		"products": {"1": {"name": "B", "tax": 13}, "0": {"tax": 12}, "2": {"name": "", "tax": "7"}},
		"orderAmount": "abc"
	}`)
	v := New(tr)
	v.Field("products", Required, Array)
	v.Field("products.*.name", Required, String, Max(50))
	v.Field("products.*.tax", Required, In("0", "12", "15", "25"))
	v.Add("The order amount does not match the sum of the products.")
	v.Field("orderAmount", Required, Numeric)
	assertMsgs(t, v.Errors(),
		"The products.0.name field is required.",
		"The products.2.name field is required.",
		"The products.1.tax must be one of 0, 12, 15, 25.",
		"The products.2.tax must be one of 0, 12, 15, 25.",
		"The order amount does not match the sum of the products.",
		"The order amount must be a number.",
	)
	if v.Valid() {
		t.Fatal("Valid() = true with errors")
	}
}

func TestWildcardExpandsToNothing(t *testing.T) {
	for _, body := range []string{`{}`, `{"products":null}`, `{"products":"x"}`, `{"products":{"a":{"name":1}}}`, `{"products":[]}`} {
		t.Run(body, func(t *testing.T) {
			assertMsgs(t, run(t, body, "products.*.name", Required))
		})
	}
}

func TestNestedWildcards(t *testing.T) {
	body := `{"orders":[{"lines":[{"sku":"a"},{}]},{"lines":{"0":{},"1":{"sku":"b"}}},{"lines":"none"}]}`
	assertMsgs(t, run(t, body, "orders.*.lines.*.sku", Required),
		"The orders.0.lines.1.sku field is required.",
		"The orders.1.lines.0.sku field is required.",
	)
}

func TestWildcardLeaf(t *testing.T) {
	assertMsgs(t, run(t, `{"tags":["a",5,"c"]}`, "tags.*", String), "The tags.1 must be a string.")
}

func TestRequiredIfWildcardRelative(t *testing.T) {
	body := `{"products":[
		{"type":"physical","weight":1},
		{"type":"physical"},
		{"type":"digital"},
		{"type":"physical","weight":""}
	]}`
	assertMsgs(t, run(t, body, "products.*.weight", RequiredIf("products.*.type", "physical"), Numeric),
		"The products.1.weight field is required when products.1.type is physical.",
		"The products.3.weight field is required when products.3.type is physical.",
	)
}

func TestRequiredWithWildcardRelative(t *testing.T) {
	body := `{"products":[{"discount":5},{"discountReason":"x"},{}]}`
	assertMsgs(t, run(t, body, "products.*.discountReason", RequiredWith("products.*.discount")),
		"The products.0.discount reason field is required when products.0.discount is present.",
	)
}

func TestValidatorValid(t *testing.T) {
	v := New(mustDecode(t, `{"a":"x","products":[{"name":"n"}]}`))
	v.Field("a", Required, String)
	v.Field("products.*.name", Required, String)
	v.Field("missing", Nullable, String)
	if !v.Valid() {
		t.Fatalf("Valid() = false: %q", v.Errors())
	}
	if errs := v.Errors(); errs != nil {
		t.Fatalf("Errors() = %#v, want nil", errs)
	}
}

func TestErrorsIsACopy(t *testing.T) {
	v := New(mustDecode(t, `{}`))
	v.Field("a", Required)
	errs := v.Errors()
	errs[0] = "changed"
	assertMsgs(t, v.Errors(), "The a field is required.")
}

func TestAddOnly(t *testing.T) {
	v := New(Tree{})
	v.Add("custom")
	if v.Valid() {
		t.Fatal("Valid() after Add")
	}
	assertMsgs(t, v.Errors(), "custom")
}

func TestResolve(t *testing.T) {
	cases := []struct {
		other string
		idx   []string
		want  string
	}{
		{"products.*.type", []string{"3"}, "products.3.type"},
		{"a.*.b.*.c", []string{"1", "2"}, "a.1.b.2.c"},
		{"a.*.b.*.c", []string{"1"}, "a.1.b.*.c"},
		{"plain.path", []string{"1"}, "plain.path"},
		{"a.*", nil, "a.*"},
	}
	for _, c := range cases {
		if got := resolve(c.other, c.idx); got != c.want {
			t.Errorf("resolve(%q, %q) = %q, want %q", c.other, c.idx, got, c.want)
		}
	}
}
