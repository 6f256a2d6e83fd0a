package validate

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Oslo must be available to the tests
)

type ruleCase struct {
	name  string
	body  string
	path  string
	rules []Rule
	want  string // "" = valid
}

func runRuleCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := run(t, c.body, c.path, c.rules...)
			if c.want == "" {
				assertMsgs(t, got)
			} else {
				assertMsgs(t, got, c.want)
			}
		})
	}
}

func TestRequired(t *testing.T) {
	const msg = "The customer details.first name field is required."
	p := "customerDetails.firstName"
	runRuleCases(t, []ruleCase{
		{"present", `{"customerDetails":{"firstName":"Ola"}}`, p, []Rule{Required}, ""},
		{"absent", `{"customerDetails":{}}`, p, []Rule{Required}, msg},
		{"parent absent", `{}`, p, []Rule{Required}, msg},
		{"null", `{"customerDetails":{"firstName":null}}`, p, []Rule{Required}, msg},
		{"empty string", `{"customerDetails":{"firstName":""}}`, p, []Rule{Required}, msg},
		{"blank string", `{"customerDetails":{"firstName":"  \t"}}`, p, []Rule{Required}, msg},
		{"empty array", `{"customerDetails":{"firstName":[]}}`, p, []Rule{Required}, msg},
		{"empty object", `{"customerDetails":{"firstName":{}}}`, p, []Rule{Required}, msg},
		{"zero", `{"customerDetails":{"firstName":0}}`, p, []Rule{Required}, ""},
		{"false", `{"customerDetails":{"firstName":false}}`, p, []Rule{Required}, ""},
		{"bails after required", `{}`, p, []Rule{Required, String, Max(2)}, msg},
		{"required then type", `{"customerDetails":{"firstName":5}}`, p, []Rule{Required, String},
			"The customer details.first name must be a string."},
	})
}

func TestAbsentNullBlankSemantics(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"absent skips type rules", `{}`, "email", []Rule{String, Email, Max(3)}, ""},
		{"null fails type rule", `{"email":null}`, "email", []Rule{String}, "The email must be a string."},
		{"null with nullable skips", `{"email":null}`, "email", []Rule{Nullable, String, Email}, ""},
		{"nullable after the rule does not help", `{"email":null}`, "email", []Rule{String, Nullable}, "The email must be a string."},
		{"blank string is null", `{"email":"  "}`, "email", []Rule{Email}, "The email must be a valid email address."},
		{"blank string with nullable", `{"email":""}`, "email", []Rule{Nullable, Email}, ""},
		{"nullable does not skip required", `{"email":null}`, "email", []Rule{Nullable, Required}, "The email field is required."},
		{"nullable non-null still checked", `{"email":"x"}`, "email", []Rule{Nullable, Email}, "The email must be a valid email address."},
		{"strings are trimmed", `{"name":"  abc  "}`, "name", []Rule{String, Max(3)}, ""},
		{"later implicit rule runs when absent", `{}`, "name", []Rule{String, Required}, "The name field is required."},
		{"max passes on null (size 0)", `{"name":null}`, "name", []Rule{Max(3)}, ""},
		{"min fails on null", `{"name":null}`, "name", []Rule{Min(1)}, "The name must be at least 1 characters."},
		{"nil rule ignored", `{"name":null}`, "name", []Rule{nil, Nullable, nil, String}, ""},
	})
}

func TestTypeRules(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"string ok", `{"a":"x"}`, "a", []Rule{String}, ""},
		{"string number", `{"a":1}`, "a", []Rule{String}, "The a must be a string."},
		{"string bool", `{"a":true}`, "a", []Rule{String}, "The a must be a string."},
		{"string array", `{"a":["x"]}`, "a", []Rule{String}, "The a must be a string."},

		{"numeric int", `{"a":12}`, "a", []Rule{Numeric}, ""},
		{"numeric float", `{"a":-12.5e2}`, "a", []Rule{Numeric}, ""},
		{"numeric string", `{"a":" 12.50 "}`, "a", []Rule{Numeric}, ""},
		{"numeric string leading dot", `{"a":".5"}`, "a", []Rule{Numeric}, ""},
		{"numeric bad string", `{"a":"12a"}`, "a", []Rule{Numeric}, "The a must be a number."},
		{"numeric hex", `{"a":"0x1A"}`, "a", []Rule{Numeric}, "The a must be a number."},
		{"numeric bool", `{"a":true}`, "a", []Rule{Numeric}, "The a must be a number."},
		{"numeric lone dot", `{"a":"."}`, "a", []Rule{Numeric}, "The a must be a number."},
		{"numeric null", `{"a":null}`, "a", []Rule{Numeric}, "The a must be a number."},

		{"integer", `{"a":42}`, "a", []Rule{Integer}, ""},
		{"integer negative string", `{"a":"-42"}`, "a", []Rule{Integer}, ""},
		{"integer zero", `{"a":0}`, "a", []Rule{Integer}, ""},
		{"integer max int64", `{"a":9223372036854775807}`, "a", []Rule{Integer}, ""},
		{"integer overflow", `{"a":9223372036854775808}`, "a", []Rule{Integer}, "The a must be an integer."},
		{"integer 1.0 string", `{"a":"1.0"}`, "a", []Rule{Integer}, "The a must be an integer."},
		{"integer 1.0 number", `{"a":1.0}`, "a", []Rule{Integer}, "The a must be an integer."},
		{"integer exponent", `{"a":1e3}`, "a", []Rule{Integer}, "The a must be an integer."},
		{"integer leading zero", `{"a":"012"}`, "a", []Rule{Integer}, "The a must be an integer."},
		{"integer text", `{"a":"x"}`, "a", []Rule{Integer}, "The a must be an integer."},

		{"boolean true", `{"a":true}`, "a", []Rule{Boolean}, ""},
		{"boolean false", `{"a":false}`, "a", []Rule{Boolean}, ""},
		{"boolean 1", `{"a":1}`, "a", []Rule{Boolean}, ""},
		{"boolean 0", `{"a":0}`, "a", []Rule{Boolean}, ""},
		{"boolean '1'", `{"a":"1"}`, "a", []Rule{Boolean}, ""},
		{"boolean '0'", `{"a":"0"}`, "a", []Rule{Boolean}, ""},
		{"boolean 'true'", `{"a":"true"}`, "a", []Rule{Boolean}, ""},
		{"boolean 'FALSE'", `{"a":"FALSE"}`, "a", []Rule{Boolean}, ""},
		{"boolean 2", `{"a":2}`, "a", []Rule{Boolean}, "The a field must be true or false."},
		{"boolean yes", `{"a":"yes"}`, "a", []Rule{Boolean}, "The a field must be true or false."},
		{"boolean null", `{"a":null}`, "a", []Rule{Boolean}, "The a field must be true or false."},

		{"array list", `{"a":[1]}`, "a", []Rule{Array}, ""},
		{"array from numeric object", `{"a":{"0":1}}`, "a", []Rule{Array}, ""},
		{"array empty object", `{"a":{}}`, "a", []Rule{Array}, ""},
		{"array object", `{"a":{"x":1}}`, "a", []Rule{Array}, "The a must be an array."},
		{"array string", `{"a":"x"}`, "a", []Rule{Array}, "The a must be an array."},

		{"object", `{"customerDetails":{"x":1}}`, "customerDetails", []Rule{Object}, ""},
		{"object empty array", `{"customerDetails":[]}`, "customerDetails", []Rule{Object}, ""},
		{"object list", `{"customerDetails":[1]}`, "customerDetails", []Rule{Object}, "The customer details must be an object."},
		{"object string", `{"customerDetails":"x"}`, "customerDetails", []Rule{Object}, "The customer details must be an object."},
	})
}

func TestFormatRules(t *testing.T) {
	const emailMsg = "The customer details.email must be a valid email address."
	const urlMsg = "The callback url must be a valid URL."
	e := "customerDetails.email"
	runRuleCases(t, []ruleCase{
		{"email ok", `{"customerDetails":{"email":"ola.nordmann@example.no"}}`, e, []Rule{Email}, ""},
		{"email dot-free local", `{"customerDetails":{"email":"ola@example.no"}}`, e, []Rule{Email}, ""},
		{"email plus", `{"customerDetails":{"email":"ola+x@mail.example.no"}}`, e, []Rule{Email}, ""},
		{"email trimmed", `{"customerDetails":{"email":" ola@example.no "}}`, e, []Rule{Email}, ""},
		{"email no dot in domain", `{"customerDetails":{"email":"ola@localhost"}}`, e, []Rule{Email}, emailMsg},
		{"email no at", `{"customerDetails":{"email":"ola.example.no"}}`, e, []Rule{Email}, emailMsg},
		{"email display name", `{"customerDetails":{"email":"Ola <ola@example.no>"}}`, e, []Rule{Email}, emailMsg},
		{"email brackets", `{"customerDetails":{"email":"<ola@example.no>"}}`, e, []Rule{Email}, emailMsg},
		{"email trailing dot", `{"customerDetails":{"email":"ola@example."}}`, e, []Rule{Email}, emailMsg},
		{"email two ats", `{"customerDetails":{"email":"a@b@example.no"}}`, e, []Rule{Email}, emailMsg},
		{"email number", `{"customerDetails":{"email":5}}`, e, []Rule{Email}, emailMsg},

		{"url https", `{"callback_url":"https://shop.example.com/cb?x=1"}`, "callback_url", []Rule{URL}, ""},
		{"url http port", `{"callback_url":"http://localhost:8080/cb"}`, "callback_url", []Rule{URL}, ""},
		{"url ftp", `{"callback_url":"ftp://example.com/"}`, "callback_url", []Rule{URL}, urlMsg},
		{"url relative", `{"callback_url":"/cb"}`, "callback_url", []Rule{URL}, urlMsg},
		{"url no host", `{"callback_url":"https:///cb"}`, "callback_url", []Rule{URL}, urlMsg},
		{"url opaque", `{"callback_url":"https:example.com"}`, "callback_url", []Rule{URL}, urlMsg},
		{"url space", `{"callback_url":"https://example.com/a b"}`, "callback_url", []Rule{URL}, urlMsg},
		{"url garbage", `{"callback_url":"not a url"}`, "callback_url", []Rule{URL}, urlMsg},
		{"url number", `{"callback_url":1}`, "callback_url", []Rule{URL}, urlMsg},

		{"country", `{"c":"NO"}`, "c", []Rule{Country}, ""},
		{"country lower", `{"c":"no"}`, "c", []Rule{Country}, "The c must be a valid ISO 3166-1 alpha-2 country code."},
		{"country unassigned", `{"c":"XK"}`, "c", []Rule{Country}, "The c must be a valid ISO 3166-1 alpha-2 country code."},
		{"country alpha3", `{"c":"NOR"}`, "c", []Rule{Country}, "The c must be a valid ISO 3166-1 alpha-2 country code."},

		{"digits ok", `{"zip":"0150"}`, "zip", []Rule{Digits(4)}, ""},
		{"digits number", `{"zip":1234}`, "zip", []Rule{Digits(4)}, ""},
		{"digits short", `{"zip":"150"}`, "zip", []Rule{Digits(4)}, "The zip must be 4 digits."},
		{"digits letters", `{"zip":"01a0"}`, "zip", []Rule{Digits(4)}, "The zip must be 4 digits."},
		{"digits negative", `{"zip":-123}`, "zip", []Rule{Digits(4)}, "The zip must be 4 digits."},
		{"digits bool", `{"zip":true}`, "zip", []Rule{Digits(1)}, "The zip must be 1 digits."},

		{"digits only", `{"p":"12345678901"}`, "p", []Rule{DigitsOnly}, ""},
		{"digits only number", `{"p":42}`, "p", []Rule{DigitsOnly}, ""},
		{"digits only dash", `{"p":"123-45"}`, "p", []Rule{DigitsOnly}, "The p must only contain digits."},
		{"digits only decimal", `{"p":1.5}`, "p", []Rule{DigitsOnly}, "The p must only contain digits."},

		{"alnum", `{"ref":"ABC123xyz"}`, "ref", []Rule{AlphaNum}, ""},
		{"alnum number", `{"ref":123}`, "ref", []Rule{AlphaNum}, ""},
		{"alnum dash", `{"ref":"ABC-1"}`, "ref", []Rule{AlphaNum}, "The ref must only contain letters and numbers."},
		{"alnum non-ascii", `{"ref":"æøå"}`, "ref", []Rule{AlphaNum}, "The ref must only contain letters and numbers."},
		{"alnum bool", `{"ref":true}`, "ref", []Rule{AlphaNum}, "The ref must only contain letters and numbers."},
	})
}

func TestSizeRules(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"max ok runes", `{"name":"ØÆÅ"}`, "name", []Rule{Max(3)}, ""},
		{"max exceeded", `{"name":"abcd"}`, "name", []Rule{Max(3)}, "The name must not be greater than 3 characters."},
		{"max number text", `{"name":12345}`, "name", []Rule{Max(4)}, "The name must not be greater than 4 characters."},
		{"max array items", `{"name":[1,2,3]}`, "name", []Rule{Max(2)}, "The name must not have more than 2 items."},
		{"min ok", `{"name":"ab"}`, "name", []Rule{Min(2)}, ""},
		{"min short", `{"name":"a"}`, "name", []Rule{Min(2)}, "The name must be at least 2 characters."},
		{"min array items", `{"name":[1]}`, "name", []Rule{Min(2)}, "The name must have at least 2 items."},
	})
}

func TestNumericRules(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"min number equal", `{"amount":"0.01"}`, "amount", []Rule{MinNumber("0.01")}, ""},
		{"min number above", `{"amount":51.00}`, "amount", []Rule{MinNumber("0")}, ""},
		{"min number below", `{"amount":-1}`, "amount", []Rule{MinNumber("0")}, "The amount must be at least 0."},
		{"min number exact not float", `{"amount":0.30000000000000001}`, "amount", []Rule{MinNumber("0.3")}, ""},
		{"min number exact below", `{"amount":0.29999999999999999}`, "amount", []Rule{MinNumber("0.3")}, "The amount must be at least 0.3."},
		{"max number equal", `{"amount":"1000000000"}`, "amount", []Rule{MaxNumber("1000000000")}, ""},
		{"max number above", `{"amount":1000000000.01}`, "amount", []Rule{MaxNumber("1000000000")}, "The amount must not be greater than 1000000000."},
		{"max number not numeric", `{"amount":"x"}`, "amount", []Rule{MaxNumber("5")}, "The amount must not be greater than 5."},
		{"min number non numeric", `{"amount":"abc"}`, "amount", []Rule{MinNumber("0")}, "The amount must be at least 0."},
		{"min number huge exponent", `{"amount":1e999999999}`, "amount", []Rule{MinNumber("0")}, "The amount must be at least 0."},

		{"gt ok", `{"amount":0.01}`, "amount", []Rule{GreaterThan("0")}, ""},
		{"gt equal", `{"amount":"0.00"}`, "amount", []Rule{GreaterThan("0")}, "The amount must be greater than 0."},
		{"gt exponent", `{"amount":1e-2}`, "amount", []Rule{GreaterThan("0")}, ""},
		{"gt bool", `{"amount":true}`, "amount", []Rule{GreaterThan("0")}, "The amount must be greater than 0."},

		{"decimals ok", `{"amount":4017.86}`, "amount", []Rule{Decimals(2)}, ""},
		{"decimals integer", `{"amount":4017}`, "amount", []Rule{Decimals(2)}, ""},
		{"decimals trailing zeros", `{"amount":"4017.8600"}`, "amount", []Rule{Decimals(2)}, ""},
		{"decimals too many", `{"amount":4017.861}`, "amount", []Rule{Decimals(2)}, "The amount must have 0-2 decimal places."},
		{"decimals exponent", `{"amount":1.5e-3}`, "amount", []Rule{Decimals(2)}, "The amount must have 0-2 decimal places."},
		{"decimals zero places", `{"amount":"1.0"}`, "amount", []Rule{Decimals(0)}, ""},
		{"decimals many trailing zeros", `{"amount":"1.` + strings.Repeat("0", 2000) + `"}`, "amount", []Rule{Decimals(2)}, ""},
		{"decimals non numeric", `{"amount":"x"}`, "amount", []Rule{Decimals(2)}, "The amount must have 0-2 decimal places."},
	})
}

func TestIn(t *testing.T) {
	const msg = "The products.0.tax must be one of 0, 12, 15, 25."
	in := In("0", "12", "15", "25")
	p := "products.0.tax"
	runRuleCases(t, []ruleCase{
		{"number", `{"products":[{"tax":12}]}`, p, []Rule{in}, ""},
		{"number with fraction", `{"products":[{"tax":12.0}]}`, p, []Rule{in}, ""},
		{"string with fraction", `{"products":[{"tax":"25.00"}]}`, p, []Rule{in}, ""},
		{"string", `{"products":[{"tax":"15"}]}`, p, []Rule{in}, ""},
		{"not in", `{"products":[{"tax":13}]}`, p, []Rule{in}, msg},
		{"text", `{"products":[{"tax":"abc"}]}`, p, []Rule{in}, msg},
		{"array", `{"products":[{"tax":[12]}]}`, p, []Rule{in}, msg},
		{"null", `{"products":[{"tax":null}]}`, p, []Rule{in}, msg},
		{"case sensitive", `{"via":"Invoice"}`, "via", []Rule{In("invoice", "card")}, "The via must be one of invoice, card."},
		{"string value", `{"via":"card"}`, "via", []Rule{In("invoice", "card")}, ""},
		{"bool as 1", `{"x":true}`, "x", []Rule{In("1")}, ""},
	})
}

func TestDateRules(t *testing.T) {
	oslo := mustOslo(t)
	today := time.Date(2023, 12, 5, 0, 0, 0, 0, oslo)
	after := AfterOrEqual(oslo, today, "today")
	const afterMsg = "The due date for payment link must be a date after or equal to today."
	p := "dueDateForPaymentLink"
	runRuleCases(t, []ruleCase{
		{"date unix", `{"dueDateForPaymentLink":1703040812}`, p, []Rule{Date(oslo)}, ""},
		{"date dmy", `{"dueDateForPaymentLink":"5 Dec, 2023"}`, p, []Rule{Date(oslo)}, ""},
		{"date bad", `{"dueDateForPaymentLink":"tomorrow"}`, p, []Rule{Date(oslo)}, "The due date for payment link is not a valid date."},
		{"date bool", `{"dueDateForPaymentLink":true}`, p, []Rule{Date(oslo)}, "The due date for payment link is not a valid date."},
		{"after same day", `{"dueDateForPaymentLink":"05 Dec, 2023"}`, p, []Rule{after}, ""},
		{"after later", `{"dueDateForPaymentLink":"1703040812"}`, p, []Rule{after}, ""},
		{"after earlier", `{"dueDateForPaymentLink":"4 Dec, 2023"}`, p, []Rule{after}, afterMsg},
		{"after one second before", fmt.Sprintf(`{"dueDateForPaymentLink":%d}`, today.Unix()-1), p, []Rule{after}, afterMsg},
		{"after exact", fmt.Sprintf(`{"dueDateForPaymentLink":%d}`, today.Unix()), p, []Rule{after}, ""},
		{"after unparseable", `{"dueDateForPaymentLink":"x"}`, p, []Rule{after}, afterMsg},
		{"date then after", `{"dueDateForPaymentLink":"x"}`, p, []Rule{Date(oslo), after}, "The due date for payment link is not a valid date."},
	})
}

func TestFunc(t *testing.T) {
	even := Func(func(v any, _ Tree) bool {
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		i, err := n.Int64()
		return err == nil && i%2 == 0
	}, "The %s must be even (100%).")
	sees := Func(func(v any, tr Tree) bool {
		return v == "x" && tr.String("other") == "y"
	}, "Bad value.")
	runRuleCases(t, []ruleCase{
		{"pass", `{"orderAmount":4}`, "orderAmount", []Rule{even}, ""},
		{"fail", `{"orderAmount":3}`, "orderAmount", []Rule{even}, "The order amount must be even (100%)."},
		{"absent skipped", `{}`, "orderAmount", []Rule{even}, ""},
		{"null without nullable runs", `{"orderAmount":null}`, "orderAmount", []Rule{even}, "The order amount must be even (100%)."},
		{"trimmed value and tree", `{"v":" x ","other":"y"}`, "v", []Rule{sees}, ""},
		{"no placeholder", `{"v":"z","other":"y"}`, "v", []Rule{sees}, "Bad value."},
	})
}

func TestPresentAccepted(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"present null", `{"a":null}`, "a", []Rule{Present}, ""},
		{"present absent", `{}`, "a", []Rule{Present}, "The a field must be present."},
		{"present then nullable", `{"a":null}`, "a", []Rule{Present, Nullable, String}, ""},
		{"accepted true", `{"terms":true}`, "terms", []Rule{Accepted}, ""},
		{"accepted yes", `{"terms":"yes"}`, "terms", []Rule{Accepted}, ""},
		{"accepted 1", `{"terms":1}`, "terms", []Rule{Accepted}, ""},
		{"accepted false", `{"terms":false}`, "terms", []Rule{Accepted}, "The terms must be accepted."},
		{"accepted absent", `{}`, "terms", []Rule{Accepted}, "The terms must be accepted."},
	})
}

func TestRequiredIf(t *testing.T) {
	const pn = "customerDetails.personalNumber"
	const msg = "The customer details.personal number field is required when submit payment.via is invoice."
	rule := RequiredIf("submitPayment.via", "invoice", "installment")
	runRuleCases(t, []ruleCase{
		{"condition met, absent", `{"submitPayment":{"via":"invoice"}}`, pn, []Rule{rule}, msg},
		{"condition met, blank", `{"submitPayment":{"via":"invoice"},"customerDetails":{"personalNumber":" "}}`, pn, []Rule{rule}, msg},
		{"condition met, filled", `{"submitPayment":{"via":"invoice"},"customerDetails":{"personalNumber":"12345678901"}}`, pn, []Rule{rule, Digits(11)}, ""},
		{"message shows actual value", `{"submitPayment":{"via":"installment"}}`, pn, []Rule{rule},
			"The customer details.personal number field is required when submit payment.via is installment."},
		{"other value trimmed", `{"submitPayment":{"via":" invoice "}}`, pn, []Rule{rule}, msg},
		{"case sensitive", `{"submitPayment":{"via":"Invoice"}}`, pn, []Rule{rule}, ""},
		{"condition not met", `{"submitPayment":{"via":"card"}}`, pn, []Rule{rule}, ""},
		{"other absent", `{}`, pn, []Rule{rule}, ""},
		{"not met, rest still runs", `{"submitPayment":{"via":"card"},"customerDetails":{"personalNumber":"12"}}`, pn, []Rule{rule, Digits(11)},
			"The customer details.personal number must be 11 digits."},
		{"bool other true matches 1", `{"flag":true}`, "x", []Rule{RequiredIf("flag", "1")}, "The x field is required when flag is true."},
		{"bool other true matches true", `{"flag":true}`, "x", []Rule{RequiredIf("flag", "true")}, "The x field is required when flag is true."},
		{"bool other false matches 0", `{"flag":false}`, "x", []Rule{RequiredIf("flag", "0")}, "The x field is required when flag is false."},
		{"bool other false vs 1", `{"flag":false}`, "x", []Rule{RequiredIf("flag", "1", "true")}, ""},
		{"number other", `{"n":12.0}`, "x", []Rule{RequiredIf("n", "12")}, "The x field is required when n is 12.0."},
		{"null other matches null", `{"n":null}`, "x", []Rule{RequiredIf("n", "null")}, "The x field is required when n is empty."},
		{"array other never matches", `{"n":["a"]}`, "x", []Rule{RequiredIf("n", "a")}, ""},
	})
}

func TestRequiredWithWithoutWhen(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{"with: other filled", `{"address":{"street":"Gate 1"}}`, "address.zip", []Rule{RequiredWith("address.street", "address.city")},
			"The address.zip field is required when address.street / address.city is present."},
		{"with: others blank", `{"address":{"street":" ","city":null}}`, "address.zip", []Rule{RequiredWith("address.street", "address.city")}, ""},
		{"with: field filled", `{"address":{"street":"Gate 1","zip":"0150"}}`, "address.zip", []Rule{RequiredWith("address.street")}, ""},
		{"without: other missing", `{"email":"a@b.no"}`, "mobilePhoneNumber", []Rule{RequiredWithout("email", "countryCode")},
			"The mobile phone number field is required when email / country code is not present."},
		{"without: all present", `{"email":"a@b.no","countryCode":"NO"}`, "mobilePhoneNumber", []Rule{RequiredWithout("email", "countryCode")}, ""},
		{"without: field filled", `{}`, "mobilePhoneNumber", []Rule{RequiredWithout("email")}, "The mobile phone number field is required when email is not present."},
		{"when true", `{"submitPayment":{"via":"invoice"}}`, "customerDetails.personalNumber", []Rule{RequiredWhen(func(t Tree) bool {
			return t.String("submitPayment.via") == "invoice"
		}, "submit payment.via is invoice")}, "The customer details.personal number field is required when submit payment.via is invoice."},
		{"when false", `{"submitPayment":{"via":"card"}}`, "customerDetails.personalNumber", []Rule{RequiredWhen(func(t Tree) bool {
			return t.String("submitPayment.via") == "invoice"
		}, "submit payment.via is invoice")}, ""},
	})
}

func TestRuleParameterPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"MinNumber":   func() { MinNumber("abc") },
		"GreaterThan": func() { GreaterThan("1/2") },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("expected panic for a non-numeric parameter")
				}
			}()
			f()
		})
	}
}

func mustOslo(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Fatalf("load Europe/Oslo: %v", err)
	}
	return loc
}
