//go:build !linux

package sqlstore

import (
	"errors"
	"os"
)

// startWriteback has no portable equivalent: elsewhere the database file's pages are written
// when SQLite syncs it, as SQLite does by itself.
func startWriteback(*os.File) error { return errors.ErrUnsupported }
