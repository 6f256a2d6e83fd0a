package money

// Quantity is a count of units in thousandths (1.5 units = 1500), because reservation lines
// may carry fractional quantities.
type Quantity int64

// OneUnit is a quantity of exactly one.
const OneUnit Quantity = 1000

// ParseQuantity reads a quantity with up to three decimals under the same rules as Parse.
// A negative quantity is ErrInvalid: returns and credits are expressed through amounts, not
// through negative counts.
func ParseQuantity(s string) (Quantity, error) {
	d, err := parseDecimal(s)
	if err != nil {
		return 0, err
	}
	if d.neg && d.mant != "" {
		return 0, wrap(ErrInvalid, s)
	}
	v, err := d.scaled(3, MaxAmount, s)
	return Quantity(v), err
}

// String formats q in its shortest exact form: "1", "1.5", "0.125".
func (q Quantity) String() string { return format(int64(q), 3, 0) }

// MarshalJSON writes q as a JSON number in its shortest exact form.
func (q Quantity) MarshalJSON() ([]byte, error) { return []byte(q.String()), nil }

// UnmarshalJSON accepts a JSON number or a string holding one; null sets q to zero.
func (q *Quantity) UnmarshalJSON(b []byte) error {
	v, err := unmarshal(b, func(s string) (int64, error) {
		x, err := ParseQuantity(s)
		return int64(x), err
	})
	if err != nil {
		return err
	}
	*q = Quantity(v)
	return nil
}
