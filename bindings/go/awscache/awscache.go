// Package awscache returns cached aws-sdk-go-v2 clients: one call gives the
// client for a service and its options, built with config.LoadDefaultConfig
// and the service's constructor on a miss (single-flight: concurrent callers
// for the same client wait for one build) and served from a clientcache
// Cache on every later call.
//
//	sess, _ := awscache.NewSession()
//	s3c, err := awscache.Client(ctx, sess, "s3", s3.NewFromConfig,
//		awscache.WithRegion("us-west-2"), awscache.WithRetries(aws.RetryModeStandard, 3))
//
// The cache key is built from the options, in the parameter vocabulary of
// the Python original (region_name, endpoint_url, aws_access_key_id, ...),
// so a Go, Node, Rust or Python service computes the same fingerprint for
// the same client. Every option that goes into the key also configures the
// client; settings that come from the environment or shared config files
// without an option are not part of the key (as in boto3-client-cache).
package awscache

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/clientcache/clientcache/bindings/go"
)

// settings are the resolved options of one call. It is comparable and
// serves as the memo key for the cache key (see Session.entry). It holds
// secrets: it is never formatted or logged.
type settings struct {
	region, endpoint, profile                  string
	accessKeyID, secretAccessKey, sessionToken string
	hasCredentials                             bool
	retryMode                                  aws.RetryMode
	retryMaxAttempts                           int
	hasRetries                                 bool
	pathStyle                                  bool
	policy                                     clientcache.Policy
	err                                        string // first invalid option
}

// Option configures one client (or, given to NewSession, every client of
// the session).
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
// holds only SHA-256 hashes of them, and labels show ***.
func WithStaticCredentials(accessKeyID, secretAccessKey, sessionToken string) Option {
	return func(s *settings) {
		if accessKeyID == "" || secretAccessKey == "" {
			s.fail("WithStaticCredentials needs an access key id and a secret access key")
		}
		s.accessKeyID, s.secretAccessKey, s.sessionToken = accessKeyID, secretAccessKey, sessionToken
		s.hasCredentials = true
	}
}

// WithProfile selects a shared config/credentials profile
// (config.WithSharedConfigProfile; key: profile_name). A profile that does
// not exist fails the build of the client.
func WithProfile(name string) Option {
	return func(s *settings) { s.profile = name }
}

// WithRetries sets the retry mode ("standard" or "adaptive") and the
// maximum number of retries after the first attempt, with the meaning of
// botocore's retries.max_attempts (key: config.retries.max_attempts and
// config.retries.mode). The client is configured with
// config.WithRetryMode(mode) and config.WithRetryMaxAttempts(maxAttempts+1),
// since aws-sdk-go-v2 counts the first attempt too.
func WithRetries(mode aws.RetryMode, maxAttempts int) Option {
	return func(s *settings) {
		if mode != aws.RetryModeStandard && mode != aws.RetryModeAdaptive {
			s.fail(fmt.Sprintf("retry mode %q is not standard or adaptive", string(mode)))
		}
		if maxAttempts < 0 {
			s.fail(fmt.Sprintf("retry max attempts %d is negative", maxAttempts))
		}
		s.retryMode, s.retryMaxAttempts, s.hasRetries = mode, maxAttempts, true
	}
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

// params renders the key parameters of a resolved option set.
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
		p["aws_access_key_id"] = s.accessKeyID
		p["aws_secret_access_key"] = s.secretAccessKey
		if s.sessionToken != "" {
			p["aws_session_token"] = s.sessionToken
		}
	}
	cfg := map[string]any{}
	if s.hasRetries {
		cfg["retries"] = map[string]any{"max_attempts": s.retryMaxAttempts, "mode": string(s.retryMode)}
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
		o = append(o, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(s.accessKeyID, s.secretAccessKey, s.sessionToken)))
	}
	if s.hasRetries {
		o = append(o, config.WithRetryMode(s.retryMode), config.WithRetryMaxAttempts(s.retryMaxAttempts+1))
	}
	return o
}

// Key returns the cache key that Client uses for service and opts (with no
// session defaults), e.g. to print its fingerprint and label.
func Key(service string, opts ...Option) (*clientcache.Key, error) {
	var s settings
	for _, o := range opts {
		o(&s)
	}
	if s.err != "" {
		return nil, invalid("Key", s.err)
	}
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
type Session struct {
	defaults settings
	lru, lfu *clientcache.Cache[any]
	// memo maps (service, settings) to their *clientcache.Key so a hit
	// does not rebuild the key (JSON + SHA-256) on every call. The core
	// still decides identity: equal settings always give equal keys.
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
	maxSize  int
	defaults []Option
}

// WithMaxSize sets the capacity of each of the session's caches (default 10).
func WithMaxSize(n int) SessionOption {
	return func(c *sessionConfig) { c.maxSize = n }
}

// WithDefaults sets options applied to every client of the session before
// the call's own options (e.g. a profile or a region).
func WithDefaults(opts ...Option) SessionOption {
	return func(c *sessionConfig) { c.defaults = append(c.defaults, opts...) }
}

// NewSession builds a session with an LRU and an LFU client cache.
func NewSession(opts ...SessionOption) (*Session, error) {
	cfg := sessionConfig{maxSize: DefaultMaxSize}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Session{memo: map[memoKey]*memoEntry{}}
	for _, o := range cfg.defaults {
		o(&s.defaults)
	}
	if s.defaults.err != "" {
		return nil, invalid("NewSession", s.defaults.err)
	}
	var err error
	if s.lru, err = clientcache.NewClientCache[any](clientcache.WithMaxSize(cfg.maxSize)); err != nil {
		return nil, err
	}
	if s.lfu, err = clientcache.NewClientCache[any](clientcache.WithMaxSize(cfg.maxSize), clientcache.WithPolicy(clientcache.LFU)); err != nil {
		s.lru.Close()
		return nil, err
	}
	return s, nil
}

// Cache returns the session's cache for a policy, e.g. to read its Stats or
// Keys, or to Remove a client.
func (s *Session) Cache(p clientcache.Policy) *clientcache.Cache[any] {
	if p == clientcache.LFU {
		return s.lfu
	}
	return s.lru
}

// Close closes both caches. Later calls fail with clientcache.ErrClosed.
func (s *Session) Close() error {
	return errors.Join(s.lru.Close(), s.lfu.Close())
}

// Key returns the cache key of a client of this session (defaults
// included).
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
	// Built in place: settings is large, and this is the hot path of a hit.
	mk := memoKey{service: service, s: s.defaults}
	for _, o := range opts {
		o(&mk.s)
	}
	if mk.s.err != "" {
		return nil, 0, invalid(op, mk.s.err)
	}
	policy := mk.s.policy
	mk.s.policy = 0 // not part of the key
	s.memoMu.RLock()
	e, ok := s.memo[mk]
	s.memoMu.RUnlock()
	if ok {
		return e, policy, nil
	}
	k, err := clientcache.NewClientKey(service, mk.s.params())
	if err != nil {
		return nil, 0, err
	}
	s.memoMu.Lock()
	defer s.memoMu.Unlock()
	if old, ok := s.memo[mk]; ok {
		return old, policy, nil
	}
	if len(s.memo) >= maxMemo {
		clear(s.memo)
	}
	e = &memoEntry{key: k, st: mk.s}
	s.memo[mk] = e
	return e, policy, nil
}

// Client returns the session's cached client for service ("s3",
// "dynamodb", ...) and opts. On a miss it loads the configuration with
// config.LoadDefaultConfig(ctx, ...) and builds the client with newFn (the
// service's NewFromConfig); concurrent callers for the same client wait for
// that one build. ctx is used only by that build.
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
	v, err := s.Cache(policy).GetOrCreate(key, func() (any, error) {
		cfg, err := config.LoadDefaultConfig(ctx, e.st.loadOptions()...)
		if err != nil {
			return nil, err
		}
		return newFn(cfg, optFns...), nil
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
