// Package domain holds fpgo's core types — merchants, customers, orders and their lines, refunds,
// callback events — and the rules that move an order from one status to another. It knows nothing
// of HTTP or SQL, so every rule here is tested on plain values.
package domain
