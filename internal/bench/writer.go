package bench

import (
	"fmt"
	"io"
	"time"

	"github.com/fpgo/fpgo/internal/store/sqlstore"
)

// WriterReport is what the in-process server's group commit did during a phase: how many
// writes each commit carried and, on SQLite, how much of the phase the single writer was busy
// and where its time per write went. Everything queues behind that writer, so these say
// whether the writer or something else set the pace.
type WriterReport struct {
	Commits         int64   `json:"commits"`
	Writes          int64   `json:"writes"`
	WritesPerCommit float64 `json:"writesPerCommit"`
	Redone          int64   `json:"redone,omitempty"` // batches run again because a write failed
	// SQLite only.
	BusyFraction          float64 `json:"busyFraction,omitempty"`
	RunningMicrosPerWrite float64 `json:"runningMicrosPerWrite,omitempty"` // running the writes' statements
	CommitMicrosPerWrite  float64 `json:"commitMicrosPerWrite,omitempty"`  // COMMIT: the WAL write and its sync
	// Checkpoints beside the writer, and those the writer ran itself so the WAL could start
	// over: every write queued meanwhile waited for them.
	Checkpoints        int64   `json:"checkpoints,omitempty"`
	WriterCheckpoints  int64   `json:"writerCheckpoints,omitempty"`
	WriterCheckpointMs float64 `json:"writerCheckpointMs,omitempty"`
}

// writerBetween is the writer's work between two samples taken elapsed apart; nil when the
// phase committed nothing.
func writerBetween(a, b sqlstore.WriterStats, elapsed time.Duration) *WriterReport {
	commits, writes := b.Batches-a.Batches, b.Writes-a.Writes
	if commits <= 0 || writes <= 0 {
		return nil
	}
	r := &WriterReport{Commits: commits, Writes: writes, WritesPerCommit: round1(float64(writes) / float64(commits)), Redone: b.Redone - a.Redone}
	if busy := b.Busy - a.Busy; busy > 0 && elapsed > 0 {
		r.BusyFraction = round3(float64(busy) / float64(elapsed))
		r.RunningMicrosPerWrite = round1(float64(b.RunningWrites-a.RunningWrites) / float64(time.Microsecond) / float64(writes))
		r.CommitMicrosPerWrite = round1(float64(b.Commit-a.Commit) / float64(time.Microsecond) / float64(writes))
	}
	r.Checkpoints, r.WriterCheckpoints = b.Checkpoints-a.Checkpoints, b.WriterCheckpoints-a.WriterCheckpoints
	r.WriterCheckpointMs = round1(float64(b.WriterCheckpointing-a.WriterCheckpointing) / float64(time.Millisecond))
	return r
}

func (r *WriterReport) write(w io.Writer, phase string) {
	if r == nil {
		return
	}
	fmt.Fprintf(w, "group commit during %s: %.1f writes per commit (%d commits)", phase, r.WritesPerCommit, r.Commits)
	if r.BusyFraction > 0 {
		fmt.Fprintf(w, "; the writer busy %.0f%% of the time, per write %.0f µs running it and %.0f µs in COMMIT",
			r.BusyFraction*100, r.RunningMicrosPerWrite, r.CommitMicrosPerWrite)
	}
	if r.Checkpoints > 0 || r.WriterCheckpoints > 0 {
		fmt.Fprintf(w, "; %d checkpoints beside it and %d by the writer itself (%.1f ms)", r.Checkpoints, r.WriterCheckpoints, r.WriterCheckpointMs)
	}
	switch {
	case r.Redone == 1:
		fmt.Fprint(w, "; 1 batch run again after a failed write")
	case r.Redone > 1:
		fmt.Fprintf(w, "; %d batches run again after a failed write", r.Redone)
	}
	fmt.Fprintln(w)
}
