package clientcache

import (
	"fmt"
	"strings"
)

// secretParams are the parameters whose values are secrets: the core keeps
// only their SHA-256 digests, labels show them as ***, and Params print them
// as *** with every fmt verb.
var secretParams = []string{"aws_access_key_id", "aws_secret_access_key", "aws_session_token"}

// isSecretParam reports whether name is one of secretParams.
func isSecretParam(name string) bool {
	for _, s := range secretParams {
		if s == name {
			return true
		}
	}
	return false
}

// redacted is a copy of p with every secret value replaced by "***".
func (p Params) redacted() map[string]any {
	if p == nil {
		return nil
	}
	out := make(map[string]any, len(p))
	for k, v := range p {
		if isSecretParam(k) {
			v = "***"
		}
		out[k] = v
	}
	return out
}

// String prints p as fmt prints a map, with the secret parameters as ***.
func (p Params) String() string { return fmt.Sprint(p.redacted()) }

// GoString is %#v: Go syntax with the secret parameters as "***".
func (p Params) GoString() string {
	return "clientcache.Params" + strings.TrimPrefix(fmt.Sprintf("%#v", p.redacted()), "map[string]interface {}")
}

// Format applies any verb and flags (%v, %+v, %#v, %s, %q, %x, ...) to p
// with the secret parameters as ***, so no fmt path prints a secret.
func (p Params) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, p.GoString())
		return
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), p.redacted())
}
