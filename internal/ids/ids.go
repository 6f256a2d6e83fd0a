// Package ids makes the random, prefixed identifiers FPGO uses (ODR3506777330, CSRT3463048878, …)
// and the secrets handed to merchants. Nothing here is sequential, so ids leak no volume.
package ids

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"math"
)

// Prefixes FPGO puts in front of each kind of identifier.
const (
	Order        = "ODR"
	Customer     = "CSRT"
	Address      = "ADRS"
	Organization = "ORG"
	Reservation  = "RES"
	Subscription = "SUB"
	Capture      = "CAP"
	Charge       = "CHA"
	Terminal     = "TRML"
	CompanyCheck = "COMCHK"
	Refund       = "RFND"
	Payment      = "PAY"
)

// idSpace is the number of distinct ids of one kind: 10 decimal digits.
const idSpace = 10_000_000_000

// idLimit is the largest multiple of idSpace a uint64 holds. Random values at or above it are
// drawn again, so that every id is equally likely.
const idLimit = (math.MaxUint64 / idSpace) * idSpace

// New returns prefix followed by 10 random digits. The space is 10^10, so callers insert with a
// uniqueness check and draw again on the rare collision.
func New(prefix string) string {
	var b [8]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			panic("ids: crypto/rand failed: " + err.Error())
		}
		v := binary.LittleEndian.Uint64(b[:])
		if v >= idLimit {
			continue
		}
		v %= idSpace
		id := make([]byte, len(prefix)+10)
		copy(id, prefix)
		for i := len(id) - 1; i >= len(prefix); i-- {
			id[i] = byte('0' + v%10)
			v /= 10
		}
		return string(id)
	}
}

// Secret returns a random URL-safe secret of 32 bytes with a readable prefix, used for bearer
// tokens ("fpgo_…") and callback secrets ("whsec_…").
func Secret(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("ids: crypto/rand failed: " + err.Error())
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// Hash is how tokens are stored: only their SHA-256, so a leaked database does not leak tokens.
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
