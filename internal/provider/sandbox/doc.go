// Package sandbox implements every provider interface deterministically and without network,
// for sandbox mode and tests. The same input always gives the same outcome, so merchants can
// script their tests against it.
//
// # Test cards
//
// Any expiry in the future and any 3-digit CVC.
//
//	4242 4242 4242 4242   Visa        approved
//	5555 5555 5555 4444   Mastercard  approved
//	4000 0000 0000 0002   Visa        declined
//	4000 0000 0000 9995   Visa        declined: insufficient funds
//	4000 0000 0000 0119   Visa        gateway unavailable (the payment is not taken; try again)
//
// Any other card number, even a real and valid one, is declined with a hint to use a test card.
//
// # Vipps, Apple Pay, Google Pay
//
// A sandbox approval page with Approve and Decline.
//
// # BankID
//
// A sandbox page that accepts any 11-digit personal number. When the order names the
// customer's personal number, BankID must verify that same number.
//
// # Credit bureau
//
// Pay by invoice needs a score of at least 315.
//
//	00000000NNN   personal number:      score NNN (00000000314 is refused, 00000000315 passes)
//	000000NNN     organization number:  score NNN
//	11111111111   personal number:      score could not be retrieved (refused)
//	111111111     organization number:  score could not be retrieved (refused)
//
// Every other number gets a fixed score between 400 and 999 derived from the number, so it
// always passes.
package sandbox
