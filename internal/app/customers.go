package app

import (
	"context"
	"errors"
	"time"

	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/ids"
	"github.com/fpgo/fpgo/internal/store"
)

// resolveCustomer returns the referenced customer of this merchant, or creates one from the
// details. nil input means an order without customer (withCustomer=false).
func (a *App) resolveCustomer(tx store.Tx, orgID string, in *CustomerInput, now time.Time) (*domain.Customer, error) {
	if in == nil {
		return nil, nil
	}
	if in.UUID != "" {
		c, err := tx.CustomerByUUID(orgID, in.UUID)
		if err != nil {
			return nil, notFound(err, "customerNotFound")
		}
		return c, nil
	}
	c := &domain.Customer{
		UUID:              ids.New(ids.Customer),
		OrgID:             orgID,
		Type:              in.Type,
		Name:              in.Name,
		FirstName:         in.FirstName,
		CountryCode:       in.CountryCode,
		MSISDN:            in.MSISDN,
		Email:             in.Email,
		PreferredLanguage: in.PreferredLanguage,
		PersonalNumber:    in.PersonalNumber,
		OrganizationID:    in.OrganizationID,
		Status:            "Active",
		Billing:           in.Address,
		CreatedAt:         now,
		UpdatedAt:         now,
	}
	if c.Type == "" {
		c.Type = domain.Private
	}
	if !c.Billing.IsZero() {
		c.Billing.UUID = ids.New(ids.Address)
	}
	for attempt := 0; ; attempt++ {
		err := tx.InsertCustomer(c)
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, store.ErrDuplicate) || attempt > 5 {
			return nil, err
		}
		c.UUID = ids.New(ids.Customer)
	}
}

// Customer returns one customer of the merchant.
func (a *App) Customer(ctx context.Context, orgID, uuid string) (*domain.Customer, error) {
	var c *domain.Customer
	err := a.Store.Read(ctx, func(tx store.Tx) error {
		var err error
		c, err = tx.CustomerByUUID(orgID, uuid)
		return notFound(err, "customerNotFound")
	})
	return c, err
}

// CustomerUpdate is a validated customer update.
type CustomerUpdate struct {
	Type              domain.CustomerType
	Name              string
	Email             string
	CountryCode       string
	MSISDN            string
	PreferredLanguage string
	PersonalNumber    *string // nil: unchanged
	OrganizationID    *string // nil: unchanged
	Billing           domain.Address
	Shipping          *domain.Address
	Contacts          []domain.Contact
}

// UpdateCustomer changes a customer's details; the endpoint's type must match the customer's.
func (a *App) UpdateCustomer(ctx context.Context, orgID, uuid string, in CustomerUpdate) (Ack, error) {
	return write(ctx, a, orgID, func(tx store.Tx) (Ack, error) {
		c, err := tx.CustomerByUUID(orgID, uuid)
		if err != nil {
			return Ack{}, notFound(err, "customerNotFound")
		}
		if c.Type != in.Type {
			return Ack{}, apperr.Conflict("customerTypeMismatch")
		}
		c.Name, c.Email, c.CountryCode, c.MSISDN, c.PreferredLanguage = in.Name, in.Email, in.CountryCode, in.MSISDN, in.PreferredLanguage
		if in.PersonalNumber != nil {
			c.PersonalNumber = *in.PersonalNumber
		}
		if in.OrganizationID != nil {
			c.OrganizationID = *in.OrganizationID
		}
		billingUUID := c.Billing.UUID
		c.Billing = in.Billing
		c.Billing.UUID = billingUUID
		if c.Billing.UUID == "" {
			c.Billing.UUID = ids.New(ids.Address)
		}
		if in.Shipping != nil {
			ship := *in.Shipping
			if c.Shipping != nil && c.Shipping.UUID != "" {
				ship.UUID = c.Shipping.UUID
			} else {
				ship.UUID = ids.New(ids.Address)
			}
			c.Shipping = &ship
		}
		if in.Contacts != nil {
			c.Contacts = in.Contacts
		}
		c.UpdatedAt = a.Clock.Now()
		return Ack{Status: c.Status}, tx.UpdateCustomer(c)
	})
}
