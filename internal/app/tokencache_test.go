package app

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/fpgo/fpgo/internal/apperr"
	"github.com/fpgo/fpgo/internal/clock"
	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/store"
	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

// countingStore counts read transactions, to see whether Authenticate looked the merchant up.
type countingStore struct {
	store.Store
	reads atomic.Int64
}

func (c *countingStore) Read(ctx context.Context, fn func(store.Tx) error) error {
	c.reads.Add(1)
	return c.Store.Read(ctx, fn)
}

// Two Apps on one database stand for two processes (a server and `fpgo merchant rotate-token`,
// or two nodes): a token rotated by one is refused by the other on its next request, although
// the other had the merchant cached.
func TestAuthenticateCachesAndSeesRotationByAnotherProcess(t *testing.T) {
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "auth.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	server := &countingStore{Store: db}
	a := New(server, clock.Real{}, nil, "http://fpgo.test", true)
	cli := New(db, clock.Real{}, nil, "http://fpgo.test", true)

	creds, err := cli.CreateMerchant(ctx, NewMerchant{Name: "Shop", Settings: domain.DefaultMerchantSettings()})
	if err != nil {
		t.Fatal(err)
	}
	m1, err := a.Authenticate(ctx, creds.Token)
	if err != nil || m1.ID != creds.OrganizationUUID {
		t.Fatalf("first authenticate: %v", err)
	}
	before := server.reads.Load()
	m1.Name = "changed by a caller"
	m2, err := a.Authenticate(ctx, creds.Token)
	if err != nil || m2.ID != creds.OrganizationUUID {
		t.Fatalf("second authenticate: %v", err)
	}
	if got := server.reads.Load() - before; got != 0 {
		t.Errorf("a cached token was looked up again (%d read transactions)", got)
	}
	if m2.Name != "Shop" {
		t.Errorf("a caller's change leaked into the cache: name %q", m2.Name)
	}

	rot, err := cli.RotateToken(ctx, creds.OrganizationUUID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(ctx, creds.Token); !apperr.IsKind(err, apperr.KindUnauthorized) {
		t.Fatalf("old token accepted after another process rotated it: %v", err)
	}
	if m, err := a.Authenticate(ctx, rot.Token); err != nil || m.ID != creds.OrganizationUUID {
		t.Fatalf("new token: %v", err)
	}
	// Unknown tokens are not remembered: each is looked up.
	before = server.reads.Load()
	for range 3 {
		if _, err := a.Authenticate(ctx, "fpgo_unknown"); !apperr.IsKind(err, apperr.KindUnauthorized) {
			t.Fatalf("unknown token: %v", err)
		}
	}
	if got := server.reads.Load() - before; got != 3 {
		t.Errorf("unknown token lookups = %d, want 3", got)
	}
}

func TestTokenCacheDropsEntriesReadUnderAnOlderEpoch(t *testing.T) {
	var c tokenCache
	m := &domain.Merchant{ID: "ORG1"}
	c.put("h", 5, m)
	if c.get("h", 5) == nil {
		t.Fatal("entry missing under its own epoch")
	}
	if c.get("h", 6) != nil {
		t.Fatal("entry served under a newer epoch")
	}
	c.put("h2", 4, m) // read before the epoch moved to 5: must not be kept
	if c.get("h2", 4) != nil || c.get("h2", 5) != nil {
		t.Fatal("entry from an older epoch kept")
	}
	c.put("h3", 7, m)
	if c.get("h", 7) != nil {
		t.Fatal("a newer epoch kept entries of the older one")
	}
	if c.get("h3", 7) == nil {
		t.Fatal("entry of the newest epoch missing")
	}
}
