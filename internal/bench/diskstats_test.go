package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Lines of /proc/diskstats from the machine of 2026-12-07 (kernel 6.18: 20 fields).
const sampleDiskstats = `   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 252       0 zram0 12 0 96 0 0 0 0 0 0 0 0 0 0 0 0 0 0
 254       0 vda 59843 2046 4914306 27104 1936420 925016 262311712 1710011 0 1001428 2043117 0 0 0 0 64912 306001
 254       1 vda1 59700 2046 4910000 27000 1936400 925016 262311000 1710000 0 1001000 2043000 0 0 0 0 0 0
 254       2 vdb 3 0 x 0 0 0 bad 0 0 0 0 0 0 0 0 0
`

func TestParseDiskstats(t *testing.T) {
	cases := []struct {
		name         string
		major, minor uint32
		want         string
		written      int64
		ok           bool
	}{
		{"whole disk", 254, 0, "vda", 262311712 * 512, true},
		{"partition", 254, 1, "vda1", 262311000 * 512, true},
		{"idle device", 7, 0, "loop0", 0, true},
		{"no such device", 8, 0, "", 0, false},
		{"sectors not a number", 254, 2, "", 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			name, n, ok := parseDiskstats(sampleDiskstats, c.major, c.minor)
			if name != c.want || n != c.written || ok != c.ok {
				t.Errorf("parseDiskstats(%d:%d) = %q, %d, %v; want %q, %d, %v", c.major, c.minor, name, n, ok, c.want, c.written, c.ok)
			}
		})
	}
	if _, _, ok := parseDiskstats("254 0 vda 1 2 3\n", 254, 0); ok {
		t.Error("a line too short to hold sectors written was read")
	}
}

func TestCPUBetweenCountsDeviceWrites(t *testing.T) {
	at := time.Unix(0, 0)
	u := cpuBetween(cpuSample{at: at, ok: true, written: 0, devWritten: 1_000_000},
		cpuSample{at: at.Add(4 * time.Second), ok: true, written: 40_000_000, devWritten: 9_000_000})
	if u == nil || u.WriteMBPerSecond != 10 || u.DeviceWriteMBPerSecond != 2 {
		t.Errorf("usage %+v, want 10 MB/s dirtied and 2 MB/s written by the device", u)
	}
	u = cpuBetween(cpuSample{at: at, ok: true, devWritten: -1}, cpuSample{at: at.Add(time.Second), ok: true, devWritten: -1})
	if u == nil || u.DeviceWriteMBPerSecond != 0 {
		t.Errorf("usage without a device: %+v", u)
	}
	var none *blockDevice
	if n := none.writtenBytes(); n != -1 {
		t.Errorf("no device: written %d, want -1", n)
	}
}

func TestReportNamesTheDiskAndItsWrites(t *testing.T) {
	r := &Report{Workload: "create", Machine: Machine{Disk: "vda"}}
	r.setMain(PhaseReport{Mode: "closed", Requests: 100, RequestsPerSecond: 1000, WritesPerSecond: 1000,
		CPU: &CPUUsage{SelfCores: 1, WriteMBPerSecond: 40, DeviceWriteMBPerSecond: 20}})
	var table strings.Builder
	r.WriteTable(&table)
	for _, want := range []string{"page cache dirtied 40.0 MB/s, 40.0 KB per write", "vda wrote 20.0 MB/s, 20.0 KB per write"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
}

// On Linux, the directory a test writes to usually sits on a disk /proc/diskstats counts; where it
// does not (tmpfs), there is nothing to count and the test says so.
func TestDeviceOfCountsWhatTheDiskWrites(t *testing.T) {
	if deviceOf(filepath.Join(t.TempDir(), "missing")) != nil {
		t.Error("a directory that does not exist has a device")
	}
	dir := t.TempDir()
	d := deviceOf(dir)
	if d == nil {
		t.Skipf("no block device in /proc/diskstats holds %s (tmpfs, overlay or not Linux)", dir)
	}
	before := d.writtenBytes()
	if before < 0 {
		t.Fatalf("%s: written bytes unknown", d.name)
	}
	f, err := os.Create(filepath.Join(dir, "probe"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if after := d.writtenBytes(); after-before < 1<<20 {
		t.Errorf("%s wrote %d bytes across a synced 1 MiB write, want at least 1 MiB", d.name, after-before)
	}
}
