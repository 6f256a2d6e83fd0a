package sqlstore

import (
	"os"
	"path/filepath"
	"testing"
)

// On Linux the write-back hint is a real call: it succeeds on a file with dirty pages and
// fails on a closed one (so the checkpointer would stop trying).
func TestStartWriteback(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	if err := startWriteback(f); err != nil {
		t.Errorf("startWriteback: %v", err)
	}
	f.Close()
	if err := startWriteback(f); err == nil {
		t.Error("startWriteback on a closed file succeeded")
	}
}
