// Package apperr holds the error values fpgo's use cases return. Each carries a Kind, which the
// API maps to an HTTP status in exactly one place, and the FPGO message key the client sees.
// The wrapped cause is for logs only and never reaches a client.
package apperr

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the transport layer.
type Kind int

const (
	KindInternal         Kind = iota // 510 Execution Exception Occurred
	KindValidation                   // 417 Client Error, payloadValidationErrors
	KindNotFound                     // 404 Not Found
	KindConflict                     // 400 Conflict of Business Logic
	KindUnauthorized                 // 401
	KindRateLimited                  // 429
	KindDependency                   // 500 Internal Dependency Error
	KindTooLarge                     // 413
	KindMethodNotAllowed             // 405
	KindIdempotency                  // 422: key reused with another body
	KindBusy                         // 409: same key still in flight
)

// Error is an application error with a client-facing key and optional messages.
type Error struct {
	Kind     Kind
	Key      string   // FPGO message key, e.g. "orderNotFound"
	Messages []string // human messages for validation errors
	Cause    error    // internal detail, logged, never sent
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %v", e.Key, e.Cause)
	}
	if len(e.Messages) > 0 {
		return fmt.Sprintf("%s: %v", e.Key, e.Messages)
	}
	return e.Key
}

func (e *Error) Unwrap() error { return e.Cause }

// Validation is a 417 with one message per failed rule.
func Validation(msgs ...string) *Error {
	return &Error{Kind: KindValidation, Key: "payloadValidationErrors", Messages: msgs}
}

// NotFound is a 404 for the given resource key (orderNotFound, customerNotFound, …).
func NotFound(key string) *Error { return &Error{Kind: KindNotFound, Key: key} }

// Conflict is a 400 business-rule rejection (orderStatusAlreadyPaid, …).
func Conflict(key string) *Error { return &Error{Kind: KindConflict, Key: key} }

// Internal wraps an unexpected failure as a 510 without exposing it.
func Internal(cause error) *Error {
	return &Error{Kind: KindInternal, Key: "somethingWentWrong", Cause: cause}
}

// Dependency wraps a provider failure as a 500.
func Dependency(cause error) *Error {
	return &Error{Kind: KindDependency, Key: "internalErrorOccurredPleaseTryAgainLater", Cause: cause}
}

// As extracts an *Error; anything else becomes Internal.
func As(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

// IsKind reports whether err is an *Error of kind k.
func IsKind(err error, k Kind) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}

// Key returns the message key of err, or "" when it is not an *Error.
func Key(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Key
	}
	return ""
}
