package api

import (
	"time"

	"github.com/fpgo/fpgo/internal/app"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/validate"
)

// orderSpec is one order-creation endpoint: its validation table (004) and its response.
type orderSpec struct {
	typ     domain.OrderType
	status  int
	message string
	isData  bool
	// customerType is fixed by the endpoint (e-Faktura: private, EHF: corporate) or "" to read it.
	customerType domain.CustomerType
	rules        func(v *validate.Validator, c ruleCtx)
	respond      func(app.CreatedOrder) any
}

type ruleCtx struct {
	m   *domain.Merchant
	now time.Time
	t   validate.Tree
}

var langs = domain.Languages

func uuidAndCustomer(c app.CreatedOrder) any {
	return map[string]string{"uuid": c.OrderUUID, "customerUuid": c.CustomerUUID}
}

var paymentLinkSpec = orderSpec{
	typ: domain.TypePaymentLink, status: 201, message: "orderAddedSuccessfully", isData: false,
	respond: uuidAndCustomer,
	rules: func(v *validate.Validator, c ruleCtx) {
		productRules(v, c, false)
		summaryRules(v, true)
		v.Field("sendOrderBy", validate.Nullable, validate.Object)
		v.Field("sendOrderBy.sms", validate.Nullable, validate.Boolean)
		v.Field("sendOrderBy.email", validate.Nullable, validate.Boolean)
		orderDateRule(v, c)
		dueDateRule(v, c, false)
		customerRules(v, c, customerRuleSet{contact: contactEither, typeRequired: true, pnr: pnrOptional, orgID: validate.AlphaNum, address: true})
		v.Field("isCreditCheckAvailable", validate.Nullable, validate.Boolean)
		v.Field("invoiceAsPaymentOption", validate.Required, validate.Boolean)
		v.Field("secureDetails", validate.Nullable, validate.Boolean)
		referenceRules(v)
		v.Field("callback", validate.Nullable, validate.Object)
		v.Field("callback.callbackUrl", validate.Nullable, validate.URL, validate.Max(2048))
		partnerRules(v)
	},
}

var invoiceSpec = orderSpec{
	typ: domain.TypeInvoice, status: 201, message: "orderAddedSuccessfully", isData: false,
	respond: uuidAndCustomer,
	rules: func(v *validate.Validator, c ruleCtx) {
		productRules(v, c, false)
		summaryRules(v, true)
		orderDateRule(v, c)
		customerRules(v, c, customerRuleSet{contact: contactAll, typeRequired: true, pnr: pnrOptional, orgID: validate.AlphaNum, address: true})
		invoiceRules(v, c, "")
		referenceRules(v)
		v.Field("callback", validate.Nullable, validate.Object)
		v.Field("callback.callbackUrl", validate.Nullable, validate.URL, validate.Max(2048))
	},
}

var fakturaSpec = orderSpec{
	typ: domain.TypeFaktura, status: 201, message: "orderAddedSuccessfully", isData: false, customerType: domain.Private,
	respond: uuidAndCustomer,
	rules: func(v *validate.Validator, c ruleCtx) {
		productRules(v, c, false)
		summaryRules(v, true)
		orderDateRule(v, c)
		customerRules(v, c, customerRuleSet{contact: contactAll, pnr: pnrRequired, address: true})
		invoiceRules(v, c, domain.Private)
		referenceRules(v)
		v.Field("callback", validate.Required, validate.Object)
		v.Field("callback.callbackUrl", validate.Required, validate.URL, validate.Max(2048))
	},
}

var ehfSpec = orderSpec{
	typ: domain.TypeEHF, status: 201, message: "orderAddedSuccessfully", isData: false, customerType: domain.Corporate,
	respond: uuidAndCustomer,
	rules: func(v *validate.Validator, c ruleCtx) {
		productRules(v, c, false)
		summaryRules(v, true)
		orderDateRule(v, c)
		customerRules(v, c, customerRuleSet{contact: contactAll, pnr: pnrNone, orgID: validate.DigitsOnly, orgIDRequired: true, address: true})
		invoiceRules(v, c, domain.Corporate)
		referenceRules(v)
		v.Field("callback", validate.Required, validate.Object)
		v.Field("callback.callbackUrl", validate.Required, validate.URL, validate.Max(2048))
	},
}

var checkoutMethods = []string{"vipps", "visa", "mastercard", "applepay", "googlepay", "invoice"}

var regularSpec = orderSpec{
	typ: domain.TypeCheckout, status: 201, message: "Order Submitted Successfully", isData: true,
	respond: func(c app.CreatedOrder) any {
		return map[string]string{"orderUuid": c.OrderUUID, "customerUuid": c.CustomerUUID, "paymentUrl": c.PaymentURL}
	},
	rules: func(v *validate.Validator, c ruleCtx) {
		productRules(v, c, false)
		summaryRules(v, true)
		orderDateRule(v, c)
		referenceRules(v)
		v.Field("withCustomer", validate.Required, validate.Boolean)
		customerRules(v, c, customerRuleSet{contact: contactAll, typeRequired: true, pnr: pnrOptional, orgID: validate.AlphaNum, address: true,
			onlyIf: []string{"withCustomer", "1", "true"}})
		v.Field("customerDetails.personalNumber", validate.RequiredWhen(func(t validate.Tree) bool {
			return t.String("submitPayment.via") == "invoice" && hasNewCustomer(t) && t.String("customerDetails.type") != string(domain.Corporate)
		}, "submit payment.via is invoice"))
		v.Field("submitPayment", validate.Required, validate.Object)
		v.Field("submitPayment.via", validate.Required, validate.String, validate.In(checkoutMethods...))
		v.Field("settings", validate.Nullable, validate.Object)
		v.Field("settings.delayedCharge", validate.Nullable, validate.Boolean)
		callbackRules(v)
		partnerRules(v)
	},
}

var invoiceSubmitSpec = orderSpec{
	typ: domain.TypeInvoiceCheckout, status: 201, message: "orderCreatedSuccessfully", isData: true,
	respond: func(c app.CreatedOrder) any {
		d := map[string]any{"orderUuid": c.OrderUUID, "customerUuid": c.CustomerUUID}
		if c.BankIDURL != "" {
			d["bankIdUrl"] = c.BankIDURL
		} else {
			d["bankIdUrl"] = nil
		}
		return d
	},
	rules: func(v *validate.Validator, c ruleCtx) {
		productRules(v, c, true)
		summaryRules(v, true)
		orderDateRule(v, c)
		referenceRules(v)
		customerRules(v, c, customerRuleSet{contact: contactAll, typeRequired: true, pnr: pnrIfPrivate, orgID: validate.AlphaNum, address: true})
		invoiceRules(v, c, "")
		v.Field("settings", validate.Nullable, validate.Object)
		v.Field("settings.secureDetails", validate.Nullable, validate.Boolean)
		callbackRules(v)
		partnerRules(v)
	},
}

var hostedSpec = orderSpec{
	typ: domain.TypeHostedCheckout, status: 201, message: "Payment Link Created Successfully", isData: true,
	respond: func(c app.CreatedOrder) any {
		return map[string]string{"orderUuid": c.OrderUUID, "customerUuid": c.CustomerUUID, "paymentUrl": c.PaymentURL}
	},
	rules: func(v *validate.Validator, c ruleCtx) {
		productRules(v, c, false)
		summaryRules(v, true)
		orderDateRule(v, c)
		dueDateRule(v, c, true)
		customerRules(v, c, customerRuleSet{contact: contactAll, typeRequired: true, pnr: pnrOptional, orgID: validate.AlphaNum, address: false})
		v.Field("checkoutLanguage", validate.Nullable, validate.In(langs...))
		v.Field("referencesNo", validate.Nullable, validate.Max(255))
		v.Field("customerNotes", validate.Nullable, validate.Max(2000))
		callbackRules(v)
		partnerRules(v)
	},
}

// ---- shared rule groups

func productRules(v *validate.Validator, c ruleCtx, shortProductID bool) {
	rates := make([]string, len(c.m.Settings.TaxRates))
	for i, r := range c.m.Settings.TaxRates {
		rates[i] = r.String()
	}
	maxID := 255
	if shortProductID {
		maxID = 25
	}
	v.Field("products", validate.Required, validate.Array)
	v.Field("products.*.name", validate.Required, validate.String, validate.Max(255))
	v.Field("products.*.productId", validate.Nullable, validate.Max(maxID))
	v.Field("products.*.quantity", validate.Required, validate.Numeric, validate.GreaterThan("0"), validate.Decimals(3), validate.MaxNumber("1000000"))
	v.Field("products.*.rate", validate.Required, validate.Numeric, validate.Decimals(2), validate.MinNumber("0"), validate.MaxNumber("1000000000"))
	v.Field("products.*.discount", validate.Nullable, validate.Numeric, validate.Decimals(2), validate.MinNumber("0"), validate.MaxNumber("1000000000"))
	v.Field("products.*.tax", validate.Required, validate.Numeric, validate.In(rates...))
	v.Field("products.*.amount", validate.Required, validate.Numeric, validate.Decimals(2), validate.MinNumber("0"), validate.MaxNumber("1000000000"))
}

func summaryRules(v *validate.Validator, discountRequired bool) {
	money := []validate.Rule{validate.Numeric, validate.Decimals(2), validate.MaxNumber("1000000000")}
	v.Field("orderSummary", validate.Required, validate.Object)
	v.Field("orderSummary.subTotal", append([]validate.Rule{validate.Required}, money...)...)
	v.Field("orderSummary.totalTax", append([]validate.Rule{validate.Required}, money...)...)
	if discountRequired {
		v.Field("orderSummary.totalDiscount", append([]validate.Rule{validate.Required}, money...)...)
	}
	v.Field("orderSummary.grandTotal", append([]validate.Rule{validate.Required, validate.GreaterThan("0")}, money...)...)
	v.Field("orderSummary.shippingCost", append([]validate.Rule{validate.Nullable, validate.MinNumber("0")}, money...)...)
}

func startOfDay(t time.Time) time.Time {
	t = t.In(clock.Oslo)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, clock.Oslo)
}

func orderDateRule(v *validate.Validator, c ruleCtx) {
	v.Field("orderDate", validate.Required, validate.Date(clock.Oslo), validate.AfterOrEqual(clock.Oslo, startOfDay(c.now), "today"))
}

// dueDateRule: a due date given as a day ("5 Dec, 2023") lasts until the end of that day.
func dueDateRule(v *validate.Validator, c ruleCtx, required bool) {
	first := validate.Nullable
	if required {
		first = validate.Required
	}
	v.Field("dueDateForPaymentLink", first, validate.Date(clock.Oslo), validate.Func(func(val any, _ validate.Tree) bool {
		due, ok := dueDate(val)
		return ok && !due.Before(c.now)
	}, "The %s must be a date after or equal to now."))
}

func dueDate(val any) (time.Time, bool) {
	t, ok := validate.ParseTime(val, clock.Oslo)
	if !ok {
		return t, false
	}
	if s, isStr := val.(string); isStr && !isNumeric(s) {
		t = t.Add(24*time.Hour - time.Second)
	}
	return t, true
}

func isNumeric(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' {
			return false
		}
	}
	return true
}

func referenceRules(v *validate.Validator) {
	for _, f := range []string{"referenceNo", "customerReference", "invoiceReferences.referenceNo", "invoiceReferences.receiptNo",
		"internalReferences.referenceNo"} {
		v.Field(f, validate.Nullable, validate.Max(255))
	}
	for _, f := range []string{"customerNotes", "invoiceReferences.customerNotes", "invoiceReferences.tnc", "internalReferences.notes", "tnc"} {
		v.Field(f, validate.Nullable, validate.Max(5000))
	}
}

func callbackRules(v *validate.Validator) {
	v.Field("callback", validate.Required, validate.Object)
	v.Field("callback.callbackUrl", validate.Required, validate.URL, validate.Max(2048))
	v.Field("callback.success", validate.Required, validate.URL, validate.Max(2048))
	v.Field("callback.failure", validate.Required, validate.URL, validate.Max(2048))
}

func partnerRules(v *validate.Validator) {
	v.Field("fpgoUuid", validate.Nullable, validate.String, validate.Max(32))
	v.Field("orderFrom", validate.RequiredWith("fpgoUuid"), validate.Nullable, validate.In("PARTNER"))
}

// invoiceRules: maturity is 10 days for private customers and 14, 30 or 45 for corporate ones.
func invoiceRules(v *validate.Validator, c ruleCtx, fixed domain.CustomerType) {
	v.Field("invoiceInterval", validate.Nullable, validate.Integer, validate.In("0", "1", "2"))
	v.Field("invoiceFeeApplicable", validate.Required, validate.Boolean)
	v.Field("separateInvoices", validate.Nullable, validate.Boolean)
	typ := fixed
	if typ == "" {
		typ = domain.CustomerType(c.t.String("customerDetails.type"))
	}
	if typ == domain.Corporate {
		v.Field("invoiceMaturity", validate.Nullable, validate.Integer, validate.In("14", "30", "45"))
	} else {
		v.Field("invoiceMaturity", validate.Nullable, validate.Integer, validate.In("10"))
	}
}

type contactMode int

const (
	contactAll    contactMode = iota // countryCode, msisdn and email required
	contactEither                    // email, or countryCode + msisdn
)

type pnrMode int

const (
	pnrOptional pnrMode = iota
	pnrRequired
	pnrIfPrivate
	pnrNone
)

type customerRuleSet struct {
	contact       contactMode
	typeRequired  bool
	pnr           pnrMode
	orgID         validate.Rule // format rule for organizationId; nil when the endpoint has none
	orgIDRequired bool          // always required (EHF), not only for corporate customers
	address       bool          // address parts required
	onlyIf        []string      // [path, values...]: the details are required only when path has one of values
}

// hasNewCustomer reports whether the request describes a customer rather than naming an existing one.
func hasNewCustomer(t validate.Tree) bool {
	return !t.Filled("customerDetails.customerUuid") && !t.Filled("customerDetails.uuid")
}

func customerRules(v *validate.Validator, c ruleCtx, s customerRuleSet) {
	if !hasNewCustomer(c.t) {
		v.Field("customerDetails.customerUuid", validate.Nullable, validate.String, validate.Max(32))
		v.Field("customerDetails.uuid", validate.Nullable, validate.String, validate.Max(32))
		return
	}
	required := validate.Required
	if len(s.onlyIf) > 0 {
		required = validate.RequiredIf(s.onlyIf[0], s.onlyIf[1:]...)
	}
	v.Field("customerDetails", required, validate.Nullable, validate.Object)
	if s.typeRequired {
		v.Field("customerDetails.type", required, validate.Nullable, validate.In(string(domain.Private), string(domain.Corporate)))
	}
	switch s.contact {
	case contactAll:
		v.Field("customerDetails.countryCode", required, validate.Nullable, validate.String, validate.Max(8))
		v.Field("customerDetails.msisdn", required, validate.Nullable, validate.Max(20), validate.DigitsOnly)
		v.Field("customerDetails.email", required, validate.Nullable, validate.Email, validate.Max(255))
	case contactEither:
		v.Field("customerDetails.countryCode", validate.RequiredWithout("customerDetails.email"), validate.Nullable, validate.String, validate.Max(8))
		v.Field("customerDetails.msisdn", validate.RequiredWithout("customerDetails.email"), validate.Nullable, validate.Max(20), validate.DigitsOnly)
		v.Field("customerDetails.email", validate.RequiredWithout("customerDetails.msisdn"), validate.Nullable, validate.Email, validate.Max(255))
	}
	v.Field("customerDetails.name", required, validate.Nullable, validate.String, validate.Max(255))
	v.Field("customerDetails.firstName", validate.Nullable, validate.String, validate.Max(255))
	v.Field("customerDetails.preferredLanguage", validate.Nullable, validate.In(langs...))
	switch s.pnr {
	case pnrOptional:
		v.Field("customerDetails.personalNumber", validate.Nullable, validate.Digits(11))
	case pnrRequired:
		v.Field("customerDetails.personalNumber", validate.Required, validate.Digits(11))
	case pnrIfPrivate:
		v.Field("customerDetails.personalNumber", validate.RequiredIf("customerDetails.type", string(domain.Private)), validate.Nullable, validate.Digits(11))
	}
	if s.orgID != nil {
		req := validate.RequiredIf("customerDetails.type", string(domain.Corporate))
		if s.orgIDRequired {
			req = validate.Required
		}
		v.Field("customerDetails.organizationId", req, validate.Nullable, s.orgID, validate.Max(20))
	}
	addr := validate.Nullable
	if s.address {
		addr = required
		v.Field("customerDetails.address", required, validate.Nullable, validate.Object)
	} else {
		v.Field("customerDetails.address", validate.Nullable, validate.Object)
	}
	v.Field("customerDetails.address.street", addr, validate.Nullable, validate.String, validate.Max(255))
	v.Field("customerDetails.address.zip", addr, validate.Nullable, validate.Max(16))
	v.Field("customerDetails.address.city", addr, validate.Nullable, validate.String, validate.Max(255))
	v.Field("customerDetails.address.country", addr, validate.Nullable, validate.Country)
}
