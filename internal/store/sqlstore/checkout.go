package sqlstore

import (
	"database/sql"
	"time"

	"github.com/fpgo/fpgo/internal/domain"
	"github.com/fpgo/fpgo/internal/store"
)

func (t *tx) OrderByUUIDAnyOrg(uuid string, forUpdate bool) (*domain.Order, error) {
	var orgID string
	if err := t.row(`SELECT org_id FROM orders WHERE uuid = ?`, uuid).Scan(&orgID); err != nil {
		return nil, notFound(err)
	}
	return t.OrderByUUID(orgID, uuid, forUpdate)
}

// ---- payment attempts

// InsertPaymentAttempt uses ON CONFLICT DO NOTHING rather than catching the violation because a
// failed statement aborts a PostgreSQL transaction, and the caller may want to go on.
func (t *tx) InsertPaymentAttempt(a *store.PaymentAttempt) error {
	res, err := t.exec(`INSERT INTO payment_attempts (id, org_id, order_uuid, method, state, reason, card_brand, card_last4, token, source, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		a.ID, a.OrgID, a.OrderUUID, a.Method, a.State, a.Reason, a.CardBrand, a.CardLast4, a.Token, a.Source, ts(a.CreatedAt), ts(a.UpdatedAt))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrDuplicate
	}
	return nil
}

func (t *tx) UpdatePaymentAttempt(a *store.PaymentAttempt) error {
	res, err := t.exec(`UPDATE payment_attempts SET state = ?, reason = ?, card_brand = ?, card_last4 = ?, token = ?, updated_at = ?
		WHERE org_id = ? AND id = ?`, a.State, a.Reason, a.CardBrand, a.CardLast4, a.Token, ts(a.UpdatedAt), a.OrgID, a.ID)
	if isUniqueViolation(err) {
		return store.ErrDuplicate
	}
	if err != nil {
		return err
	}
	return mustAffect(res)
}

const attemptCols = `id, org_id, order_uuid, method, state, reason, card_brand, card_last4, token, source, created_at, updated_at`

func scanAttempt(sc interface{ Scan(...any) error }) (*store.PaymentAttempt, error) {
	var a store.PaymentAttempt
	var created, updated int64
	if err := sc.Scan(&a.ID, &a.OrgID, &a.OrderUUID, &a.Method, &a.State, &a.Reason, &a.CardBrand, &a.CardLast4, &a.Token, &a.Source, &created, &updated); err != nil {
		return nil, notFound(err)
	}
	a.CreatedAt, a.UpdatedAt = fromTS(created), fromTS(updated)
	return &a, nil
}

func (t *tx) PaymentAttempt(orgID, id string) (*store.PaymentAttempt, error) {
	return scanAttempt(t.row(`SELECT `+attemptCols+` FROM payment_attempts WHERE org_id = ? AND id = ?`, orgID, id))
}

func (t *tx) PaymentAttempts(orgID, orderUUID string) ([]store.PaymentAttempt, error) {
	rows, err := t.query(`SELECT `+attemptCols+` FROM payment_attempts WHERE org_id = ? AND order_uuid = ? ORDER BY created_at, id`, orgID, orderUUID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.PaymentAttempt{}
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// ---- checkout sessions

func (t *tx) CheckoutSession(tokenHash, orderUUID string) (*store.CheckoutSession, error) {
	var s store.CheckoutSession
	var bankid, signed sql.NullInt64
	var created, updated int64
	err := t.row(`SELECT token_hash, org_id, order_uuid, bankid_at, personal_number, credit_status, credit_score, signed_at, created_at, updated_at
		FROM checkout_sessions WHERE token_hash = ? AND order_uuid = ?`, tokenHash, orderUUID).
		Scan(&s.TokenHash, &s.OrgID, &s.OrderUUID, &bankid, &s.PersonalNumber, &s.CreditStatus, &s.CreditScore, &signed, &created, &updated)
	if err != nil {
		return nil, notFound(err)
	}
	s.BankIDAt, s.SignedAt = fromNullTS(bankid), fromNullTS(signed)
	s.CreatedAt, s.UpdatedAt = fromTS(created), fromTS(updated)
	return &s, nil
}

func fromNullTS(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromTS(v.Int64)
	return &t
}

func (t *tx) SaveCheckoutSession(s *store.CheckoutSession) error {
	_, err := t.exec(`INSERT INTO checkout_sessions (token_hash, order_uuid, org_id, bankid_at, personal_number, credit_status, credit_score, signed_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (token_hash, order_uuid) DO UPDATE SET bankid_at = excluded.bankid_at, personal_number = excluded.personal_number,
			credit_status = excluded.credit_status, credit_score = excluded.credit_score, signed_at = excluded.signed_at, updated_at = excluded.updated_at`,
		s.TokenHash, s.OrderUUID, s.OrgID, nullableTS(s.BankIDAt), s.PersonalNumber, s.CreditStatus, s.CreditScore, nullableTS(s.SignedAt),
		ts(s.CreatedAt), ts(s.UpdatedAt))
	return err
}

// ---- email delivery

func (t *tx) ClaimUnsentEmails(now time.Time, lease time.Duration, notBefore time.Time, maxAttempts, limit int) ([]domain.Message, error) {
	q := `SELECT id, org_id, channel, recipient, subject, body, order_uuid, created_at FROM messages
		WHERE channel = 'email' AND sent_at IS NULL AND locked_until <= ? AND created_at >= ? AND send_attempts < ?
		ORDER BY id LIMIT ?`
	if t.d.dialect == postgres {
		// Nodes claiming at the same moment take different rows instead of waiting on each other.
		q += ` FOR UPDATE SKIP LOCKED`
	}
	rows, err := t.query(q, ts(now), ts(notBefore), maxAttempts, limit)
	if err != nil {
		return nil, err
	}
	var out []domain.Message
	for rows.Next() {
		var m domain.Message
		var created int64
		if err := rows.Scan(&m.ID, &m.OrgID, &m.Channel, &m.To, &m.Subject, &m.Body, &m.OrderUUID, &created); err != nil {
			rows.Close()
			return nil, err
		}
		m.CreatedAt = fromTS(created)
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, m := range out {
		if _, err := t.exec(`UPDATE messages SET locked_until = ?, send_attempts = send_attempts + 1 WHERE id = ?`, ts(now.Add(lease)), m.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *tx) MarkMessageSent(id int64, at time.Time) error {
	res, err := t.exec(`UPDATE messages SET sent_at = ?, last_error = '' WHERE id = ?`, ts(at), id)
	if err != nil {
		return err
	}
	return mustAffect(res)
}

func (t *tx) MarkMessageFailed(id int64, reason string, retryAt time.Time) error {
	if len(reason) > 500 {
		reason = reason[:500]
	}
	res, err := t.exec(`UPDATE messages SET last_error = ?, locked_until = ? WHERE id = ?`, reason, ts(retryAt), id)
	if err != nil {
		return err
	}
	return mustAffect(res)
}
