package bench

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// On a shared machine another process can take the CPU during one phase and not the other, and
// the ratio then means little. Each phase records how much CPU this process used, how much the
// rest of the machine used (PostgreSQL's backends count there), and how much the hypervisor
// stole, so a disturbed run can be seen in the report. It also records the bytes written: the
// page cache this process dirtied (the in-process server's SQLite WAL and checkpoints) and what
// the database's disk wrote (diskstats.go). On a machine whose disk sets the pace, bytes per
// order say more than orders per second.

// CPUUsage is the average number of cores busy during a phase.
type CPUUsage struct {
	SelfCores  float64 `json:"selfCores"`  // this process: server (in-process) and load generator
	OtherCores float64 `json:"otherCores"` // every other process on the machine
	StealCores float64 `json:"stealCores"` // taken by the hypervisor (a virtual machine's neighbours)
	// WriteMBPerSecond: the page cache this process dirtied (write_bytes of /proc/self/io), in
	// MB (10^6 bytes) per second; absent where the kernel does not report it. More than reached
	// the disk when the file's cache is in large folios (diskstats.go).
	WriteMBPerSecond float64 `json:"writeMBPerSecond,omitempty"`
	// DeviceWriteMBPerSecond: what the disk holding the database wrote, for every process
	// (Machine.Disk names it); absent where it cannot be told.
	DeviceWriteMBPerSecond float64 `json:"deviceWriteMBPerSecond,omitempty"`
}

type cpuSample struct {
	at          time.Time
	busy, steal float64 // seconds, whole machine, from /proc/stat
	self        float64 // seconds, this process
	ok          bool
	written     int64 // page cache this process dirtied, in bytes; -1 when unknown
	devWritten  int64 // bytes the database's disk wrote; -1 when unknown
}

// clockTicks is USER_HZ, the unit of /proc/stat; 100 on every Linux architecture Go runs on.
const clockTicks = 100

// sampleCPU reads the CPU counters, the page cache this process has dirtied and what disk has
// written (nil: not counted).
func sampleCPU(disk *blockDevice) cpuSample {
	s := cpuSample{at: time.Now(), written: writtenBytes(), devWritten: disk.writtenBytes()}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		s.self = tvSeconds(ru.Utime) + tvSeconds(ru.Stime)
	}
	f, err := os.Open("/proc/stat")
	if err != nil {
		return s
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return s
	}
	busy, steal, ok := parseProcStatCPU(sc.Text())
	s.busy, s.steal, s.ok = busy, steal, ok
	return s
}

func tvSeconds(tv syscall.Timeval) float64 {
	return float64(tv.Sec) + float64(tv.Usec)/1e6
}

// parseProcStatCPU reads the aggregate "cpu" line of /proc/stat: user nice system idle iowait
// irq softirq steal … (in clock ticks). Busy is user+nice+system+irq+softirq.
func parseProcStatCPU(line string) (busy, steal float64, ok bool) {
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, 0, false
	}
	v := make([]float64, 8)
	for i := range v {
		n, err := strconv.ParseFloat(f[i+1], 64)
		if err != nil {
			return 0, 0, false
		}
		v[i] = n / clockTicks
	}
	return v[0] + v[1] + v[2] + v[5] + v[6], v[7], true
}

// writtenBytes reads write_bytes from /proc/self/io, or -1.
func writtenBytes() int64 {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return -1
	}
	return parseWriteBytes(string(b))
}

func parseWriteBytes(io string) int64 {
	for _, line := range strings.Split(io, "\n") {
		if v, ok := strings.CutPrefix(line, "write_bytes:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return -1
			}
			return n
		}
	}
	return -1
}

// cpuBetween is the usage from a to b.
func cpuBetween(a, b cpuSample) *CPUUsage {
	secs := b.at.Sub(a.at).Seconds()
	if !a.ok || !b.ok || secs <= 0 {
		return nil
	}
	self := (b.self - a.self) / secs
	other := (b.busy-a.busy)/secs - self
	if other < 0 { // the two clocks tick at different granularities
		other = 0
	}
	u := &CPUUsage{SelfCores: round3(self), OtherCores: round3(other), StealCores: round3((b.steal - a.steal) / secs)}
	if a.written >= 0 && b.written >= a.written {
		u.WriteMBPerSecond = round3(float64(b.written-a.written) / 1e6 / secs)
	}
	if a.devWritten >= 0 && b.devWritten >= a.devWritten {
		u.DeviceWriteMBPerSecond = round3(float64(b.devWritten-a.devWritten) / 1e6 / secs)
	}
	return u
}
