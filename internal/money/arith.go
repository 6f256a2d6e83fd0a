package money

import (
	"fmt"
	"math/big"
)

// LineTotal is q × unitPrice − discount, rounded half away from zero to whole øre. The whole
// expression is rounded once, so a discount that makes the line negative rounds the same
// way a negative price would. The error wraps ErrOutOfRange when the result overflows int64.
func LineTotal(q Quantity, unitPrice Amount, discount Amount) (Amount, error) {
	n := new(big.Int).Mul(big.NewInt(int64(q)), big.NewInt(int64(unitPrice)))
	n.Sub(n, new(big.Int).Mul(big.NewInt(int64(discount)), big.NewInt(int64(OneUnit))))
	v := roundQuo(n, big.NewInt(int64(OneUnit)))
	if !v.IsInt64() {
		return 0, fmt.Errorf("%w: %s × %s − %s", ErrOutOfRange, q, unitPrice, discount)
	}
	return Amount(v.Int64()), nil
}

// VATPortion is the VAT contained in a VAT-inclusive amount, gross × r / (100% + r), rounded
// half away from zero. It panics if r is negative: rates come from ParseRate, which never
// returns one, and a negative rate could divide by zero.
func VATPortion(gross Amount, r Rate) Amount {
	if r < 0 {
		panic("money: negative VAT rate " + format(int64(r), 2, 0))
	}
	n := new(big.Int).Mul(big.NewInt(int64(gross)), big.NewInt(int64(r)))
	d := new(big.Int).Add(big.NewInt(int64(MaxRate)), big.NewInt(int64(r)))
	// |result| ≤ |gross| because r/(100% + r) < 1, so the result always fits.
	return Amount(roundQuo(n, d).Int64())
}

// Net is gross minus its VATPortion. It cannot overflow: the portion has gross's sign and a
// smaller magnitude.
func Net(gross Amount, r Rate) Amount { return gross - VATPortion(gross, r) }

// Sum adds amounts; the error wraps ErrOutOfRange when the total overflows int64.
func Sum(as ...Amount) (Amount, error) {
	var total Amount
	for _, a := range as {
		t := total + a
		if (a > 0 && t < total) || (a < 0 && t > total) {
			return 0, fmt.Errorf("%w: sum overflows", ErrOutOfRange)
		}
		total = t
	}
	return total, nil
}

// WithinTolerance reports |a−b| ≤ tol, computed without overflow; a negative tol is never met.
func WithinTolerance(a, b, tol Amount) bool {
	if tol < 0 {
		return false
	}
	var diff uint64
	if a >= b {
		diff = uint64(a) - uint64(b) // wraps mod 2^64 to the true difference, which is < 2^64
	} else {
		diff = uint64(b) - uint64(a)
	}
	return diff <= uint64(tol)
}

// roundQuo returns n/d rounded half away from zero; d must be positive. Quo truncates toward
// zero, so the remainder has n's sign and the correction moves away from zero.
func roundQuo(n, d *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if r.Sign() != 0 && new(big.Int).Lsh(new(big.Int).Abs(r), 1).Cmp(d) >= 0 {
		q.Add(q, big.NewInt(int64(r.Sign())))
	}
	return q
}
