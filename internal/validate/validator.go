package validate

import (
	"strconv"
	"strings"
)

// Validator collects Laravel-style messages for one Tree.
type Validator struct {
	t    Tree
	errs []string
}

// New returns a Validator for t.
func New(t Tree) *Validator {
	return &Validator{t: t}
}

// Field validates path with rules and records at most one message per
// concrete path. A "*" segment stands for every index of the array at that
// point; when that value is absent or not an array the wildcard expands to
// nothing. Rules run in order and stop at the first failure. Messages keep
// registration order, wildcard expansions in index order.
func (v *Validator) Field(path string, rules ...Rule) {
	for _, c := range v.t.expand(path) {
		if msg, ok := v.check(c, rules); !ok {
			v.errs = append(v.errs, msg)
		}
	}
}

// Add appends a message computed by the caller, keeping order.
func (v *Validator) Add(msg string) {
	v.errs = append(v.errs, msg)
}

// Errors returns the messages in order; nil when valid.
func (v *Validator) Errors() []string {
	if len(v.errs) == 0 {
		return nil
	}
	return append([]string(nil), v.errs...)
}

// Valid reports whether no message was recorded.
func (v *Validator) Valid() bool {
	return len(v.errs) == 0
}

// concrete is one expansion of a wildcard path.
type concrete struct {
	path string
	idx  []string // the indexes that replaced each "*", in order
}

func (t Tree) expand(path string) []concrete {
	segs := strings.Split(path, ".")
	var out []concrete
	var walk func(i int, prefix []string, idx []string)
	walk = func(i int, prefix []string, idx []string) {
		for ; i < len(segs); i++ {
			if segs[i] != "*" {
				prefix = append(prefix, segs[i])
				continue
			}
			arr, _ := t.getSegs(prefix)
			a, ok := arr.([]any)
			if !ok {
				return
			}
			for n := range a {
				k := strconv.Itoa(n)
				walk(i+1, append(clip(prefix), k), append(clip(idx), k))
			}
			return
		}
		out = append(out, concrete{path: strings.Join(prefix, "."), idx: idx})
	}
	walk(0, nil, nil)
	return out
}

func clip(s []string) []string { return s[:len(s):len(s)] }

func (t Tree) getSegs(segs []string) (any, bool) {
	return t.Get(strings.Join(segs, "."))
}

// resolve replaces the "*" segments of other with the indexes of the field
// being checked, in order. Extra wildcards are left in place (and so never
// match anything).
func resolve(other string, idx []string) string {
	if len(idx) == 0 || !strings.Contains(other, "*") {
		return other
	}
	segs := strings.Split(other, ".")
	n := 0
	for i, s := range segs {
		if s == "*" && n < len(idx) {
			segs[i] = idx[n]
			n++
		}
	}
	return strings.Join(segs, ".")
}

// field is the state a rule sees for one concrete path.
type field struct {
	tree    Tree
	path    string
	attr    string
	idx     []string
	present bool
	raw     any
	val     any // raw with strings trimmed and blank strings turned into nil
}

func (f *field) other(path string) string { return resolve(path, f.idx) }

func (v *Validator) check(c concrete, rules []Rule) (string, bool) {
	raw, present := v.t.Get(c.path)
	f := &field{
		tree:    v.t,
		path:    c.path,
		attr:    Attribute(c.path),
		idx:     c.idx,
		present: present,
		raw:     raw,
		val:     normalize(raw),
	}
	nullable := false
	for _, r := range rules {
		if r == nil {
			continue
		}
		k, fn := r.spec()
		switch k {
		case kindNullable:
			nullable = true
			continue
		case kindNormal:
			if !f.present || (f.val == nil && nullable) {
				continue
			}
		}
		if msg, ok := fn(f); !ok {
			return msg, false
		}
	}
	return "", true
}

// normalize mimics Laravel's TrimStrings and ConvertEmptyStringsToNull
// middleware for a single value.
func normalize(v any) any {
	if s, ok := v.(string); ok {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil
		}
		return s
	}
	return v
}
