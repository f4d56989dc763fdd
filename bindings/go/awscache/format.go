package awscache

import (
	"fmt"
	"strconv"
)

// Every type of this package that holds options prints them redacted with
// every fmt verb: the secret parameters as ***, objects as "instance:<n>".

// String is the options as key parameters, e.g.
// `awscache.settings{map[aws_secret_access_key:*** region_name:us-west-2]}`.
func (s settings) String() string {
	return "awscache.settings{" + s.id.params().String() + "}"
}

// GoString is %#v: the same redacted text.
func (s settings) GoString() string { return s.String() }

// Format prints the redacted String with any verb and flags.
func (s settings) Format(f fmt.State, verb rune) { formatRedacted(f, verb, s.String()) }

// String shows the session's default options (secrets as ***) and the
// capacity of its caches, e.g. `awscache.Session{defaults:
// map[region_name:us-west-2], max size 10}`.
func (s Session) String() string {
	if s.ref == nil {
		return "awscache.Session{}"
	}
	st := *s.ref
	return "awscache.Session{defaults: " + st.defaults.id.params().String() +
		", max size " + strconv.Itoa(st.maxSize) + "}"
}

// GoString is %#v: the same redacted text.
func (s Session) GoString() string { return s.String() }

// Format prints the redacted String with any verb and flags (%v, %+v,
// %#v, %s, %q, %x, ...).
func (s Session) Format(f fmt.State, verb rune) { formatRedacted(f, verb, s.String()) }

func formatRedacted(f fmt.State, verb rune, text string) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, text)
		return
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), text)
}

// String is the option as key parameters, secrets as ***, e.g.
// `awscache.Option{map[region_name:us-west-2]}`; an invalid option shows
// its error.
func (o Option) String() string {
	var s settings
	s.apply(&o)
	if s.err != "" {
		return "awscache.Option{invalid: " + s.err + "}"
	}
	if o.kind == optPolicy {
		return "awscache.Option{policy: " + s.policy.String() + "}"
	}
	return "awscache.Option{" + s.id.params().String() + "}"
}

// GoString is %#v: the same redacted text.
func (o Option) GoString() string { return o.String() }

// Format prints the redacted String with any verb and flags.
func (o Option) Format(f fmt.State, verb rune) { formatRedacted(f, verb, o.String()) }
