package sandbox

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/fpgo/fpgo/internal/provider"
)

var ctx = context.Background()

func TestTestCards(t *testing.T) {
	for number, want := range map[string]provider.CardOutcome{
		CardVisaOK: provider.CardApproved, CardMastercardOK: provider.CardApproved,
		CardDeclined: provider.CardDeclined, CardInsufficientFunds: provider.CardInsufficientFunds,
		"4111111111111111": provider.CardDeclined, // a valid number that is not a test card
	} {
		res, err := Cards{}.Charge(ctx, provider.CardCharge{Card: provider.Card{Number: number}, Amount: 100})
		if err != nil {
			t.Fatal(err)
		}
		if res.Outcome != want || res.Last4 != number[12:] {
			t.Errorf("%s: %+v, want %s", number, res, want)
		}
		if (res.Token != "") != (want == provider.CardApproved) {
			t.Errorf("%s: token %q", number, res.Token)
		}
		if strings.Contains(res.Token, number) {
			t.Errorf("token carries the number")
		}
	}
	if _, err := (Cards{}).Charge(ctx, provider.CardCharge{Card: provider.Card{Number: CardGatewayDown}}); !errors.Is(err, provider.ErrUnavailable) {
		t.Errorf("gateway-down card: err = %v", err)
	}
}

func TestCreditScores(t *testing.T) {
	b := CreditBureau{}
	for number, want := range map[string]provider.CreditResult{
		"00000000314": {Score: 314, Available: true},
		"00000000315": {Score: 315, Available: true},
		"000000100":   {Score: 100, Available: true},
		"11111111111": {},
		"111111111":   {},
	} {
		got, err := b.Score(ctx, number)
		if err != nil || got != want {
			t.Errorf("Score(%s) = %+v, %v; want %+v", number, got, err, want)
		}
	}
	for _, number := range []string{"12345678901", "28038712383", "123456789", "999999999"} {
		a, _ := b.Score(ctx, number)
		again, _ := b.Score(ctx, number)
		if a != again || !a.Approved() || a.Score > 999 {
			t.Errorf("Score(%s) = %+v then %+v: want one stable passing score", number, a, again)
		}
	}
}

func TestWalletRoundTrip(t *testing.T) {
	w := Wallet{PagePath: "/sandbox/pages/wallet"}
	s, err := w.Begin(ctx, provider.WalletRequest{Method: "vipps", Reference: "PAY1", ReturnURL: "/checkout/ODR1/return/PAY1", State: "st", Amount: 15000})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(s.RedirectURL)
	if u.Path != "/sandbox/pages/wallet" || u.Query().Get("return") != "/checkout/ODR1/return/PAY1" || u.Query().Get("amount") != "150.00" {
		t.Errorf("redirect = %s", s.RedirectURL)
	}
	if r, _ := w.Complete(ctx, "PAY1", url.Values{"decision": {"approve"}}); !r.Approved || r.Token == "" {
		t.Errorf("approve: %+v", r)
	}
	if r, _ := w.Complete(ctx, "PAY1", url.Values{"decision": {"decline"}}); r.Approved {
		t.Errorf("decline approved")
	}
	if r, _ := w.Complete(ctx, "PAY1", url.Values{}); r.Approved {
		t.Errorf("no decision approved")
	}
}

func TestBankID(t *testing.T) {
	b := BankID{PagePath: "/sandbox/pages/bankid"}
	u, _ := b.Begin(ctx, provider.BankIDRequest{ReturnURL: "/r", State: "s", Hint: "12345678901"})
	if strings.Contains(u, "12345678901") || !strings.HasPrefix(u, "/sandbox/pages/bankid?") {
		t.Errorf("begin = %s", u)
	}
	id, err := b.Complete(ctx, url.Values{"personalNumber": {" 28038712383 "}})
	if err != nil || id.PersonalNumber != "28038712383" {
		t.Errorf("valid: %+v %v", id, err)
	}
	for _, p := range []url.Values{{"personalNumber": {"1234"}}, {"personalNumber": {"2803871238a"}}, {"cancel": {"1"}, "personalNumber": {"28038712383"}}} {
		if _, err := b.Complete(ctx, p); !errors.Is(err, provider.ErrNotIdentified) {
			t.Errorf("%v: err = %v", p, err)
		}
	}
}
