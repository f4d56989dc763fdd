package awscache_test

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/clientcache/clientcache/bindings/go"
	"github.com/clientcache/clientcache/bindings/go/awscache"
)

const (
	plantedKeyID  = "AKIAPLANTEDKEYID0001"
	plantedSecret = "planted/Secret+Access/Key0123456789abcdef"
	plantedToken  = "FwoGZXIvYXdzPLANTEDSESSIONTOKEN=="
)

var verbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.4v", "%-+#v", "% x"}

// assertRedacted prints v with every verb and fails on any planted secret,
// in clear or in hex.
func assertRedacted(t *testing.T, name string, v any) {
	t.Helper()
	for _, verb := range verbs {
		out := fmt.Sprintf(verb, v)
		for _, secret := range []string{plantedKeyID, plantedSecret, plantedToken} {
			h := hex.EncodeToString([]byte(secret))
			spaced := strings.TrimSpace(fmt.Sprintf("% x", secret))
			for _, form := range []string{secret, h, strings.ToUpper(h), spaced} {
				if strings.Contains(out, form) {
					t.Errorf("%s printed with %s shows a secret: %s", name, verb, out)
				}
			}
		}
	}
}

func TestNoSecretInAnyPrintedForm(t *testing.T) {
	creds := awscache.WithStaticCredentials(plantedKeyID, plantedSecret, plantedToken)
	sess := newSession(t, awscache.WithDefaults(awscache.WithRegion("us-west-2"), creds))
	// Fill the key memo too, with another set of planted credentials.
	if _, err := sess.Key("s3", awscache.WithStaticCredentials(plantedKeyID+"2", plantedSecret+"2", plantedToken+"2")); err != nil {
		t.Fatal(err)
	}
	type holder struct {
		Exported   awscache.Session
		unexported awscache.Session
	}
	opts := []awscache.Option{creds, awscache.WithRegion("x")}
	for name, v := range map[string]any{
		"*Session":            sess,
		"Session":             *sess,
		"struct of Sessions":  holder{*sess, *sess},
		"*struct of Sessions": &holder{*sess, *sess},
		"Option":              creds,
		"[]Option":            opts,
		"SessionOption":       awscache.WithDefaults(creds),
		"Params": clientcache.Params{"aws_access_key_id": plantedKeyID, "aws_secret_access_key": plantedSecret,
			"aws_session_token": plantedToken, "region_name": "us-west-2"},
	} {
		assertRedacted(t, name, v)
	}
	// What it does print.
	got := fmt.Sprint(sess)
	for _, want := range []string{"aws_secret_access_key:***", "aws_session_token:***", "region_name:us-west-2", "max size 10"} {
		if !strings.Contains(got, want) {
			t.Errorf("%s lacks %s", got, want)
		}
	}
}
