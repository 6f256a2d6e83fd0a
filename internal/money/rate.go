package money

// Rate is a VAT rate in hundredths of a percent (25% = 2500, 12.5% = 1250).
type Rate int64

// MaxRate is 100%; no VAT rate exceeds it, so anything larger is a client error.
const MaxRate Rate = 10000

// ParseRate reads a percentage with up to two decimals under the same rules as Parse:
// "25", "12.5", "11.11". A negative rate is ErrInvalid and one above 100% is ErrOutOfRange.
func ParseRate(s string) (Rate, error) {
	d, err := parseDecimal(s)
	if err != nil {
		return 0, err
	}
	if d.neg && d.mant != "" {
		return 0, wrap(ErrInvalid, s)
	}
	v, err := d.scaled(2, int64(MaxRate), s)
	return Rate(v), err
}

// String formats r as a percentage in its shortest exact form, without the sign: "12.5".
func (r Rate) String() string { return format(int64(r), 2, 0) }

// MarshalJSON writes r as a JSON number of percent in its shortest exact form.
func (r Rate) MarshalJSON() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalJSON accepts a JSON number or a string holding one; null sets r to zero. It
// exists so that decoding what MarshalJSON wrote gives back the same rate: without it a
// rate of 25 would decode as the raw integer, 0.25%.
func (r *Rate) UnmarshalJSON(b []byte) error {
	v, err := unmarshal(b, func(s string) (int64, error) {
		x, err := ParseRate(s)
		return int64(x), err
	})
	if err != nil {
		return err
	}
	*r = Rate(v)
	return nil
}
