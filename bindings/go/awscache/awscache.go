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

// settings are the resolved options of one call. It is comparable and
// serves as the memo key for the cache key (see Session.entry). It holds
// secrets: every fmt verb prints it redacted (format.go).
type settings struct {
	region, endpoint, profile string
	// Static credentials: the key holds the three secrets (digested by the
	// core); the rest of creds (AccountID, Source, expiry) only configures
	// the client.
	creds          aws.Credentials
	hasCredentials bool
	// An object credential provider, and its instance number.
	credProvider   aws.CredentialsProvider
	credProviderID uint64
	httpClient     aws.HTTPClient
	httpClientID   uint64

	retryMode                   aws.RetryMode
	retryMaxAttempts            int
	connectTimeout, readTimeout time.Duration
	hasConnectTimeout           bool
	hasReadTimeout              bool
	fips, dualStack             triState
	appID                       string
	hasAppID                    bool
	pathStyle                   bool
	policy                      clientcache.Policy
	err                         string // first invalid option
}

// triState is an optional bool: unset means "ask the environment".
type triState uint8

const (
	unset triState = iota
	isFalse
	isTrue
)

func tri(b bool) triState {
	if b {
		return isTrue
	}
	return isFalse
}

// Option configures one client (or, given to NewSession through
// WithDefaults, every client of the session; the call's options win,
// option by option).
type Option func(*settings)

func (s *settings) fail(msg string) {
	if s.err == "" {
		s.err = msg
	}
}

// WithRegion sets the region (config.WithRegion; key: region_name).
func WithRegion(region string) Option {
	return func(s *settings) { s.region = region }
}

// WithEndpoint sets the base endpoint URL of the service
// (config.WithBaseEndpoint; key: endpoint_url), e.g. a local S3-compatible
// server.
func WithEndpoint(url string) Option {
	return func(s *settings) { s.endpoint = url }
}

// WithStaticCredentials uses fixed credentials (credentials.
// NewStaticCredentialsProvider; key: aws_access_key_id,
// aws_secret_access_key and, when not empty, aws_session_token). The key
// holds only SHA-256 digests of them, and labels and fmt show ***. It
// replaces an earlier WithCredentialsProvider, and the reverse.
func WithStaticCredentials(accessKeyID, secretAccessKey, sessionToken string) Option {
	creds := credentials.NewStaticCredentialsProvider(accessKeyID, secretAccessKey, sessionToken).Value
	return func(s *settings) { s.setStatic(creds) }
}

// WithCredentials uses fixed credentials given as an aws.Credentials
// (key: as WithStaticCredentials; AccountID, Source and the expiry
// configure the client but are not identity). When they can expire
// (CanExpire with a non-zero Expires), the client leaves the cache the
// session's refresh margin (WithRefreshMargin) before Expires, and the
// next call builds a new one — with the credentials that call passes.
func WithCredentials(creds aws.Credentials) Option {
	return func(s *settings) { s.setStatic(creds) }
}

func (s *settings) setStatic(creds aws.Credentials) {
	if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		s.fail("static credentials need an access key id and a secret access key")
	}
	s.creds, s.hasCredentials = creds, true
	s.credProvider, s.credProviderID = nil, 0
}

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
		return func(s *settings) { s.setStatic(creds) }
	case *credentials.StaticCredentialsProvider:
		if sp != nil {
			creds := sp.Value
			return func(s *settings) { s.setStatic(creds) }
		}
	}
	id, msg := instanceOf(p, "WithCredentialsProvider")
	return func(s *settings) {
		if msg != "" {
			s.fail(msg)
			return
		}
		s.credProvider, s.credProviderID = p, id
		s.creds, s.hasCredentials = aws.Credentials{}, false
	}
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
	return func(s *settings) {
		if msg != "" {
			s.fail(msg)
			return
		}
		s.httpClient, s.httpClientID = c, id
	}
}

// WithRetryMaxAttempts sets the maximum number of attempts, the first one
// included (n ≥ 1; config.WithRetryMaxAttempts, the meaning of
// aws-sdk-go-v2's RetryMaxAttempts; key: config.retries.total_max_attempts).
func WithRetryMaxAttempts(n int) Option {
	return func(s *settings) {
		if n < 1 {
			s.fail(fmt.Sprintf("retry max attempts %d is not at least 1 (attempts include the first one)", n))
		}
		s.retryMaxAttempts = n
	}
}

// WithRetryMode sets the retry mode, aws.RetryModeStandard or
// aws.RetryModeAdaptive (config.WithRetryMode; key: config.retries.mode).
func WithRetryMode(mode aws.RetryMode) Option {
	return func(s *settings) {
		if mode != aws.RetryModeStandard && mode != aws.RetryModeAdaptive {
			s.fail(fmt.Sprintf("retry mode %q is not standard or adaptive", string(mode)))
		}
		s.retryMode = mode
	}
}

// WithRetries is WithRetryMode(mode) and WithRetryMaxAttempts(maxAttempts):
// maxAttempts counts every attempt, the first one included, as
// aws-sdk-go-v2's RetryMaxAttempts does (keys: config.retries.mode and
// config.retries.total_max_attempts).
func WithRetries(mode aws.RetryMode, maxAttempts int) Option {
	m, n := WithRetryMode(mode), WithRetryMaxAttempts(maxAttempts)
	return func(s *settings) { m(s); n(s) }
}

// WithConnectTimeout bounds the time to establish a connection: the
// net.Dialer timeout of the SDK's HTTP client (awshttp.BuildableClient;
// 0 means no timeout). Key: config.connect_timeout, in seconds, as
// float64(d.Nanoseconds())/1e9.
func WithConnectTimeout(d time.Duration) Option {
	return func(s *settings) {
		if d < 0 {
			s.fail(fmt.Sprintf("connect timeout %v is negative", d))
		}
		s.connectTimeout, s.hasConnectTimeout = d, true
	}
}

// WithReadTimeout bounds how long the SDK's HTTP client waits for a
// connection to deliver data, reset by every byte received
// (awshttp.BuildableClient.WithReadTimeout; 0 disables it), the
// counterpart of botocore's read_timeout. Key: config.read_timeout, in
// seconds, as float64(d.Nanoseconds())/1e9.
func WithReadTimeout(d time.Duration) Option {
	return func(s *settings) {
		if d < 0 {
			s.fail(fmt.Sprintf("read timeout %v is negative", d))
		}
		s.readTimeout, s.hasReadTimeout = d, true
	}
}

// WithFIPS selects (true) or refuses (false) FIPS endpoints
// (config.WithUseFIPSEndpoint; key: config.use_fips_endpoint). Without it
// the environment decides, so an explicit false is a different key.
func WithFIPS(enabled bool) Option {
	return func(s *settings) { s.fips = tri(enabled) }
}

// WithDualStack selects (true) or refuses (false) dual-stack endpoints
// (config.WithUseDualStackEndpoint; key: config.use_dualstack_endpoint).
// Without it the environment decides.
func WithDualStack(enabled bool) Option {
	return func(s *settings) { s.dualStack = tri(enabled) }
}

// WithAppID sets the application id sent in the User-Agent header
// (config.WithAppID; key: config.user_agent_appid).
func WithAppID(id string) Option {
	return func(s *settings) { s.appID, s.hasAppID = id, true }
}

// WithProfile selects a shared config/credentials profile
// (config.WithSharedConfigProfile; key: profile_name). A profile that does
// not exist fails the build of the client.
func WithProfile(name string) Option {
	return func(s *settings) { s.profile = name }
}

// WithPathStyle addresses buckets in the URL path rather than the host name
// (key: config.s3.addressing_style = "path", as botocore spells it). It sets
// the UsePathStyle field of the service's options; for a service whose
// options have no such field the call fails with ErrInvalidArgument.
// S3-compatible servers such as moto or MinIO need it.
func WithPathStyle() Option {
	return func(s *settings) { s.pathStyle = true }
}

// WithPolicy selects which of the session's caches holds the client: LRU
// (the default) or LFU. It is not part of the key.
func WithPolicy(p clientcache.Policy) Option {
	return func(s *settings) {
		if p != clientcache.LRU && p != clientcache.LFU {
			s.fail(fmt.Sprintf("unknown policy %v", p))
		}
		s.policy = p
	}
}

// check reports the first invalid option or combination, once every
// option (session defaults, then the call's) has been applied.
func (s *settings) check() string {
	if s.err != "" {
		return s.err
	}
	if s.httpClient != nil && (s.hasConnectTimeout || s.hasReadTimeout) {
		return "WithConnectTimeout and WithReadTimeout configure the SDK's HTTP client and cannot be combined with WithHTTPClient: set the timeouts on that client"
	}
	return ""
}

// seconds is a duration in seconds as the key holds it: the double nearest
// to the exact number, from one correctly rounded division.
func seconds(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e9 }

// params renders the key parameters of a resolved option set (the mapping
// of docs/identity.md, "SDK options").
func (s *settings) params() clientcache.Params {
	p := clientcache.Params{}
	if s.region != "" {
		p["region_name"] = s.region
	}
	if s.endpoint != "" {
		p["endpoint_url"] = s.endpoint
	}
	if s.profile != "" {
		p["profile_name"] = s.profile
	}
	if s.hasCredentials {
		p["aws_access_key_id"] = s.creds.AccessKeyID
		p["aws_secret_access_key"] = s.creds.SecretAccessKey
		if s.creds.SessionToken != "" {
			p["aws_session_token"] = s.creds.SessionToken
		}
	}
	cfg := map[string]any{}
	retries := map[string]any{}
	if s.retryMode != "" {
		retries["mode"] = string(s.retryMode)
	}
	if s.retryMaxAttempts != 0 {
		retries["total_max_attempts"] = s.retryMaxAttempts
	}
	if len(retries) > 0 {
		cfg["retries"] = retries
	}
	if s.hasConnectTimeout {
		cfg["connect_timeout"] = seconds(s.connectTimeout)
	}
	if s.hasReadTimeout {
		cfg["read_timeout"] = seconds(s.readTimeout)
	}
	if s.fips != unset {
		cfg["use_fips_endpoint"] = s.fips == isTrue
	}
	if s.dualStack != unset {
		cfg["use_dualstack_endpoint"] = s.dualStack == isTrue
	}
	if s.hasAppID {
		cfg["user_agent_appid"] = s.appID
	}
	if s.credProviderID != 0 {
		cfg["credential_provider"] = instanceName(s.credProviderID)
	}
	if s.httpClientID != 0 {
		cfg["http_client"] = instanceName(s.httpClientID)
	}
	if s.pathStyle {
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
	if s.region != "" {
		o = append(o, config.WithRegion(s.region))
	}
	if s.endpoint != "" {
		o = append(o, config.WithBaseEndpoint(s.endpoint))
	}
	if s.profile != "" {
		o = append(o, config.WithSharedConfigProfile(s.profile))
	}
	if s.hasCredentials {
		o = append(o, config.WithCredentialsProvider(credentials.StaticCredentialsProvider{Value: s.creds}))
	}
	if s.credProvider != nil {
		o = append(o, config.WithCredentialsProvider(s.credProvider))
	}
	if s.retryMode != "" {
		o = append(o, config.WithRetryMode(s.retryMode))
	}
	if s.retryMaxAttempts != 0 {
		o = append(o, config.WithRetryMaxAttempts(s.retryMaxAttempts))
	}
	if s.httpClient != nil {
		o = append(o, config.WithHTTPClient(s.httpClient))
	} else if s.hasConnectTimeout || s.hasReadTimeout {
		c := awshttp.NewBuildableClient()
		if s.hasConnectTimeout {
			ct := s.connectTimeout
			c = c.WithDialerOptions(func(d *net.Dialer) { d.Timeout = ct })
		}
		if s.hasReadTimeout {
			c = c.WithReadTimeout(s.readTimeout)
		}
		o = append(o, config.WithHTTPClient(c))
	}
	switch s.fips {
	case isTrue:
		o = append(o, config.WithUseFIPSEndpoint(aws.FIPSEndpointStateEnabled))
	case isFalse:
		o = append(o, config.WithUseFIPSEndpoint(aws.FIPSEndpointStateDisabled))
	}
	switch s.dualStack {
	case isTrue:
		o = append(o, config.WithUseDualStackEndpoint(aws.DualStackEndpointStateEnabled))
	case isFalse:
		o = append(o, config.WithUseDualStackEndpoint(aws.DualStackEndpointStateDisabled))
	}
	if s.hasAppID {
		o = append(o, config.WithAppID(s.appID))
	}
	return o
}

// Key returns the cache key that Client uses for service and opts with no
// session defaults (Session.Key includes them), e.g. to print its
// fingerprint and label.
func Key(service string, opts ...Option) (*clientcache.Key, error) {
	var s settings
	for _, o := range opts {
		o(&s)
	}
	if msg := s.check(); msg != "" {
		return nil, invalid("Key", msg)
	}
	s.policy = 0
	return clientcache.NewClientKey(service, s.params())
}

func invalid(op, msg string) error {
	return fmt.Errorf("awscache: %s: %s: %w", op, msg, clientcache.ErrInvalidArgument)
}

// DefaultMaxSize is the capacity of each cache of a session.
const DefaultMaxSize = clientcache.DefaultMaxSize

// maxMemo bounds the memo of keys per session; past it the memo restarts.
const maxMemo = 4096

type memoKey struct {
	service string
	s       settings
}

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
	// memo maps (service, settings) to their *clientcache.Key so a hit
	// does not rebuild the key (encoding + SHA-256) on every call. The core
	// still decides identity: equal settings always give equal keys. It
	// holds the option values (providers included) until it restarts.
	memoMu sync.RWMutex
	memo   map[memoKey]*memoEntry
}

// memoEntry is a memoized key with the settings it was built from (which
// a miss uses to build the client).
type memoEntry struct {
	key *clientcache.Key
	st  settings
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
	st := &sessionState{memo: map[memoKey]*memoEntry{}, maxSize: cfg.maxSize,
		ttl: cfg.ttl, margin: cfg.margin, invalidate: cfg.invalidate}
	for _, o := range cfg.defaults {
		o(&st.defaults)
	}
	if st.defaults.err != "" {
		return nil, invalid("NewSession", st.defaults.err)
	}
	common := []clientcache.Option{clientcache.WithMaxSize(cfg.maxSize), clientcache.WithTTL(cfg.ttl)}
	if cfg.onEvict != nil {
		common = append(common, clientcache.WithOnEvict(cfg.onEvict))
	}
	var err error
	if st.lru, err = clientcache.NewClientCache[any](common...); err != nil {
		return nil, err
	}
	if st.lfu, err = clientcache.NewClientCache[any](append(common, clientcache.WithPolicy(clientcache.LFU))...); err != nil {
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
	return errors.Join(s.state().lru.Close(), s.state().lfu.Close())
}

// Key returns the cache key of a client of this session: the session's
// defaults with opts applied over them, as Client computes it.
func (s *Session) Key(service string, opts ...Option) (*clientcache.Key, error) {
	e, _, err := s.entry("Key", service, opts)
	if err != nil {
		return nil, err
	}
	return e.key, nil
}

// entry resolves the options of a call (session defaults first) and
// returns the memoized key for them, and the policy they select.
func (s *Session) entry(op, service string, opts []Option) (*memoEntry, clientcache.Policy, error) {
	st := s.state()
	// Built in place: settings is large, and this is the hot path of a hit.
	mk := memoKey{service: service, s: st.defaults}
	for _, o := range opts {
		o(&mk.s)
	}
	if msg := mk.s.check(); msg != "" {
		return nil, 0, invalid(op, msg)
	}
	policy := mk.s.policy
	mk.s.policy = 0 // not part of the key
	st.memoMu.RLock()
	e, ok := st.memo[mk]
	st.memoMu.RUnlock()
	if ok {
		return e, policy, nil
	}
	k, err := clientcache.NewClientKey(service, mk.s.params())
	if err != nil {
		return nil, 0, err
	}
	st.memoMu.Lock()
	defer st.memoMu.Unlock()
	if old, ok := st.memo[mk]; ok {
		return old, policy, nil
	}
	if len(st.memo) >= maxMemo {
		clear(st.memo)
	}
	e = &memoEntry{key: k, st: mk.s}
	st.memo[mk] = e
	return e, policy, nil
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
func Client[C any, O any](ctx context.Context, s *Session, service string,
	newFn func(aws.Config, ...func(*O)) C, opts ...Option) (C, error) {
	var zero C
	e, policy, err := s.entry("Client", service, opts)
	if err != nil {
		return zero, err
	}
	var optFns []func(*O)
	if e.st.pathStyle {
		f, err := pathStyleOption[O]()
		if err != nil {
			return zero, err
		}
		optFns = append(optFns, f)
	}
	key := e.key
	st := s.state()
	cache := s.Cache(policy)
	v, err := cache.GetOrCreateWithTTL(ctx, key, func(ctx context.Context) (any, time.Duration, error) {
		cfg, err := config.LoadDefaultConfig(ctx, e.st.loadOptions()...)
		if err != nil {
			return nil, 0, err
		}
		var built *builtClient
		if st.invalidate {
			built = &builtClient{cache: cache, key: key}
			cfg.APIOptions = append(cfg.APIOptions, built.addMiddleware)
		}
		c := newFn(cfg, optFns...)
		if built != nil {
			built.set(c)
		}
		return c, st.lifetime(&e.st, time.Now()), nil
	})
	if err != nil {
		return zero, err
	}
	c, ok := v.(C)
	if !ok {
		return zero, fmt.Errorf("awscache: Client: the cached client for %s is a %T, not a %T: %w",
			key.Label(), v, zero, clientcache.ErrKindMismatch)
	}
	return c, nil
}

// lifetime is how long a client built with s may stay cached: until the
// refresh margin before its expiring static credentials expire (negative:
// already within it), else the cache's own time-to-live.
func (st *sessionState) lifetime(s *settings, now time.Time) time.Duration {
	if !s.hasCredentials || !s.creds.CanExpire || s.creds.Expires.IsZero() {
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
