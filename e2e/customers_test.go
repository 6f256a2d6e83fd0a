package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestCustomers covers customer details, both update endpoints and reuse of a customer by uuid.
func TestCustomers(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	tok := s.Token
	_, cust := s.create(t, tok, "orders/payment-link/create", paymentLink())
	if !reCustomer.MatchString(cust) {
		t.Fatalf("customerUuid %q", cust)
	}
	details := func(uuid string) *Resp {
		t.Helper()
		r := s.Do(t, "GET", api("customers/details/"+uuid), tok, nil)
		expectOK(t, r, 200, "customerDetailsRetrievedSuccessfully", true)
		return r
	}

	d := details(cust)
	for path, want := range map[string]string{
		"data.uuid": cust, "data.type": "Private", "data.name": "Kari Nordmann", "data.countryCode": "+47", "data.msisdn": "46567468",
		"data.email": "test@yopmail.com", "data.preferredLanguage": "en", "data.status": "Active", "data.personalNumber": "12*******01",
		"data.addresses.billing.street": "Luramyrveien 65", "data.addresses.billing.zip": "4313", "data.addresses.billing.city": "Sandnes",
		"data.addresses.billing.country": "NO",
	} {
		if got := d.Str(path); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	if d.Get("data.organizationId") != nil {
		t.Errorf("organizationId of a private customer = %v", d.Get("data.organizationId"))
	}
	billingUUID := d.Str("data.addresses.billing.uuid")
	if !reAddress.MatchString(billingUUID) {
		t.Fatalf("billing uuid %q", billingUUID)
	}
	if v, ok := d.Get("data.addresses").(map[string]any)["shipping"]; !ok || v != nil {
		t.Errorf("shipping = %v, want null before an update", v)
	}
	if strings.Contains(string(d.Raw), pnrKari) {
		t.Fatal("customer details show the full personal number")
	}
	expect404(t, s.Do(t, "GET", api("customers/details/CSRT0000000000"), tok, nil), "customerNotFound")

	// Update the private customer (shipping added).
	upd := customerUpdate("Kari Updated")
	set(upd, "addresses.shipping", map[string]any{"street": "Sjøhusbakken 42", "zip": "4313", "city": "Stavanger", "country": "NO"})
	r := s.Do(t, "PUT", api("customers/update/private/"+cust), tok, upd)
	expectOK(t, r, 202, "customerUpdatedSuccessfully", false)
	if r.Get("data") != nil {
		t.Fatalf("data = %v", r.Get("data"))
	}
	d = details(cust)
	for path, want := range map[string]string{
		"data.name": "Kari Updated", "data.email": "test@gmail.com", "data.personalNumber": "01*******45", "data.type": "Private",
		"data.addresses.billing.uuid": billingUUID, "data.addresses.billing.city": "Sandnes",
		"data.addresses.shipping.street": "Sjøhusbakken 42", "data.addresses.shipping.city": "Stavanger",
	} {
		if got := d.Str(path); got != want {
			t.Errorf("after update %s = %q, want %q", path, got, want)
		}
	}
	shipUUID := d.Str("data.addresses.shipping.uuid")
	if !reAddress.MatchString(shipUUID) || shipUUID == billingUUID {
		t.Fatalf("shipping uuid %q (billing %q)", shipUUID, billingUUID)
	}
	// A second update keeps the address uuids.
	set(upd, "addresses.shipping.city", "Bergen")
	expectOK(t, s.Do(t, "PUT", api("customers/update/private/"+cust), tok, upd), 202, "customerUpdatedSuccessfully", false)
	d = details(cust)
	if d.Str("data.addresses.shipping.uuid") != shipUUID || d.Str("data.addresses.shipping.city") != "Bergen" {
		t.Fatalf("second update: %s", mustJSON(d.Get("data.addresses")))
	}

	// Validation of the private update.
	for _, c := range []struct {
		body map[string]any
		want []string
	}{
		{del(customerUpdate("x"), "name"), []string{"The name field is required."}},
		{set(customerUpdate("x"), "email", "nope"), []string{"The email must be a valid email address."}},
		{set(customerUpdate("x"), "personalNumber", "925710482"), []string{"The personal number must be 11 digits."}},
		{del(customerUpdate("x"), "preferredLanguage"), []string{"The preferred language field is required."}},
		{set(customerUpdate("x"), "preferredLanguage", "fr"), []string{"The preferred language must be one of en, no, sv, da, de."}},
		{del(customerUpdate("x"), "addresses"), []string{"The addresses field is required.", "The addresses.billing field is required.",
			"The addresses.billing.street field is required.", "The addresses.billing.zip field is required.",
			"The addresses.billing.city field is required.", "The addresses.billing.country field is required."}},
		{set(customerUpdate("x"), "addresses.billing.country", "Norway"),
			[]string{"The addresses.billing.country must be a valid ISO 3166-1 alpha-2 country code."}},
		{set(customerUpdate("x"), "addresses.shipping.country", "ZZ"),
			[]string{"The addresses.shipping.country must be a valid ISO 3166-1 alpha-2 country code."}},
		{set(customerUpdate("x"), "msisdn", "+4746567468"), []string{"The msisdn must only contain digits."}},
	} {
		r := s.Do(t, "PUT", api("customers/update/private/"+cust), tok, c.body)
		expect417Exact(t, r, c.want...)
	}
	if d2 := details(cust); string(mustJSON(d2.Get("data"))) != string(mustJSON(d.Get("data"))) {
		t.Fatalf("a refused update changed the customer:\n%s\n%s", mustJSON(d.Get("data")), mustJSON(d2.Get("data")))
	}

	// Corporate customer: created by an invoice order, updated with the seed (organizationId a
	// number, additionalContact keyed "0").
	_, corp := s.create(t, tok, "orders/invoice/create", corporateInvoice())
	cd := details(corp)
	if cd.Str("data.type") != "Corporate" || cd.Str("data.organizationId") != "123456789" || cd.Get("data.personalNumber") != nil {
		t.Fatalf("corporate details: %s", mustJSON(cd.Get("data")))
	}
	corpBody := payload(`{
	  "name": "Kari Nordmann",
	  "organizationId": 192933933,
	  "preferredLanguage": "en",
	  "msisdn": "46567468",
	  "email": "test@yopmail.com",
	  "countryCode": "+47",
	  "addresses": {
	    "billing": {"street": "Luramyrveien 65", "zip": "4313", "city": "Sandnes", "country": "NO"},
	    "shipping": {"street": "Luramyrveien 65", "zip": "4313", "city": "Oslo", "country": "NO"}
	  },
	  "additionalContact": {
	    "0": {"name": "Tomas Simonen", "email": "test@mail.com", "designation": "CEO", "countryCode": "+88", "msisdn": "0175272184121", "note": "Note goes here"}
	  }
	}`)
	expectOK(t, s.Do(t, "PUT", api("customers/update/corporate/"+corp), tok, corpBody), 202, "customerUpdatedSuccessfully", false)
	cd = details(corp)
	for path, want := range map[string]string{
		"data.type": "Corporate", "data.organizationId": "192933933", "data.addresses.shipping.city": "Oslo",
		"data.additionalContact.0.name": "Tomas Simonen", "data.additionalContact.0.designation": "CEO",
		"data.additionalContact.0.msisdn": "0175272184121", "data.additionalContact.0.email": "test@mail.com",
	} {
		if got := cd.Str(path); got != want {
			t.Errorf("corporate after update %s = %q, want %q", path, got, want)
		}
	}
	for _, c := range []struct {
		body map[string]any
		want string
	}{
		{set(payloadCopy(corpBody), "organizationId", "19293393A"), "The organization id must only contain digits."},
		{set(payloadCopy(corpBody), "additionalContact.0.email", "bad"), "The additional contact.0.email must be a valid email address."},
		{set(payloadCopy(corpBody), "additionalContact.0.msisdn", "01-75"), "The additional contact.0.msisdn must only contain digits."},
		{set(payloadCopy(corpBody), "additionalContact", "Tomas"), "The additional contact must be an array."},
		{del(payloadCopy(corpBody), "countryCode"), "The country code field is required."},
	} {
		expect417Exact(t, s.Do(t, "PUT", api("customers/update/corporate/"+corp), tok, c.body), c.want)
	}

	// The type of the path must match the customer's.
	expectConflict(t, s.Do(t, "PUT", api("customers/update/corporate/"+cust), tok, corpBody), "customerTypeMismatch")
	expectConflict(t, s.Do(t, "PUT", api("customers/update/private/"+corp), tok, customerUpdate("x")), "customerTypeMismatch")
	expect404(t, s.Do(t, "PUT", api("customers/update/private/CSRT0000000000"), tok, customerUpdate("x")), "customerNotFound")
	if details(cust).Str("data.name") != "Kari Updated" || details(corp).Str("data.type") != "Corporate" {
		t.Fatal("a mismatched update changed a customer")
	}

	// Orders naming the customer reuse it.
	for _, c := range []struct {
		path string
		body map[string]any
		ref  string
	}{
		{"orders/payment-link/create", paymentLink(), "customerUuid"},
		{"orders/invoice/create", invoice(), "uuid"},
		{"orders/regular/submit", regular(), "customerUuid"},
		{"hosted/orders/payment-link/create", hosted(), "customerUuid"},
	} {
		set(c.body, "customerDetails", map[string]any{c.ref: cust})
		uuid, got := s.create(t, tok, c.path, c.body)
		if got != cust {
			t.Fatalf("%s with customerDetails.%s = %s answered customerUuid %s", c.path, c.ref, cust, got)
		}
		od := s.details(t, tok, uuid)
		if od.Str("data.customerDetails.uuid") != cust || od.Str("data.customerDetails.name") != "Kari Updated" {
			t.Fatalf("%s: order's customer %s", c.path, mustJSON(od.Get("data.customerDetails")))
		}
	}
	p := paymentLink()
	set(p, "customerDetails", map[string]any{"customerUuid": "CSRT0000000000"})
	expect404(t, s.Do(t, "POST", api("orders/payment-link/create"), tok, p), "customerNotFound")

	// Without preferredLanguage a customer gets the default, "no".
	p = paymentLink()
	del(p, "customerDetails.preferredLanguage")
	_, nc := s.create(t, tok, "orders/payment-link/create", p)
	if lang := details(nc).Str("data.preferredLanguage"); lang != "no" {
		t.Fatalf("default preferredLanguage %q, want no", lang)
	}
	// Without a personal number the field is null.
	p = paymentLink()
	del(p, "customerDetails.personalNumber")
	_, nc = s.create(t, tok, "orders/payment-link/create", p)
	if v := details(nc).Get("data.personalNumber"); v != nil {
		t.Fatalf("personalNumber %v, want null", v)
	}
}

func payloadCopy(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	return payload(string(b))
}
