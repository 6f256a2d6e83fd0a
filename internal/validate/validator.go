package validate

import (
	"strconv"
	"strings"
)

// Validator collects Laravel-style messages for one Tree.
type Validator struct {
	t    Tree
	errs []string
	// f, idx and buf are reused by every check: a Validator runs one check at
	// a time and rules never keep the *field, so a request does not pay an
	// allocation per field. idx and buf start in idxArr and bufArr, which
	// hold the usual wildcard paths.
	f      field
	idx    []string
	buf    []byte
	idxArr [4]string
	bufArr [64]byte
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
	if !hasWildcard(path) {
		v.check(path, nil, rules)
		return
	}
	v.buf = v.bufArr[:0]
	v.idx = v.idxArr[:0]
	v.expand(path, 0, rules)
}

// hasWildcard reports whether some segment of path is exactly "*".
func hasWildcard(path string) bool {
	for i := strings.IndexByte(path, '*'); i >= 0; {
		if (i == 0 || path[i-1] == '.') && (i+1 == len(path) || path[i+1] == '.') {
			return true
		}
		j := strings.IndexByte(path[i+1:], '*')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
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

// expand checks every concrete path of a wildcard path. v.buf holds the
// concrete segments before rest, joined by "."; nseg counts them, because a
// first segment may be empty and then the buffer alone cannot tell "" from
// [""] (their joins differ once a second segment follows).
//
// The array behind a "*" is looked up by the joined prefix, exactly as
// Tree.Get would see it, so that odd paths (empty segments, a leading "*")
// expand as they always did.
//
// rest always holds at least one segment: "" is one empty segment.
func (v *Validator) expand(rest string, nseg int, rules []Rule) {
	for {
		seg, tail, more := strings.Cut(rest, ".")
		if seg == "*" {
			arr, _ := v.t.Get(string(v.buf))
			a, ok := arr.([]any)
			if !ok {
				return
			}
			mark, idxMark := len(v.buf), len(v.idx)
			for n := range a {
				k := strconv.Itoa(n)
				v.buf = v.buf[:mark]
				if nseg > 0 {
					v.buf = append(v.buf, '.')
				}
				v.buf = append(v.buf, k...)
				v.idx = append(v.idx[:idxMark], k)
				if more {
					v.expand(tail, nseg+1, rules)
				} else {
					v.checkExpanded(rules)
				}
			}
			v.buf, v.idx = v.buf[:mark], v.idx[:idxMark]
			return
		}
		if nseg > 0 {
			v.buf = append(v.buf, '.')
		}
		v.buf = append(v.buf, seg...)
		nseg++
		if !more {
			break
		}
		rest = tail
	}
	v.checkExpanded(rules)
}

// checkExpanded checks the concrete path in v.buf. Its string is made only
// for a message; the lookup converts without allocating for short paths.
func (v *Validator) checkExpanded(rules []Rule) {
	raw, present := v.t.Get(string(v.buf))
	v.run(field{tree: v.t, pathBytes: v.buf, idx: v.idx, present: present, raw: raw}, rules)
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
	tree      Tree
	path      string
	pathBytes []byte // the path instead, while a wildcard path is expanded
	idx       []string
	present   bool
	raw       any
	val       any // raw with strings trimmed and blank strings turned into nil
}

// attr is the display name of the field. It is built only for a message:
// most fields pass, and building it is most of what a passing check would
// otherwise cost.
func (f *field) attr() string { return Attribute(f.pathString()) }

func (f *field) pathString() string {
	if f.pathBytes != nil {
		return string(f.pathBytes)
	}
	return f.path
}

func (f *field) other(path string) string { return resolve(path, f.idx) }

func (v *Validator) check(path string, idx []string, rules []Rule) {
	raw, present := v.t.Get(path)
	v.run(field{tree: v.t, path: path, idx: idx, present: present, raw: raw}, rules)
}

func (v *Validator) run(fv field, rules []Rule) {
	f := &v.f
	*f = fv
	f.val = normalize(f.raw)
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
			v.errs = append(v.errs, msg)
			break
		}
	}
	*f = field{}
}

// normalize mimics Laravel's TrimStrings and ConvertEmptyStringsToNull
// middleware for a single value.
func normalize(v any) any {
	if s, ok := v.(string); ok {
		t := strings.TrimSpace(s)
		if t == "" {
			return nil
		}
		if len(t) == len(s) {
			// Re-boxing an unchanged string would allocate for nothing.
			return v
		}
		return t
	}
	return v
}
