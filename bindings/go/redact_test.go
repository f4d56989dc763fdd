package clientcache_test

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/clientcache/clientcache/bindings/go"
)

func TestParamsPrintRedacted(t *testing.T) {
	const id, secret, token = "AKIAPLANTED00000001", "planted-secret-access-key-0123456789", "planted-session-token=="
	p := clientcache.Params{"aws_access_key_id": id, "aws_secret_access_key": secret,
		"aws_session_token": []string{token}, "region_name": "us-west-2",
		"config": map[string]any{"retries": map[string]any{"mode": "standard"}}}
	k := mustKey(t, "s3", clientcache.Params{"aws_access_key_id": id, "aws_secret_access_key": secret, "aws_session_token": token})
	_, keyErr := clientcache.NewClientKey("s3", clientcache.Params{"aws_secret_access_key": secret + "\xff"})
	type holder struct{ P clientcache.Params }
	for name, v := range map[string]any{
		"Params": p, "*Params": &p, "struct with Params": holder{p}, "[]Params": []clientcache.Params{p},
		"Key": k, "key error": keyErr,
	} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "% x"} {
			out := fmt.Sprintf(verb, v)
			for _, s := range []string{id, secret, token} {
				h := hex.EncodeToString([]byte(s))
				if strings.Contains(out, s) || strings.Contains(out, h) || strings.Contains(out, strings.ToUpper(h)) ||
					strings.Contains(out, strings.TrimSpace(fmt.Sprintf("% x", s))) {
					t.Errorf("%s with %s shows a secret: %s", name, verb, out)
				}
			}
		}
	}
	if got, want := fmt.Sprintf("%v", p), "map[aws_access_key_id:*** aws_secret_access_key:*** aws_session_token:*** config:map[retries:map[mode:standard]] region_name:us-west-2]"; got != want {
		t.Errorf("%%v: %s\nwant %s", got, want)
	}
	if got := fmt.Sprintf("%#v", p); !strings.HasPrefix(got, `clientcache.Params{"aws_access_key_id":"***"`) {
		t.Errorf("%%#v: %s", got)
	}
}
