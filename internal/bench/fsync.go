package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// FsyncProbe is how long the disk takes to make a small write durable.
type FsyncProbe struct {
	Dir          string  `json:"dir"`
	Samples      int     `json:"samples"`
	MedianMicros float64 `json:"medianMicros"`
	P99Micros    float64 `json:"p99Micros"`
}

// ProbeFsync times n rounds of writing 4 KiB to a file in dir and fsync()ing it, and reports
// the median: the floor under what one durable commit can cost on this disk.
func ProbeFsync(dir string, n int) (FsyncProbe, error) {
	f, err := os.CreateTemp(dir, "fsync-probe-*")
	if err != nil {
		return FsyncProbe{}, err
	}
	name := f.Name()
	defer os.Remove(name)
	defer f.Close()
	buf := make([]byte, 4096)
	for i := range buf {
		buf[i] = byte(i)
	}
	d := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		buf[0] = byte(i)
		t := time.Now()
		if _, err := f.WriteAt(buf, int64(i%16)*4096); err != nil {
			return FsyncProbe{}, err
		}
		if err := f.Sync(); err != nil {
			return FsyncProbe{}, fmt.Errorf("fsync: %w", err)
		}
		d = append(d, time.Since(t))
	}
	slices.Sort(d)
	abs, _ := filepath.Abs(dir)
	return FsyncProbe{
		Dir:          abs,
		Samples:      n,
		MedianMicros: float64(Percentile(d, 50).Nanoseconds()) / 1000,
		P99Micros:    float64(Percentile(d, 99).Nanoseconds()) / 1000,
	}, nil
}
