// Package awscache returns cached aws-sdk-go-v2 clients: one call gives the
// client for a service and its options, built with config.LoadDefaultConfig
// and the service's constructor on a miss (single-flight: concurrent callers
// for the same client wait for one build, each until its own context ends)
// and served from a clientcache Cache on every later call.
//
//	sess, _ := awscache.NewSession()
//	s3c, err := awscache.S3(ctx, sess,
//		awscache.WithRegion("us-west-2"), awscache.WithRetries(aws.RetryModeStandard, 3))
//
// The cache key is built from the options with the mapping of
// docs/identity.md ("SDK options: one mapping for every language"), in the
// parameter vocabulary of the Python original (region_name, endpoint_url,
// aws_access_key_id, config.retries.total_max_attempts, ...), so a Go, Node,
// Rust or Python service computes the same fingerprint for the same client;
// tests/vectors/high-level.json checks it. Every option that goes into the
// key also configures the client. A session's default options (WithDefaults)
// are part of every key it builds; a call's options replace them option by
// option. Settings that come from the environment or shared config files
// without an option are not part of the key (as in boto3-client-cache).
//
// Options that are objects rather than data — a credentials provider, an
// HTTP client — are identified by instance: the key records
// "instance:<n>", n a number this process gives the object the first time an
// option sees it and never gives another object (a weak-pointer registry,
// which keeps nothing alive). They must be pointers. A static credentials
// provider is data: it maps to the three credential parameters.
//
// Secrets never print: the key holds SHA-256 digests of them, labels show
// ***, and Session prints its defaults with secrets as *** for every fmt
// verb.
//
// Cached clients never outlive their credentials (docs/design.md,
// "Expiry"): a client built from static credentials that can expire
// (WithCredentials with CanExpire and Expires) leaves the cache a refresh
// margin (WithRefreshMargin, default 5 minutes) before they expire; a
// session may give every client a time-to-live (WithTTL); and a call that
// fails with an authentication error (AuthErrorCodes, on HTTP 400, 401 or
// 403) removes the client that made it from the cache, so the next call
// builds a new one (WithInvalidateOnAuthError(false) turns that off). The
// expiry is not part of the key (docs/identity.md).
package awscache

import (
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/clientcache/clientcache/bindings/go"
)

// Option configures one client (or, given to NewSession through
// WithDefaults, every client of the session; the call's options win,
// option by option). It is a small value, not a closure, so that options
// built on every call (the natural call site, awscache.S3(ctx, sess,
// awscache.WithRegion(r))) allocate nothing; the zero Option changes
// nothing. Secrets sit behind a pointer, which fmt does not follow from
// inside a value, and Option prints redacted with every verb (format.go).
type Option struct {
	kind optKind
	flag bool
	n    int64
	s    string
	obj  any              // a credentials provider or HTTP client
	id   uint64           // obj's instance number
	cr   *aws.Credentials // static credentials
}

type optKind uint8

const (
	optNone optKind = iota
	optRegion
	optEndpoint
	optProfile
	optStatic
	optProvider
	optHTTPClient
	optRetryMaxAttempts
	optRetryMode
	optRetries
	optConnectTimeout
	optReadTimeout
	optFIPS
	optDualStack
	optAppID
	optPathStyle
	optPolicy
	optInvalid // s is the message
)

// ident is the part of the resolved options that the key is built from:
// params reads nothing else, so equal idents (with the same service) give
// equal keys, which is what makes the key memo exact. It holds secrets in
// clear text: it lives on the stack of a call, in a session's defaults, and
// in memo entries only while their client is cached (memo.go).
type ident struct {
	region, endpoint, profile, appID string
	retryMode                        string
	keyID, secret, token             string
	retryMaxAttempts                 int64
	connectTimeout, readTimeout      time.Duration
	credProviderID, httpClientID     uint64
	flags                            identFlags
}

type identFlags uint16

const (
	hasCredentials identFlags = 1 << iota
	hasConnectTimeout
	hasReadTimeout
	hasAppID
	pathStyle
	fipsSet
	fipsTrue
	dualStackSet
	dualStackTrue
)

// settings are the resolved options of one call: the identity, and the
// objects and metadata that configure the client without being identity.
// It holds secrets: every fmt verb prints it redacted (format.go).
type settings struct {
	id ident
	// Static credentials as given (AccountID, Source and the expiry
	// configure the client; the three secrets are in id).
	creds        *aws.Credentials
	credProvider aws.CredentialsProvider
	httpClient   aws.HTTPClient
	policy       clientcache.Policy
	err          string // first invalid option
}

func (s *settings) fail(msg string) {
	if s.err == "" {
		s.err = msg
	}
}

// apply applies one option.
func (s *settings) apply(o *Option) {
	switch o.kind {
	case optNone:
	case optRegion:
		s.id.region = o.s
	case optEndpoint:
		s.id.endpoint = o.s
	case optProfile:
		s.id.profile = o.s
	case optStatic:
		s.setStatic(o.cr)
	case optProvider:
		s.credProvider, s.id.credProviderID = o.obj.(aws.CredentialsProvider), o.id
		s.creds = nil
		s.id.keyID, s.id.secret, s.id.token = "", "", ""
		s.id.flags &^= hasCredentials
	case optHTTPClient:
		s.httpClient, s.id.httpClientID = o.obj.(aws.HTTPClient), o.id
	case optRetryMaxAttempts:
		s.setRetryMaxAttempts(o.n)
	case optRetryMode:
		s.setRetryMode(o.s)
	case optRetries:
		s.setRetryMode(o.s)
		s.setRetryMaxAttempts(o.n)
	case optConnectTimeout:
		if o.n < 0 {
			s.fail(fmt.Sprintf("connect timeout %v is negative", time.Duration(o.n)))
		}
		s.id.connectTimeout = time.Duration(o.n)
		s.id.flags |= hasConnectTimeout
	case optReadTimeout:
		if o.n < 0 {
			s.fail(fmt.Sprintf("read timeout %v is negative", time.Duration(o.n)))
		}
		s.id.readTimeout = time.Duration(o.n)
		s.id.flags |= hasReadTimeout
	case optFIPS:
		s.id.flags = s.id.flags&^fipsTrue | fipsSet | cond(o.flag, fipsTrue)
	case optDualStack:
		s.id.flags = s.id.flags&^dualStackTrue | dualStackSet | cond(o.flag, dualStackTrue)
	case optAppID:
		s.id.appID = o.s
		s.id.flags |= hasAppID
	case optPathStyle:
		s.id.flags |= pathStyle
	case optPolicy:
		p := clientcache.Policy(o.n)
		if p != clientcache.LRU && p != clientcache.LFU {
			s.fail(fmt.Sprintf("unknown policy %v", p))
		}
		s.policy = p
	case optInvalid:
		s.fail(o.s)
	}
}

func cond(b bool, f identFlags) identFlags {
	if b {
		return f
	}
	return 0
}

func (s *settings) setStatic(creds *aws.Credentials) {
	if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		s.fail("static credentials need an access key id and a secret access key")
	}
	s.creds = creds
	s.id.keyID, s.id.secret, s.id.token = creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken
	s.id.flags |= hasCredentials
	s.credProvider, s.id.credProviderID = nil, 0
}

func (s *settings) setRetryMaxAttempts(n int64) {
	if n < 1 {
		s.fail(fmt.Sprintf("retry max attempts %d is not at least 1 (attempts include the first one)", n))
	}
	s.id.retryMaxAttempts = n
}

func (s *settings) setRetryMode(mode string) {
	if aws.RetryMode(mode) != aws.RetryModeStandard && aws.RetryMode(mode) != aws.RetryModeAdaptive {
		s.fail(fmt.Sprintf("retry mode %q is not standard or adaptive", mode))
	}
	s.id.retryMode = mode
}

// WithRegion sets the region (config.WithRegion; key: region_name).
func WithRegion(region string) Option { return Option{kind: optRegion, s: region} }

// WithEndpoint sets the base endpoint URL of the service
// (config.WithBaseEndpoint; key: endpoint_url), e.g. a local S3-compatible
// server.
func WithEndpoint(url string) Option { return Option{kind: optEndpoint, s: url} }

// WithStaticCredentials uses fixed credentials (credentials.
// NewStaticCredentialsProvider; key: aws_access_key_id,
// aws_secret_access_key and, when not empty, aws_session_token). The key
// holds only SHA-256 digests of them, and labels and fmt show ***. It
// replaces an earlier WithCredentialsProvider, and the reverse.
func WithStaticCredentials(accessKeyID, secretAccessKey, sessionToken string) Option {
	creds := credentials.NewStaticCredentialsProvider(accessKeyID, secretAccessKey, sessionToken).Value
	return Option{kind: optStatic, cr: &creds}
}

// WithCredentials uses fixed credentials given as an aws.Credentials
// (key: as WithStaticCredentials; AccountID, Source and the expiry
// configure the client but are not identity). When they can expire
// (CanExpire with a non-zero Expires), the client leaves the cache the
// session's refresh margin (WithRefreshMargin) before Expires, and the
// next call builds a new one — with the credentials that call passes.
func WithCredentials(creds aws.Credentials) Option { return Option{kind: optStatic, cr: &creds} }

// WithCredentialsProvider signs with p (config.WithCredentialsProvider).
//
// A credentials.StaticCredentialsProvider (or a pointer to one, copied
// when the option is made) is data: it gives the key WithStaticCredentials
// would give (its AccountID, Source and expiry configure the client but are
// not identity). Any other provider is an object: it must be a pointer, and
// the key records config.credential_provider = "instance:<n>", where n is
// the number this process gave that object the first time an option saw it
// (never reused for another object, even after it is garbage; see
// docs/identity.md). Pass the same provider object on every call: a fresh
// provider per call means a fresh client per call. A non-pointer value
// (other than the static provider) is an ErrInvalidArgument error.
func WithCredentialsProvider(p aws.CredentialsProvider) Option {
	switch sp := p.(type) {
	case credentials.StaticCredentialsProvider:
		creds := sp.Value
		return Option{kind: optStatic, cr: &creds}
	case *credentials.StaticCredentialsProvider:
		if sp != nil {
			creds := sp.Value
			return Option{kind: optStatic, cr: &creds}
		}
	}
	id, msg := instanceOf(p, "WithCredentialsProvider")
	if msg != "" {
		return Option{kind: optInvalid, s: msg}
	}
	return Option{kind: optProvider, obj: p, id: id}
}

// WithHTTPClient sends requests through c (config.WithHTTPClient), e.g. an
// *http.Client or an *awshttp.BuildableClient. It is an object: c must be
// a pointer, and the key records config.http_client = "instance:<n>" as
// WithCredentialsProvider does. It cannot be combined with
// WithConnectTimeout or WithReadTimeout, which configure the SDK's own HTTP
// client (set the timeouts on c instead). When a CA bundle is configured
// (AWS_CA_BUNDLE, a profile's ca_bundle) the SDK must add it to c's
// transport and refuses a client it cannot configure (an *http.Client):
// pass an *awshttp.BuildableClient then.
func WithHTTPClient(c aws.HTTPClient) Option {
	id, msg := instanceOf(c, "WithHTTPClient")
	if msg != "" {
		return Option{kind: optInvalid, s: msg}
	}
	return Option{kind: optHTTPClient, obj: c, id: id}
}

// WithRetryMaxAttempts sets the maximum number of attempts, the first one
// included (n ≥ 1; config.WithRetryMaxAttempts, the meaning of
// aws-sdk-go-v2's RetryMaxAttempts; key: config.retries.total_max_attempts).
func WithRetryMaxAttempts(n int) Option { return Option{kind: optRetryMaxAttempts, n: int64(n)} }

// WithRetryMode sets the retry mode, aws.RetryModeStandard or
// aws.RetryModeAdaptive (config.WithRetryMode; key: config.retries.mode).
func WithRetryMode(mode aws.RetryMode) Option { return Option{kind: optRetryMode, s: string(mode)} }

// WithRetries is WithRetryMode(mode) and WithRetryMaxAttempts(maxAttempts):
// maxAttempts counts every attempt, the first one included, as
// aws-sdk-go-v2's RetryMaxAttempts does (keys: config.retries.mode and
// config.retries.total_max_attempts).
func WithRetries(mode aws.RetryMode, maxAttempts int) Option {
	return Option{kind: optRetries, s: string(mode), n: int64(maxAttempts)}
}

// WithConnectTimeout bounds the time to establish a connection: the
// net.Dialer timeout of the SDK's HTTP client (awshttp.BuildableClient;
// 0 means no timeout). Key: config.connect_timeout, in seconds, as
// float64(d.Nanoseconds())/1e9.
func WithConnectTimeout(d time.Duration) Option { return Option{kind: optConnectTimeout, n: int64(d)} }

// WithReadTimeout bounds how long the SDK's HTTP client waits for a
// connection to deliver data, reset by every byte received
// (awshttp.BuildableClient.WithReadTimeout; 0 disables it), the
// counterpart of botocore's read_timeout. Key: config.read_timeout, in
// seconds, as float64(d.Nanoseconds())/1e9.
func WithReadTimeout(d time.Duration) Option { return Option{kind: optReadTimeout, n: int64(d)} }

// WithFIPS selects (true) or refuses (false) FIPS endpoints
// (config.WithUseFIPSEndpoint; key: config.use_fips_endpoint). Without it
// the environment decides, so an explicit false is a different key.
func WithFIPS(enabled bool) Option { return Option{kind: optFIPS, flag: enabled} }

// WithDualStack selects (true) or refuses (false) dual-stack endpoints
// (config.WithUseDualStackEndpoint; key: config.use_dualstack_endpoint).
// Without it the environment decides.
func WithDualStack(enabled bool) Option { return Option{kind: optDualStack, flag: enabled} }

// WithAppID sets the application id sent in the User-Agent header
// (config.WithAppID; key: config.user_agent_appid).
func WithAppID(id string) Option { return Option{kind: optAppID, s: id} }

// WithProfile selects a shared config/credentials profile
// (config.WithSharedConfigProfile; key: profile_name). A profile that does
// not exist fails the build of the client.
func WithProfile(name string) Option { return Option{kind: optProfile, s: name} }

// WithPathStyle addresses buckets in the URL path rather than the host name
// (key: config.s3.addressing_style = "path", as botocore spells it). It sets
// the UsePathStyle field of the service's options; for a service whose
// options have no such field the call fails with ErrInvalidArgument.
// S3-compatible servers such as moto or MinIO need it.
func WithPathStyle() Option { return Option{kind: optPathStyle} }

// WithPolicy selects which of the session's caches holds the client: LRU
// (the default) or LFU. It is not part of the key.
func WithPolicy(p clientcache.Policy) Option { return Option{kind: optPolicy, n: int64(p)} }

// check reports the first invalid option or combination, once every
// option (session defaults, then the call's) has been applied.
func (s *settings) check() string {
	if s.err != "" {
		return s.err
	}
	if s.httpClient != nil && s.id.flags&(hasConnectTimeout|hasReadTimeout) != 0 {
		return "WithConnectTimeout and WithReadTimeout configure the SDK's HTTP client and cannot be combined with WithHTTPClient: set the timeouts on that client"
	}
	return ""
}

// seconds is a duration in seconds as the key holds it: the double nearest
// to the exact number, from one correctly rounded division.
func seconds(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e9 }

// params renders the key parameters of a resolved option set (the mapping
// of docs/identity.md, "SDK options"). It reads only the identity.
func (id *ident) params() clientcache.Params {
	p := clientcache.Params{}
	if id.region != "" {
		p["region_name"] = id.region
	}
	if id.endpoint != "" {
		p["endpoint_url"] = id.endpoint
	}
	if id.profile != "" {
		p["profile_name"] = id.profile
	}
	if id.flags&hasCredentials != 0 {
		p["aws_access_key_id"] = id.keyID
		p["aws_secret_access_key"] = id.secret
		if id.token != "" {
			p["aws_session_token"] = id.token
		}
	}
	cfg := map[string]any{}
	retries := map[string]any{}
	if id.retryMode != "" {
		retries["mode"] = id.retryMode
	}
	if id.retryMaxAttempts != 0 {
		retries["total_max_attempts"] = id.retryMaxAttempts
	}
	if len(retries) > 0 {
		cfg["retries"] = retries
	}
	if id.flags&hasConnectTimeout != 0 {
		cfg["connect_timeout"] = seconds(id.connectTimeout)
	}
	if id.flags&hasReadTimeout != 0 {
		cfg["read_timeout"] = seconds(id.readTimeout)
	}
	if id.flags&fipsSet != 0 {
		cfg["use_fips_endpoint"] = id.flags&fipsTrue != 0
	}
	if id.flags&dualStackSet != 0 {
		cfg["use_dualstack_endpoint"] = id.flags&dualStackTrue != 0
	}
	if id.flags&hasAppID != 0 {
		cfg["user_agent_appid"] = id.appID
	}
	if id.credProviderID != 0 {
		cfg["credential_provider"] = instanceName(id.credProviderID)
	}
	if id.httpClientID != 0 {
		cfg["http_client"] = instanceName(id.httpClientID)
	}
	if id.flags&pathStyle != 0 {
		cfg["s3"] = map[string]any{"addressing_style": "path"}
	}
	if len(cfg) > 0 {
		p["config"] = cfg
	}
	return p
}

// loadOptions are the config.LoadDefaultConfig options for s.
func (s *settings) loadOptions() []func(*config.LoadOptions) error {
	var o []func(*config.LoadOptions) error
	id := &s.id
	if id.region != "" {
		o = append(o, config.WithRegion(id.region))
	}
	if id.endpoint != "" {
		o = append(o, config.WithBaseEndpoint(id.endpoint))
	}
	if id.profile != "" {
		o = append(o, config.WithSharedConfigProfile(id.profile))
	}
	if s.creds != nil {
		o = append(o, config.WithCredentialsProvider(credentials.StaticCredentialsProvider{Value: *s.creds}))
	}
	if s.credProvider != nil {
		o = append(o, config.WithCredentialsProvider(s.credProvider))
	}
	if id.retryMode != "" {
		o = append(o, config.WithRetryMode(aws.RetryMode(id.retryMode)))
	}
	if id.retryMaxAttempts != 0 {
		o = append(o, config.WithRetryMaxAttempts(int(id.retryMaxAttempts)))
	}
	if s.httpClient != nil {
		o = append(o, config.WithHTTPClient(s.httpClient))
	} else if id.flags&(hasConnectTimeout|hasReadTimeout) != 0 {
		c := awshttp.NewBuildableClient()
		if id.flags&hasConnectTimeout != 0 {
			ct := id.connectTimeout
			c = c.WithDialerOptions(func(d *net.Dialer) { d.Timeout = ct })
		}
		if id.flags&hasReadTimeout != 0 {
			c = c.WithReadTimeout(id.readTimeout)
		}
		o = append(o, config.WithHTTPClient(c))
	}
	if id.flags&fipsSet != 0 {
		st := aws.FIPSEndpointStateDisabled
		if id.flags&fipsTrue != 0 {
			st = aws.FIPSEndpointStateEnabled
		}
		o = append(o, config.WithUseFIPSEndpoint(st))
	}
	if id.flags&dualStackSet != 0 {
		st := aws.DualStackEndpointStateDisabled
		if id.flags&dualStackTrue != 0 {
			st = aws.DualStackEndpointStateEnabled
		}
		o = append(o, config.WithUseDualStackEndpoint(st))
	}
	if id.flags&hasAppID != 0 {
		o = append(o, config.WithAppID(id.appID))
	}
	return o
}

// Key returns the cache key that Client uses for service and opts with no
// session defaults (Session.Key includes them), e.g. to print its
// fingerprint and label.
func Key(service string, opts ...Option) (*clientcache.Key, error) {
	var s settings
	for i := range opts {
		s.apply(&opts[i])
	}
	if msg := s.check(); msg != "" {
		return nil, invalid("Key", msg)
	}
	return clientcache.NewClientKey(service, s.id.params())
}

func invalid(op, msg string) error {
	return fmt.Errorf("awscache: %s: %s: %w", op, msg, clientcache.ErrInvalidArgument)
}

// DefaultMaxSize is the capacity of each cache of a session.
const DefaultMaxSize = clientcache.DefaultMaxSize

// Session holds two client caches, one LRU and one LFU, and default options
// for every client it returns (like boto3-client-cache's Session). It is
// safe for concurrent use.
//
// A Session prints (with any fmt verb) its default options with secrets as
// ***. Its state sits behind a pointer to a pointer, which fmt never
// follows, so not even a Session inside an unexported field of a struct
// printed with %+v or a wrong verb shows a secret (fmt cannot call methods
// there, and it follows one pointer to a struct when reporting a wrong verb).
type Session struct {
	ref **sessionState
}

func (s *Session) state() *sessionState { return *s.ref }

type sessionState struct {
	defaults   settings
	maxSize    int
	ttl        time.Duration // every client's time-to-live; 0 for none
	margin     time.Duration // before expiring credentials expire
	invalidate bool          // on an authentication error
	lru, lfu   *clientcache.Cache[any]
	// memo maps resolved options to the key they give, so that a hit does
	// not rebuild the key (encoding + SHA-256) on every call (memo.go).
	memo *memo
}

// SessionOption configures NewSession.
type SessionOption func(*sessionConfig)

type sessionConfig struct {
	maxSize    int
	defaults   []Option
	ttl        time.Duration
	margin     time.Duration
	invalidate bool
	onEvict    func(*clientcache.Key, any, clientcache.Cause)
}

// DefaultRefreshMargin is how long before expiring credentials expire a
// client built from them leaves the cache, unless WithRefreshMargin says
// otherwise.
const DefaultRefreshMargin = 5 * time.Minute

// WithTTL gives every client of the session a time-to-live of d from when
// it is cached (d > 0; none by default). A client whose credentials
// expire sooner leaves sooner.
func WithTTL(d time.Duration) SessionOption {
	return func(c *sessionConfig) { c.ttl = d }
}

// WithRefreshMargin sets how long before expiring static credentials
// (WithCredentials) expire the client built from them leaves the cache
// (default 5 minutes; d ≥ 0). Credentials that expire within the margin
// give a client that is used for the call that built it and not cached
// for later ones.
func WithRefreshMargin(d time.Duration) SessionOption {
	return func(c *sessionConfig) { c.margin = d }
}

// WithInvalidateOnAuthError turns on (the default) or off the removal of a
// client from the session's cache when one of its calls fails with an
// authentication error (AuthErrorCodes on HTTP 400, 401 or 403).
func WithInvalidateOnAuthError(enabled bool) SessionOption {
	return func(c *sessionConfig) { c.invalidate = enabled }
}

// WithOnEvict registers f, told once about every client that leaves one of
// the session's caches, with the cause (clientcache.WithOnEvict): e.g.
// Expired for credentials about to expire, Removed for an authentication
// error, Cleared on Close.
func WithOnEvict(f func(key *clientcache.Key, client any, cause clientcache.Cause)) SessionOption {
	return func(c *sessionConfig) { c.onEvict = f }
}

// WithMaxSize sets the capacity of each of the session's caches (default 10).
func WithMaxSize(n int) SessionOption {
	return func(c *sessionConfig) { c.maxSize = n }
}

// WithDefaults sets options applied to every client of the session before
// the call's own options (e.g. a profile or a region). The defaults are
// part of every key the session builds; a call's option replaces the
// default of the same option only.
func WithDefaults(opts ...Option) SessionOption {
	return func(c *sessionConfig) { c.defaults = append(c.defaults, opts...) }
}

// NewSession builds a session with an LRU and an LFU client cache.
func NewSession(opts ...SessionOption) (*Session, error) {
	cfg := sessionConfig{maxSize: DefaultMaxSize, margin: DefaultRefreshMargin, invalidate: true}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.ttl < 0 {
		return nil, invalid("NewSession", fmt.Sprintf("time-to-live %v is negative", cfg.ttl))
	}
	if cfg.margin < 0 {
		return nil, invalid("NewSession", fmt.Sprintf("refresh margin %v is negative", cfg.margin))
	}
	st := &sessionState{memo: newMemo(cfg.maxSize), maxSize: cfg.maxSize,
		ttl: cfg.ttl, margin: cfg.margin, invalidate: cfg.invalidate}
	for i := range cfg.defaults {
		st.defaults.apply(&cfg.defaults[i])
	}
	if st.defaults.err != "" {
		return nil, invalid("NewSession", st.defaults.err)
	}
	// Every client that leaves a cache takes its memo entries along, so the
	// memo never holds options (secrets included) longer than the session
	// holds a client built from them.
	onEvict := func(p clientcache.Policy) clientcache.Option {
		user := cfg.onEvict
		return clientcache.WithOnEvict(func(key *clientcache.Key, v any, cause clientcache.Cause) {
			st.memo.forget(p, key)
			if user != nil {
				user(key, v, cause)
			}
		})
	}
	common := []clientcache.Option{clientcache.WithMaxSize(cfg.maxSize), clientcache.WithTTL(cfg.ttl)}
	var err error
	if st.lru, err = clientcache.NewClientCache[any](append(common, onEvict(clientcache.LRU))...); err != nil {
		return nil, err
	}
	if st.lfu, err = clientcache.NewClientCache[any](append(common, onEvict(clientcache.LFU),
		clientcache.WithPolicy(clientcache.LFU))...); err != nil {
		st.lru.Close()
		return nil, err
	}
	return &Session{ref: &st}, nil
}

// Cache returns the session's cache for a policy, e.g. to read its Stats or
// Keys, or to Remove a client.
func (s *Session) Cache(p clientcache.Policy) *clientcache.Cache[any] {
	if p == clientcache.LFU {
		return s.state().lfu
	}
	return s.state().lru
}

// Close closes both caches. Later calls fail with clientcache.ErrClosed.
func (s *Session) Close() error {
	st := s.state()
	err := errors.Join(st.lru.Close(), st.lfu.Close())
	st.memo.clear()
	return err
}

// Key returns the cache key of a client of this session: the session's
// defaults with opts applied over them, as Client computes it. The key is
// the caller's (Close it or not).
func (s *Session) Key(service string, opts ...Option) (*clientcache.Key, error) {
	set, err := s.resolve("Key", opts)
	if err != nil {
		return nil, err
	}
	return clientcache.NewClientKey(service, set.id.params())
}

// resolve applies the session's defaults, then opts.
func (s *Session) resolve(op string, opts []Option) (settings, error) {
	set := s.state().defaults
	for i := range opts {
		set.apply(&opts[i])
	}
	if msg := set.check(); msg != "" {
		return settings{}, invalid(op, msg)
	}
	return set, nil
}

// Client returns the session's cached client for service ("s3",
// "dynamodb", ...) and opts. On a miss it loads the configuration with
// config.LoadDefaultConfig and builds the client with newFn (the service's
// NewFromConfig); concurrent callers for the same client wait for that one
// build (clientcache.Cache.GetOrCreateContext).
//
// ctx bounds this caller's wait: when it ends, Client returns ctx.Err() at
// once, and the build goes on for the other callers. The build runs with a
// context that carries ctx's values but not its deadline or cancellation;
// it is cancelled only when every caller waiting for that client has gone,
// and then nothing is cached. A failed build fails every caller waiting for
// it (an error matching clientcache.ErrFactoryFailed that wraps the SDK's
// error) and is not cached. A hit ignores ctx.
//
// The client is cached until it is evicted, until the session's WithTTL
// ends, until its expiring credentials come within the refresh margin of
// their expiry (WithCredentials, WithRefreshMargin), or until one of its
// calls fails with an authentication error (AuthErrorCodes; see
// WithInvalidateOnAuthError): the build adds a middleware to the client
// (through aws.Config.APIOptions) that removes the client from the cache —
// only if the cache still holds that very client — and returns the SDK's
// error unchanged.
//
// A hit allocates nothing: the options are values, they are resolved on
// the stack, and the key comes from the session's memo of the clients it
// holds (memo.go).
func Client[C any, O any](ctx context.Context, s *Session, service string,
	newFn func(aws.Config, ...func(*O)) C, opts ...Option) (C, error) {
	// The work is in the non-generic client; newFn becomes a builder
	// without allocating (a func is one pointer).
	return typed[C](s.client(ctx, service, opts, constructor[C, O](newFn)))
}

// typed is the client as a C.
func typed[C any](v any, key *clientcache.Key, err error) (C, error) {
	c, ok := v.(C)
	if ok && err == nil {
		return c, nil
	}
	if err == nil {
		err = fmt.Errorf("awscache: Client: the cached client for %s is a %T, not a %T: %w",
			key.Label(), v, c, clientcache.ErrKindMismatch)
	}
	return c, err
}

// builder builds a client of one service (constructor).
type builder interface {
	// pathStyle is the service option that sets UsePathStyle, or an error
	// when the service has none.
	pathStyle() (any, error)
	// build calls the service's constructor; pathStyle is what pathStyle
	// returned, or nil.
	build(cfg aws.Config, pathStyle any) any
}

// constructor is a service's NewFromConfig. A func is one pointer, so it
// becomes a builder without allocating.
type constructor[C, O any] func(aws.Config, ...func(*O)) C

func (constructor[C, O]) pathStyle() (any, error) {
	f, err := pathStyleOption[O]()
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (c constructor[C, O]) build(cfg aws.Config, pathStyle any) any {
	if f, ok := pathStyle.(func(*O)); ok {
		return c(cfg, f)
	}
	return c(cfg)
}

// client is Client without its type parameters: the session's cached
// client for service and opts, built with b on a miss, and its key.
func (s *Session) client(ctx context.Context, service string, opts []Option, b builder) (any, *clientcache.Key, error) {
	st := s.state()
	set := st.defaults
	for i := range opts {
		set.apply(&opts[i])
	}
	if msg := set.check(); msg != "" {
		return nil, nil, invalid("Client", msg)
	}
	var ps any
	if set.id.flags&pathStyle != 0 {
		var err error
		if ps, err = b.pathStyle(); err != nil {
			return nil, nil, err
		}
	}
	policy := set.policy
	cache := st.lru
	if policy == clientcache.LFU {
		cache = st.lfu
	}
	h := set.id.hash(service)
	key := st.memo.find(h, service, policy, &set.id)
	fresh := key == nil
	if fresh {
		var err error
		if key, err = clientcache.NewClientKey(service, set.id.params()); err != nil {
			return nil, nil, err
		}
	}
	v, err := clientcache.GetOrCreateArg(ctx, cache, key,
		buildArg{st: st, cache: cache, key: key, set: set, b: b, pathStyle: ps}, buildClient)
	if err != nil {
		return nil, key, err
	}
	if fresh {
		st.memo.add(h, service, policy, &set.id, key, cache)
	}
	return v, key, nil
}

// buildArg is what a build needs from the call that starts it (passed by
// value: clientcache.GetOrCreateArg copies it to the heap only on a miss).
type buildArg struct {
	st        *sessionState
	cache     *clientcache.Cache[any]
	key       *clientcache.Key
	set       settings
	b         builder
	pathStyle any
}

// buildClient builds a client on a miss, with the options of the call
// that started the build.
func buildClient(ctx context.Context, a buildArg) (any, time.Duration, error) {
	cfg, err := config.LoadDefaultConfig(ctx, a.set.loadOptions()...)
	if err != nil {
		return nil, 0, err
	}
	var built *builtClient
	if a.st.invalidate {
		built = &builtClient{cache: a.cache, key: a.key}
		cfg.APIOptions = append(cfg.APIOptions, built.addMiddleware)
	}
	c := a.b.build(cfg, a.pathStyle)
	if built != nil {
		built.set(c)
	}
	return c, a.st.lifetime(&a.set, time.Now()), nil
}

// lifetime is how long a client built with s may stay cached: until the
// refresh margin before its expiring static credentials expire (negative:
// already within it), else the cache's own time-to-live.
func (st *sessionState) lifetime(s *settings, now time.Time) time.Duration {
	if s.creds == nil || !s.creds.CanExpire || s.creds.Expires.IsZero() {
		return clientcache.DefaultTTL
	}
	d := s.creds.Expires.Sub(now) - st.margin
	if d <= 0 {
		return -1
	}
	if st.ttl > 0 && st.ttl < d {
		return clientcache.DefaultTTL
	}
	return d
}

// pathStyleOption sets O.UsePathStyle, or fails when O has no such field.
func pathStyleOption[O any]() (func(*O), error) {
	t := reflect.TypeFor[O]()
	f, ok := t.FieldByName("UsePathStyle")
	if !ok || f.Type.Kind() != reflect.Bool || !f.IsExported() {
		return nil, invalid("Client", fmt.Sprintf("WithPathStyle: %v has no UsePathStyle option", t))
	}
	return func(o *O) { reflect.ValueOf(o).Elem().FieldByIndex(f.Index).SetBool(true) }, nil
}

// S3 is Client(ctx, s, "s3", s3.NewFromConfig, opts...).
//
// Not inlined: inlined into a caller in another package, its call of the
// generic Client would be analysed without Client's escape information,
// and the caller's options would go to the heap on every call.
//
//go:noinline
func S3(ctx context.Context, s *Session, opts ...Option) (*s3.Client, error) {
	return Client(ctx, s, "s3", s3.NewFromConfig, opts...)
}

var (
	defaultOnce    sync.Once
	defaultSession *Session
	defaultErr     error
)

// Default returns the process-wide session (two caches of 10 clients each),
// built on first use.
func Default() (*Session, error) {
	defaultOnce.Do(func() { defaultSession, defaultErr = NewSession() })
	return defaultSession, defaultErr
}
