package api

import (
	"strconv"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/validate"
)

// benchOrderBody is what internal/bench's OrderBody sends for the create workload (with the
// callback receiver's URL). It is copied rather than imported because internal/bench imports
// this package, and an in-package test cannot import it back.
func benchOrderBody(now time.Time) []byte {
	return []byte(`{"products":[{"name":"Hair Wash","productId":"HW-1","quantity":"1","rate":51,"discount":0,"tax":"0","amount":51}],` +
		`"orderSummary":{"subTotal":"51.00","totalTax":"0.00","totalDiscount":"0.00","grandTotal":"51.00"},` +
		`"orderDate":"` + strconv.FormatInt(now.Unix(), 10) + `","customerDetails":{"type":"private","countryCode":"+47","msisdn":"46567468","email":"kari@example.no",` +
		`"name":"Kari Nordmann","preferredLanguage":"en","address":{"street":"Luramyrveien 65","zip":"4313","city":"Sandnes","country":"NO"}},` +
		`"invoiceAsPaymentOption":true,"referenceNo":"bench","callback":{"callbackUrl":"http://127.0.0.1:40123/callback?source=fpgo-bench"}}`)
}

// benchBadOrderBody fails several rules, so that the cost of producing messages shows too.
const benchBadOrderBody = `{"products":[{"name":"","quantity":"0","rate":"x","tax":"7","amount":-1}],` +
	`"orderSummary":{"subTotal":"51.001","totalTax":"0.00","grandTotal":"0"},"orderDate":"yesterday",` +
	`"customerDetails":{"type":"other","email":"nope","address":{"country":"XX"}},"callback":{"callbackUrl":"ftp://x"}}`

func validateOrder(b *testing.B, spec orderSpec, m *domain.Merchant, now time.Time, body []byte) []string {
	t, err := validate.Decode(body)
	if err != nil {
		b.Fatal(err)
	}
	v := validate.New(t)
	spec.rules(v, ruleCtx{m: m, now: now, t: t})
	return v.Errors()
}

func BenchmarkCreatePaymentLinkValidation(b *testing.B) {
	now := time.Now()
	m := &domain.Merchant{ID: "ORG1", Settings: domain.DefaultMerchantSettings()}
	body := benchOrderBody(now)
	if errs := validateOrder(b, paymentLinkSpec, m, now, body); errs != nil {
		b.Fatalf("bench payload rejected: %q", errs)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		validateOrder(b, paymentLinkSpec, m, now, body)
	}
}

func BenchmarkCreatePaymentLinkValidationInvalid(b *testing.B) {
	now := time.Now()
	m := &domain.Merchant{ID: "ORG1", Settings: domain.DefaultMerchantSettings()}
	body := []byte(benchBadOrderBody)
	if errs := validateOrder(b, paymentLinkSpec, m, now, body); len(errs) < 5 {
		b.Fatalf("bad payload gave too few messages: %q", errs)
	}
	b.ReportAllocs()
	for b.Loop() {
		validateOrder(b, paymentLinkSpec, m, now, body)
	}
}

// BenchmarkCreatePaymentLinkInput adds what the handler does after validation: turning the
// tree into app.OrderInput.
func BenchmarkCreatePaymentLinkInput(b *testing.B) {
	now := time.Now()
	m := &domain.Merchant{ID: "ORG1", Settings: domain.DefaultMerchantSettings()}
	body := benchOrderBody(now)
	b.ReportAllocs()
	for b.Loop() {
		t, err := validate.Decode(body)
		if err != nil {
			b.Fatal(err)
		}
		v := validate.New(t)
		paymentLinkSpec.rules(v, ruleCtx{m: m, now: now, t: t})
		if !v.Valid() {
			b.Fatal(v.Errors())
		}
		if _, err := orderInput(t, paymentLinkSpec); err != nil {
			b.Fatal(err)
		}
	}
}
