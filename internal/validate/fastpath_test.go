package validate

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The fast paths below must give exactly what the general code gives.

var attributeCorpus = []string{
	"", ".", "..", "a", "products.0.name", "customerDetails.personalNumber", "callback_url", "callbackURL", "OrderId", "first name",
	"a b", "a\tb", "a\nb", "a\vb", "a\fb", "a\rb", "a\u0085b", "a\u00a0b", "æøå", "Æble", "a-b", "a$b", "a~b", "A", "_", "a__b", "a._b",
	"*", "products.*.name", "x.0", "\x00", "\x7f", "\xff", "a.B.c", "ABC", "aBC", "1a", "1A",
}

func TestAttributeFastPath(t *testing.T) {
	for _, s := range attributeCorpus {
		if got, want := Attribute(s), laravelAttribute(s); got != want {
			t.Errorf("Attribute(%q) = %q, want %q", s, got, want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, r.IntN(8))
		for i := range b {
			b[i] = byte(r.IntN(128))
		}
		if got, want := Attribute(string(b)), laravelAttribute(string(b)); got != want {
			t.Fatalf("Attribute(%q) = %q, want %q", b, got, want)
		}
	}
}

func FuzzAttributeFastPath(f *testing.F) {
	for _, s := range attributeCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Attribute(s), laravelAttribute(s); got != want {
			t.Fatalf("Attribute(%q) = %q, want %q", s, got, want)
		}
	})
}

var emailCorpus = []string{
	"kari@example.no", "ola.nordmann@example.no", "ola+x@mail.example.no", "a@b.c", "a@b", "@b.c", "a@", "a@.b", "a@b.", "a@b..c", ".a@b.c",
	"a.@b.c", "a..b@c.d", "a@b@c.d", "a b@c.d", "\"a\"@b.c", "a@[1.2.3.4]", "Ola <ola@example.no>", "<ola@example.no>", "æ@b.c", "a@æ.no",
	"a@-b.no", "a@b-.no", "!#$%&'*+-/=?^_`{|}~@b.c", "a(b)@c.d", "a@c.d (x)", "a@c.d ", " a@c.d", "a\\b@c.d", "a,b@c.d", "a;b@c.d",
	"a:b@c.d", "a@b.c\x00", "a\x7f@b.c", "a@b_c.d", "A@B.CO", "1@2.3",
}

// Whatever isPlainEmail accepts, net/mail (with isEmail's extra checks) accepts.
func TestPlainEmailImpliesParsedEmail(t *testing.T) {
	accepted := 0
	for _, s := range emailCorpus {
		if isPlainEmail(s) {
			accepted++
			if !isParsedEmail(s) {
				t.Errorf("isPlainEmail(%q) but the parser rejects it", s)
			}
		}
	}
	if accepted < 5 {
		t.Fatalf("the fast path accepted only %d addresses of the corpus", accepted)
	}
}

func FuzzPlainEmailImpliesParsedEmail(f *testing.F) {
	for _, s := range emailCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if isPlainEmail(s) && !isParsedEmail(s) {
			t.Fatalf("isPlainEmail(%q) but the parser rejects it", s)
		}
	})
}

// expandStd is the original wildcard expansion, kept as the reference.
func expandStd(t Tree, path string) []concreteStd {
	segs := strings.Split(path, ".")
	var out []concreteStd
	var walk func(i int, prefix []string, idx []string)
	walk = func(i int, prefix []string, idx []string) {
		for ; i < len(segs); i++ {
			if segs[i] != "*" {
				prefix = append(prefix, segs[i])
				continue
			}
			arr, _ := t.Get(strings.Join(prefix, "."))
			a, ok := arr.([]any)
			if !ok {
				return
			}
			for n := range a {
				k := strconv.Itoa(n)
				walk(i+1, append(prefix[:len(prefix):len(prefix)], k), append(idx[:len(idx):len(idx)], k))
			}
			return
		}
		out = append(out, concreteStd{path: strings.Join(prefix, "."), idx: idx})
	}
	walk(0, nil, nil)
	return out
}

type concreteStd struct {
	path string
	idx  []string
}

// expandNew records the concrete fields Validator.Field checks for path.
func expandNew(t Tree, path string) []concreteStd {
	var out []concreteStd
	record := implicit(func(f *field) (string, bool) {
		out = append(out, concreteStd{path: f.pathString(), idx: slices.Clone(f.idx)})
		raw, present := t.Get(f.pathString())
		if present != f.present || fmt.Sprint(raw) != fmt.Sprint(f.raw) {
			panic(fmt.Sprintf("field %q sees %v/%v, tree has %v/%v", f.pathString(), f.raw, f.present, raw, present))
		}
		return "", true
	})
	New(t).Field(path, record)
	return out
}

var expandTrees = []string{
	`{}`,
	`{"products":[{"name":"a","tags":["x","y"]},{"name":"b","tags":{"0":"z"}},{"tags":"none"}],"":[{"":1},{"a":2}],"x":{"":[1,2]}}`,
	`{"a":[[1,2],[3]],"b":{"c":[{"d":[{"e":1}]}]},"*":[1]}`,
}

var expandPaths = []string{
	"", ".", "*", ".*", "*.", "..*", "*.*", "products", "products.*", "products.*.name", "products.*.tags.*", "products.*.tags.*.x",
	"products.*.*", "products.0.tags.*", "products.*.name.*", "products.**", "products.a*", "products.*a", ".*.a", ".*.", ".*.*",
	"x..*", "x.*", "a.*.*", "a.*", "a.*.0", "b.c.*.d.*.e", "b.c.*.d.*", "b.*", "*.0", "missing.*", "missing.*.name", "products.*.",
	"products..*", "products.*..name",
}

func TestExpandMatchesOriginal(t *testing.T) {
	for _, body := range expandTrees {
		tr := mustDecode(t, body)
		trees := []Tree{tr, tr.Sub("products"), tr.Sub("a"), {}}
		for ti, tree := range trees {
			for _, p := range expandPaths {
				want, got := expandStd(tree, p), expandNew(tree, p)
				if !equalConcrete(got, want) {
					t.Errorf("tree %d of %s, path %q:\n got  %q\n want %q", ti, body, p, got, want)
				}
			}
		}
	}
}

func equalConcrete(a, b []concreteStd) bool {
	return slices.EqualFunc(a, b, func(x, y concreteStd) bool {
		return x.path == y.path && slices.Equal(x.idx, y.idx)
	})
}

func FuzzExpandMatchesOriginal(f *testing.F) {
	for _, p := range expandPaths {
		f.Add(p, 1)
	}
	f.Fuzz(func(t *testing.T, path string, treeIdx int) {
		if len(path) > 64 {
			return
		}
		body := expandTrees[uint(treeIdx)%uint(len(expandTrees))]
		tr, err := Decode([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if want, got := expandStd(tr, path), expandNew(tr, path); !equalConcrete(got, want) {
			t.Fatalf("path %q:\n got  %q\n want %q", path, got, want)
		}
	})
}
