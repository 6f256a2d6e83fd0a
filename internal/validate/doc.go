// Package validate decodes FPGO Connect request bodies into a generic tree and
// validates them with Laravel-style rules keyed by dotted paths, producing the
// same English messages the original PHP/Laravel service returns, e.g.
//
//	The products.0.name field is required.
//	The customer details.email must be a valid email address.
//
// Validation semantics follow a default Laravel application, whose global
// middleware trims every string and converts empty strings to null: for
// validation purposes a string that is empty after trimming is treated as
// JSON null, and strings are compared and measured trimmed.
package validate
