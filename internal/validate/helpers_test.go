package validate

import (
	"slices"
	"testing"
)

func mustDecode(t *testing.T, body string) Tree {
	t.Helper()
	tr, err := Decode([]byte(body))
	if err != nil {
		t.Fatalf("Decode(%q): %v", body, err)
	}
	return tr
}

// run validates one path of body with rules and returns the messages.
func run(t *testing.T, body, path string, rules ...Rule) []string {
	t.Helper()
	v := New(mustDecode(t, body))
	v.Field(path, rules...)
	return v.Errors()
}

func assertMsgs(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(want) == 0 {
		want = nil
	}
	if !slices.Equal(got, want) {
		t.Fatalf("messages:\n got  %q\n want %q", got, want)
	}
}
