package clientcache

import (
	"errors"
	"testing"
)

// The parsing half of Key.Diff, independent of the linked library.
func TestParseDiff(t *testing.T) {
	got, err := parseDiff([]byte(`[{"path":"region_name","left":"us-west-2","right":"eu-west-1"},
		{"path":"config.order[2]","left":null},
		{"path":"endpoint_url","right":"http://h\u00e9"},
		{"path":"aws_secret_access_key","left":"***","right":"***"},
		{"path":"config.x","left":1.50,"right":{"a": [1]}}]`))
	if err != nil {
		t.Fatal(err)
	}
	want := []Difference{
		{"region_name", `"us-west-2"`, `"eu-west-1"`},
		{"config.order[2]", `null`, ``},
		{"endpoint_url", ``, `"http://h\u00e9"`},
		{"aws_secret_access_key", `"***"`, `"***"`},
		{"config.x", `1.50`, `{"a": [1]}`},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d: %#v, want %#v", i, got[i], want[i])
		}
	}
	if s := want[2].String(); s != `endpoint_url: (absent) -> "http://h\u00e9"` {
		t.Errorf("String %s", s)
	}
	if d, err := parseDiff([]byte(`[]`)); err != nil || d == nil || len(d) != 0 {
		t.Errorf("[]: %v %v", d, err)
	}
	for _, bad := range []string{`{}`, `null`, `[{"left":1}]`, `[{"path":"a","extra":1}]`, `[`} {
		if _, err := parseDiff([]byte(bad)); !errors.Is(err, ErrInternal) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
