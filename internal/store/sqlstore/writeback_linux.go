package sqlstore

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing f's dirty pages to the disk and returns
// without waiting for them: sync_file_range(SYNC_FILE_RANGE_WRITE) neither waits for the writes
// nor flushes the disk's cache, so it promises nothing about durability. SQLite's own fsync
// still does that; it only finds less left to write. See checkpoint.go for why.
func startWriteback(f *os.File) error {
	return unix.SyncFileRange(int(f.Fd()), 0, 0, unix.SYNC_FILE_RANGE_WRITE)
}
