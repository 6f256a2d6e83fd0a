package api

import (
	"slices"
	"sync/atomic"
	"time"

	"github.com/fpgo/fpgo/internal/app"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/money"
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
		customerRules(v, c, paymentLinkCustomer)
		v.Field("isCreditCheckAvailable", validate.Nullable, validate.Boolean)
		v.Field("invoiceAsPaymentOption", validate.Required, validate.Boolean)
		v.Field("secureDetails", validate.Nullable, validate.Boolean)
		referenceRules(v)
		v.Field("callback", validate.Nullable, validate.Object)
		v.Field("callback.callbackUrl", validate.Nullable, validate.URL, max2048)
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
		customerRules(v, c, invoiceCustomer)
		invoiceRules(v, c, "")
		referenceRules(v)
		v.Field("callback", validate.Nullable, validate.Object)
		v.Field("callback.callbackUrl", validate.Nullable, validate.URL, max2048)
	},
}

var fakturaSpec = orderSpec{
	typ: domain.TypeFaktura, status: 201, message: "orderAddedSuccessfully", isData: false, customerType: domain.Private,
	respond: uuidAndCustomer,
	rules: func(v *validate.Validator, c ruleCtx) {
		productRules(v, c, false)
		summaryRules(v, true)
		orderDateRule(v, c)
		customerRules(v, c, fakturaCustomer)
		invoiceRules(v, c, domain.Private)
		referenceRules(v)
		v.Field("callback", validate.Required, validate.Object)
		v.Field("callback.callbackUrl", validate.Required, validate.URL, max2048)
	},
}

var ehfSpec = orderSpec{
	typ: domain.TypeEHF, status: 201, message: "orderAddedSuccessfully", isData: false, customerType: domain.Corporate,
	respond: uuidAndCustomer,
	rules: func(v *validate.Validator, c ruleCtx) {
		productRules(v, c, false)
		summaryRules(v, true)
		orderDateRule(v, c)
		customerRules(v, c, ehfCustomer)
		invoiceRules(v, c, domain.Corporate)
		referenceRules(v)
		v.Field("callback", validate.Required, validate.Object)
		v.Field("callback.callbackUrl", validate.Required, validate.URL, max2048)
	},
}

var checkoutMethods = []string{"vipps", "visa", "mastercard", "applepay", "googlepay", "invoice"}

var (
	inCheckoutMethods = validate.In(checkoutMethods...)
	// A checkout sale to a new private customer paid by invoice needs the personal number.
	requiredForInvoiceCheckout = validate.RequiredWhen(func(t validate.Tree) bool {
		return t.String("submitPayment.via") == "invoice" && hasNewCustomer(t) && t.String("customerDetails.type") != string(domain.Corporate)
	}, "submit payment.via is invoice")
)

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
		customerRules(v, c, regularCustomer)
		v.Field("customerDetails.personalNumber", requiredForInvoiceCheckout)
		v.Field("submitPayment", validate.Required, validate.Object)
		v.Field("submitPayment.via", validate.Required, validate.String, inCheckoutMethods)
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
		customerRules(v, c, invoiceSubmitCustomer)
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
		customerRules(v, c, hostedCustomer)
		v.Field("checkoutLanguage", validate.Nullable, inLangs)
		v.Field("referencesNo", validate.Nullable, max255)
		v.Field("customerNotes", validate.Nullable, max2000)
		callbackRules(v)
		partnerRules(v)
	},
}

// ---- shared rule groups

// The rules below are built once rather than per request: building one allocates closures and,
// for numeric limits, parses them, and every create request runs some sixty rules.
var (
	max8     = validate.Max(8)
	max16    = validate.Max(16)
	max20    = validate.Max(20)
	max25    = validate.Max(25)
	max32    = validate.Max(32)
	max255   = validate.Max(255)
	max2000  = validate.Max(2000)
	max2048  = validate.Max(2048)
	max5000  = validate.Max(5000)
	digits11 = validate.Digits(11)
	inLangs  = validate.In(langs...)

	inCustomerTypes      = validate.In(string(domain.Private), string(domain.Corporate))
	requiredIfPrivate    = validate.RequiredIf("customerDetails.type", string(domain.Private))
	requiredIfCorporate  = validate.RequiredIf("customerDetails.type", string(domain.Corporate))
	requiredWithoutEmail = validate.RequiredWithout("customerDetails.email")
	requiredWithoutPhone = validate.RequiredWithout("customerDetails.msisdn")

	inInvoiceIntervals    = validate.In("0", "1", "2")
	inCorporateMaturities = validate.In("14", "30", "45")
	inPrivateMaturities   = validate.In("10")
	requiredWithFPGOUUID  = validate.RequiredWith("fpgoUuid")
	inPartner             = validate.In("PARTNER")
	dateOslo              = validate.Date(clock.Oslo)

	quantityRules = []validate.Rule{validate.Required, validate.Numeric, validate.GreaterThan("0"), validate.Decimals(3), validate.MaxNumber("1000000")}
	rateRules     = []validate.Rule{validate.Required, validate.Numeric, decimals2, min0, max1e9}
	discountRules = []validate.Rule{validate.Nullable, validate.Numeric, decimals2, min0, max1e9}
	amountRules   = []validate.Rule{validate.Required, validate.Numeric, decimals2, min0, max1e9}

	// summary amounts: the leading rules, then Numeric, Decimals(2), MaxNumber(1000000000).
	requiredMoneyRules      = []validate.Rule{validate.Required, validate.Numeric, decimals2, max1e9}
	grandTotalRules         = []validate.Rule{validate.Required, validate.GreaterThan("0"), validate.Numeric, decimals2, max1e9}
	shippingCostRules       = []validate.Rule{validate.Nullable, min0, validate.Numeric, decimals2, max1e9}
	decimals2, min0, max1e9 = validate.Decimals(2), validate.MinNumber("0"), validate.MaxNumber("1000000000")
)

func productRules(v *validate.Validator, c ruleCtx, shortProductID bool) {
	maxID := max255
	if shortProductID {
		maxID = max25
	}
	v.Field("products", validate.Required, validate.Array)
	v.Field("products.*.name", validate.Required, validate.String, max255)
	v.Field("products.*.productId", validate.Nullable, maxID)
	v.Field("products.*.quantity", quantityRules...)
	v.Field("products.*.rate", rateRules...)
	v.Field("products.*.discount", discountRules...)
	v.Field("products.*.tax", validate.Required, validate.Numeric, taxRateRule(c.m.Settings.TaxRates))
	v.Field("products.*.amount", amountRules...)
}

// taxRule is In(the merchant's tax rates), kept for the last list of rates seen: merchants
// nearly always share the default rates, so building the rule per request would be waste.
type taxRule struct {
	rates []money.Rate
	rule  validate.Rule
}

var lastTaxRule atomic.Pointer[taxRule]

func taxRateRule(rates []money.Rate) validate.Rule {
	if t := lastTaxRule.Load(); t != nil && slices.Equal(t.rates, rates) {
		return t.rule
	}
	texts := make([]string, len(rates))
	for i, r := range rates {
		texts[i] = r.String()
	}
	t := &taxRule{rates: slices.Clone(rates), rule: validate.In(texts...)}
	lastTaxRule.Store(t)
	return t.rule
}

func summaryRules(v *validate.Validator, discountRequired bool) {
	v.Field("orderSummary", validate.Required, validate.Object)
	v.Field("orderSummary.subTotal", requiredMoneyRules...)
	v.Field("orderSummary.totalTax", requiredMoneyRules...)
	if discountRequired {
		v.Field("orderSummary.totalDiscount", requiredMoneyRules...)
	}
	v.Field("orderSummary.grandTotal", grandTotalRules...)
	v.Field("orderSummary.shippingCost", shippingCostRules...)
}

func startOfDay(t time.Time) time.Time {
	t = t.In(clock.Oslo)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, clock.Oslo)
}

// todayRule is AfterOrEqual(start of day) for the last day seen; it changes once a day.
type todayRule struct {
	day  time.Time
	rule validate.Rule
}

var lastTodayRule atomic.Pointer[todayRule]

func orderDateRule(v *validate.Validator, c ruleCtx) {
	day := startOfDay(c.now)
	t := lastTodayRule.Load()
	if t == nil || !t.day.Equal(day) {
		t = &todayRule{day: day, rule: validate.AfterOrEqual(clock.Oslo, day, "today")}
		lastTodayRule.Store(t)
	}
	v.Field("orderDate", validate.Required, dateOslo, t.rule)
}

const dueDateAfterNowMessage = "The %s must be a date after or equal to now."

// dueDateRule: a due date given as a day ("5 Dec, 2023") lasts until the end of that day.
func dueDateRule(v *validate.Validator, c ruleCtx, required bool) {
	if !required && !c.t.Has("dueDateForPaymentLink") {
		// Every rule below but Required skips an absent value, so there is nothing to check, and
		// building the request's own Func rule would only allocate.
		return
	}
	first := validate.Nullable
	if required {
		first = validate.Required
	}
	v.Field("dueDateForPaymentLink", first, dateOslo, validate.Func(func(val any, _ validate.Tree) bool {
		due, ok := dueDate(val)
		return ok && !due.Before(c.now)
	}, dueDateAfterNowMessage))
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
	v.Field("referenceNo", validate.Nullable, max255)
	v.Field("customerReference", validate.Nullable, max255)
	v.Field("invoiceReferences.referenceNo", validate.Nullable, max255)
	v.Field("invoiceReferences.receiptNo", validate.Nullable, max255)
	v.Field("internalReferences.referenceNo", validate.Nullable, max255)
	v.Field("customerNotes", validate.Nullable, max5000)
	v.Field("invoiceReferences.customerNotes", validate.Nullable, max5000)
	v.Field("invoiceReferences.tnc", validate.Nullable, max5000)
	v.Field("internalReferences.notes", validate.Nullable, max5000)
	v.Field("tnc", validate.Nullable, max5000)
}

func callbackRules(v *validate.Validator) {
	v.Field("callback", validate.Required, validate.Object)
	v.Field("callback.callbackUrl", validate.Required, validate.URL, max2048)
	v.Field("callback.success", validate.Required, validate.URL, max2048)
	v.Field("callback.failure", validate.Required, validate.URL, max2048)
}

func partnerRules(v *validate.Validator) {
	v.Field("fpgoUuid", validate.Nullable, validate.String, max32)
	v.Field("orderFrom", requiredWithFPGOUUID, validate.Nullable, inPartner)
}

// invoiceRules: maturity is 10 days for private customers and 14, 30 or 45 for corporate ones.
func invoiceRules(v *validate.Validator, c ruleCtx, fixed domain.CustomerType) {
	v.Field("invoiceInterval", validate.Nullable, validate.Integer, inInvoiceIntervals)
	v.Field("invoiceFeeApplicable", validate.Required, validate.Boolean)
	v.Field("separateInvoices", validate.Nullable, validate.Boolean)
	typ := fixed
	if typ == "" {
		typ = domain.CustomerType(c.t.String("customerDetails.type"))
	}
	if typ == domain.Corporate {
		v.Field("invoiceMaturity", validate.Nullable, validate.Integer, inCorporateMaturities)
	} else {
		v.Field("invoiceMaturity", validate.Nullable, validate.Integer, inPrivateMaturities)
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
	required      validate.Rule // what makes the details required; nil: validate.Required
}

// The customer rules of each endpoint.
var (
	paymentLinkCustomer   = customerRuleSet{contact: contactEither, typeRequired: true, pnr: pnrOptional, orgID: validate.AlphaNum, address: true}
	invoiceCustomer       = customerRuleSet{contact: contactAll, typeRequired: true, pnr: pnrOptional, orgID: validate.AlphaNum, address: true}
	fakturaCustomer       = customerRuleSet{contact: contactAll, pnr: pnrRequired, address: true}
	ehfCustomer           = customerRuleSet{contact: contactAll, pnr: pnrNone, orgID: validate.DigitsOnly, orgIDRequired: true, address: true}
	invoiceSubmitCustomer = customerRuleSet{contact: contactAll, typeRequired: true, pnr: pnrIfPrivate, orgID: validate.AlphaNum, address: true}
	hostedCustomer        = customerRuleSet{contact: contactAll, typeRequired: true, pnr: pnrOptional, orgID: validate.AlphaNum, address: false}
	// Checkout describes a customer only when asked to.
	regularCustomer = customerRuleSet{contact: contactAll, typeRequired: true, pnr: pnrOptional, orgID: validate.AlphaNum, address: true,
		required: validate.RequiredIf("withCustomer", "1", "true")}
)

// hasNewCustomer reports whether the request describes a customer rather than naming an existing one.
func hasNewCustomer(t validate.Tree) bool {
	return !t.Filled("customerDetails.customerUuid") && !t.Filled("customerDetails.uuid")
}

func customerRules(v *validate.Validator, c ruleCtx, s customerRuleSet) {
	if !hasNewCustomer(c.t) {
		v.Field("customerDetails.customerUuid", validate.Nullable, validate.String, max32)
		v.Field("customerDetails.uuid", validate.Nullable, validate.String, max32)
		return
	}
	required := s.required
	if required == nil {
		required = validate.Required
	}
	v.Field("customerDetails", required, validate.Nullable, validate.Object)
	if s.typeRequired {
		v.Field("customerDetails.type", required, validate.Nullable, inCustomerTypes)
	}
	switch s.contact {
	case contactAll:
		v.Field("customerDetails.countryCode", required, validate.Nullable, validate.String, max8)
		v.Field("customerDetails.msisdn", required, validate.Nullable, max20, validate.DigitsOnly)
		v.Field("customerDetails.email", required, validate.Nullable, validate.Email, max255)
	case contactEither:
		v.Field("customerDetails.countryCode", requiredWithoutEmail, validate.Nullable, validate.String, max8)
		v.Field("customerDetails.msisdn", requiredWithoutEmail, validate.Nullable, max20, validate.DigitsOnly)
		v.Field("customerDetails.email", requiredWithoutPhone, validate.Nullable, validate.Email, max255)
	}
	v.Field("customerDetails.name", required, validate.Nullable, validate.String, max255)
	v.Field("customerDetails.firstName", validate.Nullable, validate.String, max255)
	v.Field("customerDetails.preferredLanguage", validate.Nullable, inLangs)
	switch s.pnr {
	case pnrOptional:
		v.Field("customerDetails.personalNumber", validate.Nullable, digits11)
	case pnrRequired:
		v.Field("customerDetails.personalNumber", validate.Required, digits11)
	case pnrIfPrivate:
		v.Field("customerDetails.personalNumber", requiredIfPrivate, validate.Nullable, digits11)
	}
	if s.orgID != nil {
		req := requiredIfCorporate
		if s.orgIDRequired {
			req = validate.Required
		}
		v.Field("customerDetails.organizationId", req, validate.Nullable, s.orgID, max20)
	}
	addr := validate.Nullable
	if s.address {
		addr = required
		v.Field("customerDetails.address", required, validate.Nullable, validate.Object)
	} else {
		v.Field("customerDetails.address", validate.Nullable, validate.Object)
	}
	v.Field("customerDetails.address.street", addr, validate.Nullable, validate.String, max255)
	v.Field("customerDetails.address.zip", addr, validate.Nullable, max16)
	v.Field("customerDetails.address.city", addr, validate.Nullable, validate.String, max255)
	v.Field("customerDetails.address.country", addr, validate.Nullable, validate.Country)
}
