package app

import (
	"context"
	"errors"

	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/ids"
	"github.com/fpgo/fpgo/internal/store"
)

// NewMerchant describes a merchant to create.
type NewMerchant struct {
	Name      string
	OrgNumber string
	Settings  domain.MerchantSettings
}

// MerchantCredentials are shown once, at creation or rotation; only the token's hash is kept.
type MerchantCredentials struct {
	OrganizationUUID string `json:"organizationUuid"`
	Token            string `json:"token"`
	CallbackSecret   string `json:"callbackSecret"`
}

// CreateMerchant creates a merchant with a fresh token and callback secret.
func (a *App) CreateMerchant(ctx context.Context, nm NewMerchant) (MerchantCredentials, error) {
	if nm.Name == "" {
		return MerchantCredentials{}, apperr.Validation("The name field is required.")
	}
	token := ids.Secret("fpgo_")
	m := &domain.Merchant{
		ID:             ids.New(ids.Organization),
		Name:           nm.Name,
		OrgNumber:      nm.OrgNumber,
		TokenHash:      ids.Hash(token),
		CallbackSecret: ids.Secret("whsec_"),
		Settings:       nm.Settings,
		CreatedAt:      a.Clock.Now(),
	}
	err := a.Store.Write(ctx, func(tx store.Tx) error {
		for attempt := 0; ; attempt++ {
			err := tx.InsertMerchant(m)
			if !errors.Is(err, store.ErrDuplicate) || attempt > 5 {
				return err
			}
			m.ID = ids.New(ids.Organization)
		}
	})
	if err != nil {
		return MerchantCredentials{}, err
	}
	return MerchantCredentials{OrganizationUUID: m.ID, Token: token, CallbackSecret: m.CallbackSecret}, nil
}

// Merchants lists every merchant.
func (a *App) Merchants(ctx context.Context) ([]domain.Merchant, error) {
	var out []domain.Merchant
	err := a.Store.Read(ctx, func(tx store.Tx) error {
		var err error
		out, err = tx.ListMerchants()
		return err
	})
	return out, err
}

// RotateToken replaces a merchant's bearer token; the old one stops working at once.
func (a *App) RotateToken(ctx context.Context, orgID string) (MerchantCredentials, error) {
	token := ids.Secret("fpgo_")
	var m *domain.Merchant
	err := a.Store.Write(ctx, func(tx store.Tx) error {
		var err error
		m, err = tx.MerchantByID(orgID)
		if err != nil {
			return notFound(err, "organizationNotFound")
		}
		m.TokenHash = ids.Hash(token)
		return tx.UpdateMerchant(m)
	})
	if err != nil {
		return MerchantCredentials{}, err
	}
	return MerchantCredentials{OrganizationUUID: m.ID, Token: token, CallbackSecret: m.CallbackSecret}, nil
}

// Authenticate finds the merchant a bearer token belongs to.
func (a *App) Authenticate(ctx context.Context, token string) (*domain.Merchant, error) {
	if token == "" {
		return nil, &apperr.Error{Kind: apperr.KindUnauthorized, Key: "unauthenticated"}
	}
	// The epoch is read before the merchant, so a change committed in between makes the
	// entry stale at once rather than caching old credentials under the new epoch.
	epoch, err := a.Store.CredentialsEpoch(ctx)
	if err != nil {
		return nil, err
	}
	hash := ids.Hash(token)
	if m := a.tokens.get(hash, epoch); m != nil {
		return m, nil
	}
	var m *domain.Merchant
	err = a.Store.Read(ctx, func(tx store.Tx) error {
		var err error
		m, err = tx.MerchantByTokenHash(hash)
		return err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, &apperr.Error{Kind: apperr.KindUnauthorized, Key: "unauthenticated"}
	}
	if err != nil {
		return nil, err
	}
	a.tokens.put(hash, epoch, m)
	return m, nil
}
