package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/fpgo/fpgo/internal/app"
	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/money"
	"github.com/fpgo/fpgo/internal/validate"
)

// decode parses the request body as the lenient JSON FPGO clients send.
func decode(r *http.Request) (validate.Tree, error) {
	t, err := validate.Decode(bodyOf(r))
	if err != nil {
		return t, apperr.Validation("The request body must be valid JSON.")
	}
	return t, nil
}

func (s *Server) createOrder(spec orderSpec) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := merchantOf(r)
		t, err := decode(r)
		if err != nil {
			fail(w, r, err)
			return
		}
		v := validate.New(t)
		spec.rules(v, ruleCtx{m: m, now: s.app.Clock.Now(), t: t})
		if !v.Valid() {
			fail(w, r, apperr.Validation(v.Errors()...))
			return
		}
		in, err := orderInput(t, spec)
		if err != nil {
			fail(w, r, err)
			return
		}
		res, err := s.app.CreateOrder(r.Context(), m, in)
		if err != nil {
			fail(w, r, err)
			return
		}
		ok(w, spec.status, spec.message, spec.isData, spec.respond(res))
	}
}

// amounts parses validated numbers; a failure here is a bug in the rules, reported as 417 anyway.
type amounts struct {
	t    validate.Tree
	errs []string
}

func (a *amounts) money(path string) money.Amount {
	s, ok := a.t.Number(path)
	if !ok {
		return 0
	}
	v, err := money.Parse(s)
	if err != nil {
		a.errs = append(a.errs, fmt.Sprintf("The %s must be a valid amount.", validate.Attribute(path)))
	}
	return v
}

func (a *amounts) quantity(path string) money.Quantity {
	s, ok := a.t.Number(path)
	if !ok {
		return money.OneUnit
	}
	v, err := money.ParseQuantity(s)
	if err != nil {
		a.errs = append(a.errs, fmt.Sprintf("The %s must be a valid quantity.", validate.Attribute(path)))
	}
	return v
}

func (a *amounts) rate(path string) money.Rate {
	s, _ := a.t.Number(path)
	v, err := money.ParseRate(s)
	if err != nil {
		a.errs = append(a.errs, fmt.Sprintf("The %s must be a valid tax rate.", validate.Attribute(path)))
	}
	return v
}

func orderInput(t validate.Tree, spec orderSpec) (app.OrderInput, error) {
	a := &amounts{t: t}
	in := app.OrderInput{Type: spec.typ}
	for i := 0; i < t.Len("products"); i++ {
		p := fmt.Sprintf("products.%d.", i)
		in.Lines = append(in.Lines, domain.Line{
			Name:      t.String(p + "name"),
			ProductID: t.String(p + "productId"),
			Quantity:  a.quantity(p + "quantity"),
			Rate:      a.money(p + "rate"),
			Discount:  a.money(p + "discount"),
			Tax:       a.rate(p + "tax"),
			Amount:    a.money(p + "amount"),
		})
	}
	in.Summary = domain.Summary{
		SubTotal:      a.money("orderSummary.subTotal"),
		TotalTax:      a.money("orderSummary.totalTax"),
		TotalDiscount: a.money("orderSummary.totalDiscount"),
		ShippingCost:  a.money("orderSummary.shippingCost"),
		GrandTotal:    a.money("orderSummary.grandTotal"),
	}
	if len(a.errs) > 0 {
		return in, apperr.Validation(a.errs...)
	}
	in.OrderDate, _ = t.Time("orderDate", clock.Oslo)
	if t.Filled("dueDateForPaymentLink") {
		raw, _ := t.Get("dueDateForPaymentLink")
		if due, ok := dueDate(raw); ok {
			in.DueDate = &due
		}
	}
	in.Customer = customerInput(t, spec)
	in.References = domain.References{
		ReferenceNo:       first(t, "referenceNo", "invoiceReferences.referenceNo", "referencesNo"),
		CustomerReference: t.String("customerReference"),
		ReceiptNo:         t.String("invoiceReferences.receiptNo"),
		CustomerNotes:     first(t, "customerNotes", "invoiceReferences.customerNotes"),
		TermsAndCondition: first(t, "tnc", "invoiceReferences.tnc"),
		InternalReference: t.String("internalReferences.referenceNo"),
		InternalNotes:     t.String("internalReferences.notes"),
	}
	in.Callbacks = domain.Callbacks{
		CallbackURL: t.String("callback.callbackUrl"),
		Success:     t.String("callback.success"),
		Failure:     t.String("callback.failure"),
	}
	in.SendBySMS, _ = t.Bool("sendOrderBy.sms")
	in.SendByEmail, _ = t.Bool("sendOrderBy.email")
	in.InvoiceAsPaymentOption, _ = t.Bool("invoiceAsPaymentOption")
	in.CreditCheckAvailable, _ = t.Bool("isCreditCheckAvailable")
	if b, ok := t.Bool("secureDetails"); ok {
		in.SecureDetails = b
	} else {
		in.SecureDetails, _ = t.Bool("settings.secureDetails")
	}
	if b, ok := t.Bool("settings.delayedCharge"); ok {
		in.DelayedCharge = &b
	}
	in.PaymentMethod = t.String("submitPayment.via")
	in.Language = t.String("checkoutLanguage")
	if spec.typ == domain.TypeHostedCheckout {
		// Hosted checkout always offers Pay by invoice next to cards and wallets.
		in.InvoiceAsPaymentOption = true
	}
	if spec.typ.InvoicedAtCreation() || spec.typ == domain.TypeInvoiceCheckout {
		in.Invoice = invoiceTerms(t, in.Customer)
	}
	in.FPGOUUID = t.String("fpgoUuid")
	in.FromPartner = t.String("orderFrom") == "PARTNER"
	return in, nil
}

func first(t validate.Tree, paths ...string) string {
	for _, p := range paths {
		if s := t.String(p); s != "" {
			return s
		}
	}
	return ""
}

func customerInput(t validate.Tree, spec orderSpec) *app.CustomerInput {
	if ref := first(t, "customerDetails.customerUuid", "customerDetails.uuid"); ref != "" {
		return &app.CustomerInput{UUID: ref}
	}
	if spec.typ == domain.TypeCheckout {
		if with, _ := t.Bool("withCustomer"); !with {
			return nil
		}
	}
	if !t.Filled("customerDetails") {
		return nil
	}
	typ := spec.customerType
	if typ == "" {
		typ = domain.CustomerType(t.String("customerDetails.type"))
	}
	c := &app.CustomerInput{
		Type:              typ,
		Name:              t.String("customerDetails.name"),
		FirstName:         t.String("customerDetails.firstName"),
		CountryCode:       t.String("customerDetails.countryCode"),
		MSISDN:            t.String("customerDetails.msisdn"),
		Email:             t.String("customerDetails.email"),
		PreferredLanguage: t.String("customerDetails.preferredLanguage"),
		PersonalNumber:    t.String("customerDetails.personalNumber"),
		OrganizationID:    t.String("customerDetails.organizationId"),
		Address: domain.Address{
			Street:  t.String("customerDetails.address.street"),
			Zip:     t.String("customerDetails.address.zip"),
			City:    t.String("customerDetails.address.city"),
			Country: t.String("customerDetails.address.country"),
		},
	}
	if c.PreferredLanguage == "" {
		c.PreferredLanguage = domain.DefaultLanguage
	}
	if typ == domain.Private {
		c.OrganizationID = ""
	}
	return c
}

func invoiceTerms(t validate.Tree, c *app.CustomerInput) *domain.InvoiceTerms {
	terms := &domain.InvoiceTerms{FeeApplicable: true, SeparateInvoices: true, MaturityDays: 10}
	if c != nil && c.Type == domain.Corporate {
		terms.MaturityDays = 14
	}
	if s, ok := t.Number("invoiceMaturity"); ok {
		terms.MaturityDays, _ = strconv.Atoi(s)
	}
	if s, ok := t.Number("invoiceInterval"); ok {
		terms.Interval, _ = strconv.Atoi(s)
	}
	if b, ok := t.Bool("invoiceFeeApplicable"); ok {
		terms.FeeApplicable = b
	}
	if b, ok := t.Bool("separateInvoices"); ok {
		terms.SeparateInvoices = b
	}
	return terms
}

// ---- order actions

func (s *Server) cancelOrder(w http.ResponseWriter, r *http.Request) {
	t, err := decode(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	v := validate.New(t)
	v.Field("cancellationNote", validate.Required, validate.String, validate.Max(1000))
	if !v.Valid() {
		fail(w, r, apperr.Validation(v.Errors()...))
		return
	}
	if _, err := s.app.CancelOrder(r.Context(), merchantOf(r).ID, chi.URLParam(r, "uuid"), t.String("cancellationNote")); err != nil {
		fail(w, r, err)
		return
	}
	ok(w, 202, "cancelledOrderSuccessfully", false, nil)
}

func (s *Server) resendOrder(w http.ResponseWriter, r *http.Request) {
	t, err := decode(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	v := validate.New(t)
	v.Field("countryCode", validate.RequiredWith("msisdn"), validate.Nullable, validate.String, validate.Max(8))
	v.Field("msisdn", validate.RequiredWith("countryCode"), validate.Nullable, validate.DigitsOnly, validate.Max(20))
	v.Field("email", validate.Nullable, validate.Email, validate.Max(255))
	if !v.Valid() {
		fail(w, r, apperr.Validation(v.Errors()...))
		return
	}
	in := app.ResendInput{CountryCode: t.String("countryCode"), MSISDN: t.String("msisdn"), Email: t.String("email")}
	if _, err := s.app.ResendOrder(r.Context(), merchantOf(r).ID, chi.URLParam(r, "uuid"), in); err != nil {
		fail(w, r, err)
		return
	}
	ok(w, 202, "resentOrderSuccessfully", true, nil)
}

func refundRules(v *validate.Validator) {
	v.Field("type", validate.Required, validate.String, validate.In("regular", "invoiced"))
	v.Field("grandTotal", validate.Required, validate.Numeric, validate.Decimals(2), validate.GreaterThan("0"), validate.MaxNumber("1000000000"))
	v.Field("products", validate.Required, validate.Array)
	v.Field("products.*.id", validate.Required, validate.Integer, validate.MinNumber("1"))
	v.Field("products.*.amount", validate.Required, validate.Numeric, validate.Decimals(2), validate.GreaterThan("0"), validate.MaxNumber("1000000000"))
}

func refundInput(t validate.Tree) (app.RefundInput, error) {
	a := &amounts{t: t}
	in := app.RefundInput{Type: t.String("type"), GrandTotal: a.money("grandTotal")}
	for i := 0; i < t.Len("products"); i++ {
		p := fmt.Sprintf("products.%d.", i)
		idText, _ := t.Number(p + "id")
		id, err := strconv.ParseInt(idText, 10, 64)
		if err != nil {
			return in, apperr.Validation(fmt.Sprintf("The products.%d.id must be an integer.", i))
		}
		in.Lines = append(in.Lines, domain.RefundLine{LineID: id, Amount: a.money(p + "amount")})
	}
	if len(a.errs) > 0 {
		return in, apperr.Validation(a.errs...)
	}
	return in, nil
}

func (s *Server) refundOrder(w http.ResponseWriter, r *http.Request) {
	t, err := decode(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	v := validate.New(t)
	refundRules(v)
	if !v.Valid() {
		fail(w, r, apperr.Validation(v.Errors()...))
		return
	}
	in, err := refundInput(t)
	if err != nil {
		fail(w, r, err)
		return
	}
	if _, err := s.app.RefundOrder(r.Context(), merchantOf(r), chi.URLParam(r, "uuid"), in); err != nil {
		fail(w, r, err)
		return
	}
	ok(w, 202, "orderRefundedSuccessfully", true, nil)
}

func (s *Server) delayedCharge(w http.ResponseWriter, r *http.Request) {
	if _, err := s.app.ChargeDelayed(r.Context(), merchantOf(r).ID, chi.URLParam(r, "uuid")); err != nil {
		fail(w, r, err)
		return
	}
	ok(w, 200, "orderDelayedChargedSuccessfully", true, nil)
}

// refundApproval accepts a request for manual refund approval; fpgo has no back office, so the
// request is validated, checked against the order and recorded for the operator.
func (s *Server) refundApproval(w http.ResponseWriter, r *http.Request) {
	t, err := decode(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	v := validate.New(t)
	v.Field("type", validate.Required, validate.String, validate.In("regular", "invoiced", "reservation"))
	v.Field("grandTotal", validate.Required, validate.Numeric, validate.Decimals(2), validate.GreaterThan("0"))
	v.Field("products", validate.Required, validate.Array)
	v.Field("products.*.id", validate.Required, validate.Integer)
	v.Field("products.*.amount", validate.Required, validate.Numeric, validate.Decimals(2), validate.GreaterThan("0"))
	v.Field("message", validate.Required, validate.String, validate.Max(1000))
	v.Field("source", validate.RequiredIf("type", "reservation"), validate.Nullable, validate.In("captured", "charged"))
	v.Field("reference", validate.RequiredIf("type", "reservation"), validate.Nullable, validate.String, validate.Max(32))
	if !v.Valid() {
		fail(w, r, apperr.Validation(v.Errors()...))
		return
	}
	o, err := s.app.Order(r.Context(), merchantOf(r).ID, chi.URLParam(r, "uuid"))
	if err != nil {
		fail(w, r, err)
		return
	}
	switch o.Status {
	case domain.StatusRefunded:
		fail(w, r, apperr.Conflict("refundRejectionForRefundedCancelledInvoicedOrderParamRefunded"))
		return
	case domain.StatusCancelled:
		fail(w, r, apperr.Conflict("refundRejectionForRefundedCancelledInvoicedOrderParamCancelled"))
		return
	}
	for i := 0; i < t.Len("products"); i++ {
		idText, _ := t.Number(fmt.Sprintf("products.%d.id", i))
		id, _ := strconv.ParseInt(idText, 10, 64)
		if o.LineByID(id) == nil {
			fail(w, r, apperr.Conflict("requestProductIdNotAvailable"))
			return
		}
	}
	logger(r).Info("refund approval requested", "order", o.UUID)
	ok(w, 201, "requestedOrderRefundSuccessfully", false, nil)
}

// ---- reads

func parseStatusFilter(s string) (domain.Status, bool) {
	if s == "" {
		return "", true
	}
	want := strings.ToUpper(strings.NewReplacer("_", " ", "-", " ").Replace(strings.TrimSpace(s)))
	for _, st := range domain.Statuses {
		if string(st) == want {
			return st, true
		}
	}
	return "", false
}

func (s *Server) orderStatuses(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status, valid := parseStatusFilter(q.Get("type"))
	if !valid {
		names := make([]string, len(domain.Statuses))
		for i, st := range domain.Statuses {
			names[i] = string(st)
		}
		fail(w, r, apperr.Validation("The type must be one of "+strings.Join(names, ", ")+"."))
		return
	}
	page := 1
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			fail(w, r, apperr.Validation("The page must be an integer of at least 1."))
			return
		}
		page = n
	}
	res, err := s.app.OrderStatuses(r.Context(), merchantOf(r).ID, status, page)
	if err != nil {
		fail(w, r, err)
		return
	}
	data := make([]map[string]string, len(res.Rows))
	for i, row := range res.Rows {
		data[i] = map[string]string{"uuid": row.UUID, "status": string(row.Status)}
	}
	env := successEnvelope{StatusCode: 200, StatusMessage: "OK", Message: "Order Status Retrieved Successfully", IsData: true, Data: data,
		MetaData: &meta{Total: res.Total, PerPage: app.PerPage, CurrentPage: page, LastPage: res.LastPage()},
		Links:    pageLinks(s.app.BaseURL, r, page, res.LastPage())}
	writeJSON(w, 200, env)
}

// pageLinks are absolute, like FPGO's, so a client can follow links.next as it is.
func pageLinks(base string, r *http.Request, page, last int) *links {
	mk := func(p int) *string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		u := *r.URL
		u.RawQuery = q.Encode()
		s := base + u.RequestURI()
		return &s
	}
	l := &links{}
	if page > 1 {
		l.Previous = mk(page - 1)
	}
	if page < last {
		l.Next = mk(page + 1)
	}
	return l
}

func (s *Server) orderStatus(w http.ResponseWriter, r *http.Request) {
	o, err := s.app.Order(r.Context(), merchantOf(r).ID, chi.URLParam(r, "uuid"))
	if err != nil {
		fail(w, r, err)
		return
	}
	ok(w, 200, "Order Status Retrieved Successfully", true, map[string]any{
		"uuid": o.UUID, "status": o.Status, "orderAmount": o.Summary.GrandTotal, "refundedAmount": o.RefundedAmount,
	})
}

const (
	dateFormat     = "02.01.2006"
	dateTimeFormat = "02.01.2006 15:04"
)

func (s *Server) orderDetails(w http.ResponseWriter, r *http.Request) {
	o, err := s.app.Order(r.Context(), merchantOf(r).ID, chi.URLParam(r, "uuid"))
	if err != nil {
		fail(w, r, err)
		return
	}
	ok(w, 200, "orderRetrievedSuccessfully", true, orderDetails(o))
}

func orderDetails(o *domain.Order) map[string]any {
	lines := make([]map[string]any, len(o.Lines))
	var discount money.Amount
	for i, l := range o.Lines {
		lines[i] = map[string]any{
			"id": l.ID, "name": l.Name, "productId": l.ProductID, "quantity": l.Quantity, "rate": l.Rate,
			"discount": l.Discount, "tax": l.Tax, "amount": l.Amount, "refundedAmount": l.Refunded,
		}
		discount += l.Discount
	}
	var due any
	if o.DueDate != nil {
		due = o.DueDate.In(clock.Oslo).Format(dateTimeFormat)
	}
	var invoiceNo any
	if o.InvoiceNumber != "" {
		invoiceNo = o.InvoiceNumber
	}
	d := map[string]any{
		"type":               o.Type,
		"orderUuid":          o.UUID,
		"invoiceNumber":      invoiceNo,
		"status":             o.Status,
		"orderDate":          o.OrderDate.In(clock.Oslo).Format(dateFormat),
		"paymentLinkDueDate": due,
		"currency":           o.Currency,
		"paymentMethod":      nilIfEmpty(o.PaymentMethod),
		"referenceNo":        nilIfEmpty(o.References.ReferenceNo),
		"customerReference":  nilIfEmpty(o.References.CustomerReference),
		"productList":        lines,
		"orderSummary": map[string]any{
			"subTotal":       o.Summary.SubTotal,
			"tax":            o.Summary.TotalTax,
			"discount":       o.Summary.TotalDiscount,
			"shippingCost":   o.Summary.ShippingCost,
			"grandTotal":     o.Summary.GrandTotal,
			"refundedAmount": o.RefundedAmount,
		},
		"customerDetails": nil,
	}
	if o.KID != "" {
		d["kid"] = o.KID
	}
	if c := o.Customer; c != nil {
		d["customerDetails"] = map[string]any{
			"type":              c.Type,
			"uuid":              c.UUID,
			"countryCode":       nilIfEmpty(c.CountryCode),
			"msisdn":            nilIfEmpty(c.MSISDN),
			"email":             nilIfEmpty(c.Email),
			"name":              c.Name,
			"preferredLanguage": nilIfEmpty(c.PreferredLanguage),
			"personalNumber":    nilIfEmpty(domain.MaskPersonalNumber(c.PersonalNumber)),
			"organizationId":    nilIfEmpty(c.OrganizationID),
			"address":           c.Billing,
		}
	}
	return d
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (s *Server) invoiceNumber(w http.ResponseWriter, r *http.Request) {
	o, err := s.app.Order(r.Context(), merchantOf(r).ID, chi.URLParam(r, "uuid"))
	if err != nil {
		fail(w, r, err)
		return
	}
	ok(w, 200, "orderInvoiceNoRetrievedSuccessfully", true, map[string]any{
		"orderUuid": o.UUID, "invoiceNumber": nilIfEmpty(o.InvoiceNumber), "status": o.Status,
	})
}
