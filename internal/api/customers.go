package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/fpgo/fpgo/internal/app"
	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/validate"
)

func (s *Server) customerDetails(w http.ResponseWriter, r *http.Request) {
	c, err := s.app.Customer(r.Context(), merchantOf(r).ID, chi.URLParam(r, "uuid"))
	if err != nil {
		fail(w, r, err)
		return
	}
	var shipping any
	if c.Shipping != nil {
		shipping = c.Shipping
	}
	var billing any
	if !c.Billing.IsZero() {
		billing = c.Billing
	}
	data := map[string]any{
		"uuid":              c.UUID,
		"type":              titleCase(string(c.Type)),
		"name":              c.Name,
		"countryCode":       nilIfEmpty(c.CountryCode),
		"msisdn":            nilIfEmpty(c.MSISDN),
		"organizationId":    nilIfEmpty(c.OrganizationID),
		"personalNumber":    nilIfEmpty(domain.MaskPersonalNumber(c.PersonalNumber)),
		"email":             nilIfEmpty(c.Email),
		"preferredLanguage": nilIfEmpty(c.PreferredLanguage),
		"status":            c.Status,
		"addresses":         map[string]any{"billing": billing, "shipping": shipping},
	}
	if len(c.Contacts) > 0 {
		data["additionalContact"] = c.Contacts
	}
	ok(w, 200, "customerDetailsRetrievedSuccessfully", true, data)
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (s *Server) updateCustomer(typ domain.CustomerType) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t, err := decode(r)
		if err != nil {
			fail(w, r, err)
			return
		}
		v := validate.New(t)
		v.Field("name", validate.Required, validate.String, validate.Max(255))
		v.Field("email", validate.Required, validate.Email, validate.Max(255))
		v.Field("countryCode", validate.Required, validate.String, validate.Max(8))
		v.Field("msisdn", validate.Required, validate.DigitsOnly, validate.Max(20))
		v.Field("preferredLanguage", validate.Required, validate.In(langs...))
		if typ == domain.Private {
			v.Field("personalNumber", validate.Nullable, validate.Digits(11))
		} else {
			v.Field("organizationId", validate.Nullable, validate.DigitsOnly, validate.Max(20))
			v.Field("additionalContact", validate.Nullable, validate.Array)
			for _, f := range []string{"name", "designation", "countryCode", "note"} {
				v.Field("additionalContact.*."+f, validate.Nullable, validate.String, validate.Max(255))
			}
			v.Field("additionalContact.*.msisdn", validate.Nullable, validate.DigitsOnly, validate.Max(20))
			v.Field("additionalContact.*.email", validate.Nullable, validate.Email, validate.Max(255))
		}
		v.Field("addresses", validate.Required, validate.Object)
		v.Field("addresses.billing", validate.Required, validate.Object)
		v.Field("addresses.billing.street", validate.Required, validate.String, validate.Max(255))
		v.Field("addresses.billing.zip", validate.Required, validate.Max(16))
		v.Field("addresses.billing.city", validate.Required, validate.String, validate.Max(255))
		v.Field("addresses.billing.country", validate.Required, validate.Country)
		v.Field("addresses.shipping", validate.Nullable, validate.Object)
		v.Field("addresses.shipping.street", validate.Nullable, validate.String, validate.Max(255))
		v.Field("addresses.shipping.zip", validate.Nullable, validate.Max(16))
		v.Field("addresses.shipping.city", validate.Nullable, validate.String, validate.Max(255))
		v.Field("addresses.shipping.country", validate.Nullable, validate.Country)
		if !v.Valid() {
			fail(w, r, apperr.Validation(v.Errors()...))
			return
		}
		in := app.CustomerUpdate{
			Type:              typ,
			Name:              t.String("name"),
			Email:             t.String("email"),
			CountryCode:       t.String("countryCode"),
			MSISDN:            t.String("msisdn"),
			PreferredLanguage: t.String("preferredLanguage"),
			Billing:           address(t, "addresses.billing."),
		}
		if typ == domain.Private && t.Has("personalNumber") {
			pn := t.String("personalNumber")
			in.PersonalNumber = &pn
		}
		if typ == domain.Corporate && t.Has("organizationId") {
			org := t.String("organizationId")
			in.OrganizationID = &org
		}
		if t.Filled("addresses.shipping") {
			ship := address(t, "addresses.shipping.")
			in.Shipping = &ship
		}
		if typ == domain.Corporate && t.Has("additionalContact") {
			in.Contacts = []domain.Contact{}
			for i := 0; i < t.Len("additionalContact"); i++ {
				sub := t.Sub("additionalContact." + strconv.Itoa(i))
				in.Contacts = append(in.Contacts, domain.Contact{
					Name: sub.String("name"), Email: sub.String("email"), Designation: sub.String("designation"),
					CountryCode: sub.String("countryCode"), MSISDN: sub.String("msisdn"), Note: sub.String("note"),
				})
			}
		}
		if _, err := s.app.UpdateCustomer(r.Context(), merchantOf(r).ID, chi.URLParam(r, "uuid"), in); err != nil {
			fail(w, r, err)
			return
		}
		ok(w, 202, "customerUpdatedSuccessfully", false, nil)
	}
}

func address(t validate.Tree, prefix string) domain.Address {
	return domain.Address{
		Street:  t.String(prefix + "street"),
		Zip:     t.String(prefix + "zip"),
		City:    t.String(prefix + "city"),
		Country: t.String(prefix + "country"),
	}
}
