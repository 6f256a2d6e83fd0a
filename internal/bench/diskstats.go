package bench

import (
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// write_bytes of /proc/self/io counts the page cache a process dirties, not what reaches the
// disk. On a 358 MB database copied with cp, write_bytes grew by 610 MB/s while /proc/diskstats
// showed the device writing 133 MB/s (likely because cp leaves the cache in large folios, and a
// 2 KiB page written into one counts the whole folio); on a database SQLite wrote itself the
// two agreed. So each phase also records the sectors written to the disk that
// holds the database, by every process (PostgreSQL's writes count there too).

// blockDevice is the disk (or partition) a directory lives on, as /proc/diskstats names it.
type blockDevice struct {
	name         string
	major, minor uint32
}

// deviceOf finds the block device holding dir; nil where there is none to count (tmpfs, an
// overlay, a system without /proc/diskstats).
func deviceOf(dir string) *blockDevice {
	var st unix.Stat_t
	if err := unix.Stat(dir, &st); err != nil {
		return nil
	}
	dev := uint64(st.Dev) // not uint64 on every system
	d := &blockDevice{major: unix.Major(dev), minor: unix.Minor(dev)}
	if d.major == 0 { // anonymous devices: tmpfs, overlay, btrfs subvolumes
		return nil
	}
	b, err := os.ReadFile("/proc/diskstats")
	if err != nil {
		return nil
	}
	name, _, ok := parseDiskstats(string(b), d.major, d.minor)
	if !ok {
		return nil
	}
	d.name = name
	return d
}

// writtenBytes is what the device has written since boot, or -1 when unknown.
func (d *blockDevice) writtenBytes() int64 {
	if d == nil {
		return -1
	}
	b, err := os.ReadFile("/proc/diskstats")
	if err != nil {
		return -1
	}
	_, n, ok := parseDiskstats(string(b), d.major, d.minor)
	if !ok {
		return -1
	}
	return n
}

// parseDiskstats finds the device major:minor in /proc/diskstats and returns its name and the
// bytes it has written: the tenth field counts 512-byte sectors whatever the device's own
// sector size (Documentation/admin-guide/iostats.rst).
func parseDiskstats(text string, major, minor uint32) (name string, written int64, ok bool) {
	for line := range strings.SplitSeq(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 10 {
			continue
		}
		ma, err1 := strconv.ParseUint(f[0], 10, 32)
		mi, err2 := strconv.ParseUint(f[1], 10, 32)
		if err1 != nil || err2 != nil || uint32(ma) != major || uint32(mi) != minor {
			continue
		}
		sectors, err := strconv.ParseInt(f[9], 10, 64)
		if err != nil {
			return "", 0, false
		}
		return f[2], sectors * 512, true
	}
	return "", 0, false
}
