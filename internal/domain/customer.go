package domain

import "time"

// CustomerType is private or corporate.
type CustomerType string

const (
	Private   CustomerType = "private"
	Corporate CustomerType = "corporate"
)

// Address is a billing or shipping address.
type Address struct {
	UUID    string `json:"uuid,omitempty"`
	Street  string `json:"street"`
	Zip     string `json:"zip"`
	City    string `json:"city"`
	Country string `json:"country"`
}

// IsZero reports whether no part of the address is set.
func (a Address) IsZero() bool {
	return a.Street == "" && a.Zip == "" && a.City == "" && a.Country == ""
}

// Contact is an additional contact person of a corporate customer.
type Contact struct {
	Name        string `json:"name,omitempty"`
	Email       string `json:"email,omitempty"`
	Designation string `json:"designation,omitempty"`
	CountryCode string `json:"countryCode,omitempty"`
	MSISDN      string `json:"msisdn,omitempty"`
	Note        string `json:"note,omitempty"`
}

// Customer is a merchant's customer, reused across orders by its UUID.
type Customer struct {
	UUID              string       `json:"uuid"`
	OrgID             string       `json:"-"`
	Type              CustomerType `json:"type"`
	Name              string       `json:"name"`
	FirstName         string       `json:"firstName,omitempty"`
	CountryCode       string       `json:"countryCode,omitempty"`
	MSISDN            string       `json:"msisdn,omitempty"`
	Email             string       `json:"email,omitempty"`
	PreferredLanguage string       `json:"preferredLanguage,omitempty"`
	PersonalNumber    string       `json:"personalNumber,omitempty"`
	OrganizationID    string       `json:"organizationId,omitempty"`
	Status            string       `json:"status"`
	Billing           Address      `json:"billing"`
	Shipping          *Address     `json:"shipping,omitempty"`
	Contacts          []Contact    `json:"contacts,omitempty"`
	CreatedAt         time.Time    `json:"createdAt"`
	UpdatedAt         time.Time    `json:"updatedAt"`
}

// MaskPersonalNumber shows the first two and last two digits only ("04*******85"), the way
// personal numbers appear in lists; short values are masked entirely.
func MaskPersonalNumber(pn string) string {
	if pn == "" {
		return ""
	}
	r := []rune(pn)
	if len(r) <= 4 {
		return stars(len(r))
	}
	return string(r[:2]) + stars(len(r)-4) + string(r[len(r)-2:])
}

func stars(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '*'
	}
	return string(b)
}

// Languages FPGO's checkout speaks.
var Languages = []string{"en", "no", "sv", "da", "de"}

// DefaultLanguage is used when a request names none.
const DefaultLanguage = "no"
