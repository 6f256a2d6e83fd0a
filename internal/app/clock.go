package app

import (
	"context"
	"errors"
	"time"

	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/store"
)

// ErrNoTestClock: the clock can only be moved in sandbox mode.
var ErrNoTestClock = apperr.NotFound("routeNotFound")

func (a *App) testClock() (*clock.Test, error) {
	tc, ok := a.Clock.(*clock.Test)
	if !ok || !a.Sandbox {
		return nil, ErrNoTestClock
	}
	return tc, nil
}

// AdvanceClock moves the sandbox clock forward by d on every node: the offset is stored, and
// the other nodes pick it up within a second (SyncClock). Due links expire at once.
func (a *App) AdvanceClock(ctx context.Context, d time.Duration) (time.Time, error) {
	tc, err := a.testClock()
	if err != nil {
		return time.Time{}, err
	}
	if d < 0 {
		return time.Time{}, apperr.Validation("The seconds must be at least 0.")
	}
	var offset time.Duration
	if err := a.Store.Write(ctx, func(tx store.Tx) error {
		var err error
		offset, err = tx.AdvanceSandboxClock(d)
		return err
	}); err != nil {
		return time.Time{}, err
	}
	tc.SetOffset(offset)
	if _, err := a.ExpireDue(ctx, "", 10_000); err != nil {
		a.Log.Warn("expire after clock advance", "err", err)
	}
	return tc.Now(), nil
}

// SyncClock loads the shared sandbox clock offset; nodes call it periodically.
func (a *App) SyncClock(ctx context.Context) error {
	tc, err := a.testClock()
	if err != nil {
		return nil
	}
	return a.Store.Read(ctx, func(tx store.Tx) error {
		offset, err := tx.SandboxClockOffset()
		if err == nil {
			tc.SetOffset(offset)
		}
		return err
	})
}

// RunClockSync keeps this node's sandbox clock in step with the others until ctx ends.
func (a *App) RunClockSync(ctx context.Context, every time.Duration) {
	if _, err := a.testClock(); err != nil {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := a.SyncClock(ctx); err != nil && !errors.Is(err, context.Canceled) && ctx.Err() == nil {
			a.Log.Warn("sandbox clock sync", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
