package clientcache_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Every code block of README.md marked `<!-- example: PATH -->` is an
// excerpt of PATH (relative to this folder): its lines, trimmed, appear in
// the file in the same order; a line `// ...` marks a gap. The rule of
// scripts/check-readme.py for the root README.
func TestReadmeExamples(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)<!-- example: (\\S+) -->\n```\\w*\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	if len(blocks) == 0 {
		t.Fatal("README.md: no marked examples")
	}
	for _, b := range blocks {
		path, block := b[1], b[2]
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("README.md example from %s: %v", path, err)
		}
		lines := strings.Split(string(src), "\n")
		for i := range lines {
			lines[i] = strings.TrimSpace(lines[i])
		}
		pos := 0
		for _, want := range strings.Split(block, "\n") {
			want = strings.TrimSpace(want)
			if want == "" || want == "// ..." {
				continue
			}
			i := slices.Index(lines[pos:], want)
			if i < 0 {
				t.Errorf("README.md example from %s: line not found (in order): %s", path, want)
				break
			}
			pos += i + 1
		}
	}
}
