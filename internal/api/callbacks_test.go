package api

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fpgo/fpgo/internal/app"
	"github.com/fpgo/fpgo/internal/domain"
)

func (h *harness) createCancelled(t *testing.T, callbackURL string) string {
	t.Helper()
	body := fmt.Sprintf(`{
	  "products": [{"name": "Hair Wash", "quantity": "1", "rate": 51, "discount": 0, "tax": "0", "amount": 51}],
	  "orderSummary": {"subTotal": "51.00", "totalTax": "0.00", "totalDiscount": "0.00", "grandTotal": "51.00"},
	  "orderDate": "%d",
	  "customerDetails": {"type": "private", "countryCode": "+47", "msisdn": "46567468", "email": "kari@example.no",
	    "name": "Kari Nordmann", "address": {"street": "Luramyrveien 65", "zip": "4313", "city": "Sandnes", "country": "NO"}},
	  "invoiceAsPaymentOption": false,
	  "callback": {"callbackUrl": %q}}`, time.Now().Unix(), callbackURL)
	rec, env := h.do("POST", "/api/v1/connect/orders/payment-link/create", body)
	if rec.Code != 201 {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	data, _ := env["data"].(map[string]any)
	uuid, _ := data["uuid"].(string)
	if uuid == "" {
		uuid, _ = data["orderUuid"].(string)
	}
	if rec, _ := h.do("POST", "/api/v1/connect/orders/cancel/"+uuid, `{"cancellationNote":"x"}`); rec.Code/100 != 2 {
		t.Fatalf("cancel: %d %s", rec.Code, rec.Body.String())
	}
	return uuid
}

func TestCallbackLogAndReplay(t *testing.T) {
	h := newHarness(t, 1000)
	uuid := h.createCancelled(t, "https://shop.example/cb?ref=1")

	rec, env := h.do("GET", "/api/v1/connect/callbacks?orderUuid="+uuid, "")
	if rec.Code != 200 || env["message"] != "callbacksRetrievedSuccessfully" {
		t.Fatalf("log: %d %s", rec.Code, rec.Body.String())
	}
	list, _ := env["data"].([]any)
	if len(list) != 1 {
		t.Fatalf("log: %s", rec.Body.String())
	}
	cb := list[0].(map[string]any)
	for k, want := range map[string]any{
		"kind": "order", "orderUuid": uuid, "status": "CANCELLED", "amount": "51", "url": "https://shop.example/cb?ref=1",
		"state": "pending", "attemptCount": float64(0), "lastStatusCode": nil, "lastError": nil, "deliveredAt": nil, "replays": float64(0),
	} {
		if cb[k] != want {
			t.Errorf("%s = %#v, want %#v", k, cb[k], want)
		}
	}
	if atts, ok := cb["attempts"].([]any); !ok || len(atts) != 0 {
		t.Errorf("attempts = %#v, want []", cb["attempts"])
	}
	for _, k := range []string{"id", "createdAt", "eventAt", "nextAttemptAt"} {
		if cb[k] == nil {
			t.Errorf("%s missing", k)
		}
	}
	id := int64(cb["id"].(float64))

	// Replay of a pending callback brings it forward; the answer is the callback.
	rec, env = h.do("POST", fmt.Sprintf("/api/v1/connect/callbacks/%d/replay", id), "")
	if rec.Code != 200 || env["message"] != "callbackQueuedForReplay" {
		t.Fatalf("replay: %d %s", rec.Code, rec.Body.String())
	}
	if d := env["data"].(map[string]any); d["id"] != float64(id) || d["state"] != "pending" {
		t.Fatalf("replay answered %v", d)
	}

	// Unknown, malformed and other merchants' ids are 404 callbackNotFound, FPGO's 404 shape.
	other, err := h.srv.app.CreateMerchant(context.Background(), app.NewMerchant{Name: "Other", Settings: domain.DefaultMerchantSettings()})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, token string }{
		{"/api/v1/connect/callbacks/999999/replay", h.token},
		{"/api/v1/connect/callbacks/abc/replay", h.token},
		{"/api/v1/connect/callbacks/-1/replay", h.token},
		{fmt.Sprintf("/api/v1/connect/callbacks/%d/replay", id), other.Token},
	} {
		rec, _ := h.do("POST", c.path, "", "Authorization", "Bearer "+c.token)
		want := `{"status_code":404,"status_message":"Not Found","message":"callbackNotFound","is_data":false,"data":null}`
		if rec.Code != 404 || rec.Body.String() != want {
			t.Errorf("%s: %d %s", c.path, rec.Code, rec.Body.String())
		}
	}
	// Another merchant sees none of this order's callbacks.
	rec, env = h.do("GET", "/api/v1/connect/callbacks?orderUuid="+uuid, "", "Authorization", "Bearer "+other.Token)
	if rec.Code != 200 || len(env["data"].([]any)) != 0 {
		t.Fatalf("other merchant's log: %s", rec.Body.String())
	}
	// An order with no callbacks: an empty list, not null.
	rec, _ = h.do("GET", "/api/v1/connect/callbacks?orderUuid=ODR0000000000", "")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"data":[]`) {
		t.Fatalf("empty log: %s", rec.Body.String())
	}
	rec, env = h.do("GET", "/api/v1/connect/callbacks", "")
	if rec.Code != 417 || fmt.Sprint(env["errors"]) != "[The order uuid field is required.]" {
		t.Fatalf("missing orderUuid: %d %s", rec.Code, rec.Body.String())
	}
}

// In production, order creation refuses callback URLs that may never be called.
func TestProductionCallbackURLIsChecked(t *testing.T) {
	h := newHarness(t, 1000)
	h.srv.app.Sandbox = false
	for url, want := range map[string]string{
		"http://shop.example/cb":    "The callback.callback url must be a valid https URL.",
		"https://127.0.0.1:9000/cb": "The callback.callback url must point to a public host.",
	} {
		body := fmt.Sprintf(`{
		  "products": [{"name": "A", "quantity": "1", "rate": 51, "discount": 0, "tax": "0", "amount": 51}],
		  "orderSummary": {"subTotal": "51.00", "totalTax": "0.00", "totalDiscount": "0.00", "grandTotal": "51.00"},
		  "orderDate": "%d",
		  "customerDetails": {"type": "private", "countryCode": "+47", "msisdn": "46567468", "email": "kari@example.no",
		    "name": "Kari Nordmann", "address": {"street": "Luramyrveien 65", "zip": "4313", "city": "Sandnes", "country": "NO"}},
		  "invoiceAsPaymentOption": false,
		  "callback": {"callbackUrl": %q}}`, time.Now().Unix(), url)
		rec, env := h.do("POST", "/api/v1/connect/orders/payment-link/create", body)
		if rec.Code != 417 || fmt.Sprint(env["errors"]) != "["+want+"]" {
			t.Errorf("%s: %d %s", url, rec.Code, rec.Body.String())
		}
	}
}
