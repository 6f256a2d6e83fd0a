package app

import (
	"context"
	"time"

	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/store"
)

// PerPage is the page size of every list, as in FPGO's subscription list.
const PerPage = 50

// StatusPage is one page of the order status list.
type StatusPage struct {
	Rows        []store.OrderStatusRow
	Total, Page int
}

// LastPage is the number of the last page (at least 1).
func (p StatusPage) LastPage() int {
	if p.Total == 0 {
		return 1
	}
	return (p.Total + PerPage - 1) / PerPage
}

// OrderStatuses lists the merchant's orders, newest first, optionally of one status.
func (a *App) OrderStatuses(ctx context.Context, orgID string, status domain.Status, page int) (StatusPage, error) {
	if page < 1 {
		page = 1
	}
	a.expireDue(ctx, orgID)
	out := StatusPage{Page: page}
	err := a.Store.Read(ctx, func(tx store.Tx) error {
		rows, total, err := tx.ListOrderStatuses(orgID, status, store.Page{Limit: PerPage, Offset: (page - 1) * PerPage})
		out.Rows, out.Total = rows, total
		return err
	})
	return out, err
}

// Order returns one order of the merchant, expiring its link first if it is past due.
func (a *App) Order(ctx context.Context, orgID, uuid string) (*domain.Order, error) {
	var o *domain.Order
	err := a.Store.Read(ctx, func(tx store.Tx) error {
		var err error
		o, err = tx.OrderByUUID(orgID, uuid, false)
		return notFound(err, "orderNotFound")
	})
	if err != nil || !o.IsDue(a.Clock.Now()) {
		return o, err
	}
	err = a.Store.Write(ctx, func(tx store.Tx) error {
		var err error
		o, err = a.lockOrder(tx, orgID, uuid, a.Clock.Now())
		return err
	})
	return o, err
}

// expireDue expires the merchant's links that are past due before a list is read. Best effort:
// the sweeper catches anything this misses.
func (a *App) expireDue(ctx context.Context, orgID string) {
	if _, err := a.ExpireDue(ctx, orgID, 500); err != nil {
		a.Log.Warn("expire due orders", "err", err)
	}
}

// ExpireDue moves SENT orders past their due date to EXPIRED (of one organization, or of all
// when orgID is empty) and returns how many it expired.
func (a *App) ExpireDue(ctx context.Context, orgID string, limit int) (int, error) {
	now := a.Clock.Now()
	var refs []store.OrderRef
	if err := a.Store.Read(ctx, func(tx store.Tx) error {
		var err error
		refs, err = tx.DueOrders(orgID, now, limit)
		return err
	}); err != nil {
		return 0, err
	}
	n := 0
	for _, r := range refs {
		err := a.Store.Write(ctx, func(tx store.Tx) error {
			_, err := a.lockOrder(tx, r.OrgID, r.UUID, now)
			return err
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// RunExpirySweeper expires due links every interval until ctx ends.
func (a *App) RunExpirySweeper(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := a.ExpireDue(ctx, "", 1000); err != nil && ctx.Err() == nil {
				a.Log.Warn("expiry sweep", "err", err)
			}
		}
	}
}

// CallbackEvents lists the callbacks written for an order.
func (a *App) CallbackEvents(ctx context.Context, orgID, uuid string) ([]domain.CallbackEvent, error) {
	var out []domain.CallbackEvent
	err := a.Store.Read(ctx, func(tx store.Tx) error {
		var err error
		out, err = tx.CallbackEvents(orgID, uuid)
		return err
	})
	return out, err
}

// Messages lists the merchant's outgoing SMS and email, newest first.
func (a *App) Messages(ctx context.Context, orgID, to string) ([]domain.Message, error) {
	var out []domain.Message
	err := a.Store.Read(ctx, func(tx store.Tx) error {
		var err error
		out, err = tx.Messages(orgID, to, 200)
		return err
	})
	return out, err
}
