//! `Session`: session-wide defaults plus one cache per kind and policy.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, SystemTime};

use aws_config::SdkConfig;
use clientcache::{Cache, Clock, Key, Kind, Policy, RemovalCause, Stats};

use crate::instance::Provider;
use crate::memo::{MAX_SHAPES_PER_ENTRY, Memo};
use crate::{ClientParams, Error, SdkClient, ServiceOptions, auth, build};

/// The default capacity of every cache of a session.
pub const DEFAULT_MAX_SIZE: usize = 10;

/// How long before their static credentials expire clients are dropped
/// from the cache by default (see [`SessionBuilder::refresh_margin`]).
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// What a cache entry holds: a built client of any type, so that one cache
/// can hold clients of every service.
type Slot = Arc<Entry>;

struct Entry {
    /// Tells this entry from a newer one under the same key.
    id: u64,
    value: Box<dyn Any + Send + Sync>,
    /// The credentials provider of the params, if any: while the entry is
    /// cached, the provider keeps its instance number, so calls that pass
    /// the same provider object in new params find this entry again.
    _provider: Option<Arc<Provider>>,
    /// The memo of the entry's cache, and the hashes of the records this
    /// entry owns there: they leave with the entry (src/memo.rs).
    memo: Arc<Memo>,
    memo_hashes: Mutex<Vec<u64>>,
}

impl Drop for Entry {
    fn drop(&mut self) {
        let hashes = self
            .memo_hashes
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        for &hash in hashes.iter() {
            self.memo.forget(hash, self.id);
        }
    }
}

/// How a call found its key.
enum KeyFrom {
    /// The params' own memo (params reused by the caller).
    Params,
    /// The session memo: a record owned by entry `owner`.
    Memo { hash: u64, owner: u64 },
    /// Computed (canonical form + SHA-256).
    Computed { hash: u64 },
}

/// Numbers entries, for [`Entry::id`].
static NEXT_ENTRY: AtomicU64 = AtomicU64::new(1);

/// The listener given to [`SessionBuilder::on_evict`].
type EvictListener = Arc<dyn Fn(&Key, RemovalCause) + Send + Sync>;

/// A set of session defaults (profile, region, credentials, any
/// [`ClientParams`]) and four client caches: one per kind (client,
/// resource) and eviction policy (LRU, LFU).
///
/// Cloning a `Session` is cheap and the clones share the caches.
///
/// # Session defaults are part of the key
///
/// Before a key is built, the session's defaults are merged under the
/// call's params, the call winning option by option
/// ([`ClientParams::with_defaults`]); the key describes the merged params,
/// which are exactly what the client is built from (docs/identity.md,
/// "Session defaults are part of the key"). So a session with region
/// `us-east-1` caches its S3 client under `s3(region_name="us-east-1")`,
/// the same key as a call that names that region itself, in any language.
/// [`client_key`](Self::client_key) tells which key a call would use.
///
/// ```
/// use clientcache_aws::{ClientParams, Session};
///
/// let session = Session::builder()
///     .region("us-east-1")
///     .defaults(ClientParams::new().max_attempts(5))
///     .build()?;
/// let key = session.client_key("s3", &ClientParams::new().retry_mode("adaptive"))?;
/// assert_eq!(
///     key.label(),
///     r#"s3(config={"retries":{"mode":"adaptive","total_max_attempts":5}}, region_name="us-east-1")"#
/// );
/// let own = ClientParams::new().region_name("us-east-1").max_attempts(5).retry_mode("adaptive");
/// assert_eq!(key, own.client_key("s3")?);
/// # Ok::<(), clientcache_aws::Error>(())
/// ```
///
/// # Single-flight in async code
///
/// [`client`](Self::client) never blocks a tokio worker thread: it uses
/// the core's async single-flight
/// ([`get_or_insert_with_async_ttl`](clientcache::Cache::get_or_insert_with_async_ttl)).
/// Loading the AWS configuration and building the client run outside every
/// lock:
///
/// - the first task to miss a key builds the client; every other task
///   asking for the same key meanwhile *awaits* that build (it yields, it
///   does not block) and receives a clone of the same client;
/// - tasks asking for other keys proceed independently;
/// - if building fails, every task waiting for it receives the same error
///   and nothing is cached, so a later call tries again;
/// - if the building task is cancelled (its future dropped), one of the
///   waiting tasks takes over the build.
///
/// An entry is cached (and counts toward `max_size`) once its client is
/// built.
///
/// # Expiry
///
/// A client built from static credentials that carry an expiry
/// ([`ClientParams::credentials_expiring`],
/// [`ClientParams::static_credentials`]) leaves the cache a refresh margin
/// before they expire (5 minutes by default,
/// [`SessionBuilder::refresh_margin`]); the next call builds a new one.
/// The expiry is not part of the key. Clients whose credentials come from
/// a provider (which refreshes them itself), a profile or the environment
/// do not expire, unless the session has a time-to-live
/// ([`SessionBuilder::time_to_live`]) that applies to every entry. Both are
/// the core's per-entry deadlines: an expired entry is a miss, counted in
/// [`Stats::expirations`], and reported to [`SessionBuilder::on_evict`] as
/// [`RemovalCause::Expired`].
///
/// Credentials that expire within the margin (or already have) still give
/// a client, which is returned but not kept.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use clientcache_aws::{ClientParams, ManualClock, Policy, Session};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), clientcache_aws::Error> {
/// let clock = ManualClock::new();
/// let session = Session::builder()
///     .region("us-east-1")
///     .refresh_margin(Duration::from_secs(300))
///     .clock(clock.clone())
///     .build()?;
/// let expires = SystemTime::now() + Duration::from_secs(3600);
/// let params = ClientParams::new().credentials_expiring("ASIAEXAMPLE", "secret", Some("token".into()), expires);
/// let _s3: aws_sdk_s3::Client = session.client(&params).await?;
/// clock.advance(Duration::from_secs(3300)); // 5 minutes before the expiry
/// let _fresh: aws_sdk_s3::Client = session.client(&params).await?;
/// assert_eq!(session.builds(), 2);
/// assert_eq!(session.cache(Policy::Lru).stats().expirations, 1);
/// # Ok(()) }
/// ```
///
/// # Invalidation on authentication errors
///
/// Every client a session builds watches the responses to its requests.
/// When one says that the credentials are expired or not valid (HTTP 400,
/// 401 or 403 with an error code of [`AUTH_ERROR_CODES`](crate::AUTH_ERROR_CODES),
/// read from the `x-amzn-ErrorType` header or the error body), that client
/// is removed from the session's cache, so the next call for its key builds
/// a new one (which loads the credentials again). Only that client is
/// removed: if its key already holds a newer client, the newer one stays.
/// The caller still gets the SDK's own error for the failed call, and
/// clones of the client it already holds keep working as before.
/// [`SessionBuilder::invalidate_on_auth_error`] turns this off.
///
/// # Eviction causes
///
/// [`SessionBuilder::on_evict`] is told about every client that leaves one
/// of the session's caches, with its key and the core's [`RemovalCause`]:
/// `Evicted` (capacity), `Expired` (credentials or time-to-live),
/// `Removed` (an authentication error, or [`SessionCache::remove`]) or
/// `Cleared` ([`Session::clear`], or the session going away).
///
/// ```no_run
/// # async fn demo() -> Result<(), clientcache_aws::Error> {
/// use clientcache_aws::{ClientParams, Session};
///
/// let session = Session::builder().region("us-west-2").build()?;
/// let params = ClientParams::new().max_attempts(3);
/// let s3: aws_sdk_s3::Client = session.client(&params).await?; // built
/// let again: aws_sdk_s3::Client = session.client(&params).await?; // cached
/// assert!(std::ptr::eq(s3.config(), again.config()));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

struct Inner {
    /// Distinguishes sessions in the params' memo of merged keys.
    id: u64,
    defaults: ClientParams,
    /// `defaults.is_empty()`: keys need no merge.
    defaults_empty: bool,
    default_policy: Policy,
    /// Indexed by [`cache_index`].
    caches: [Cache<Slot>; 4],
    /// One memo of params → key per cache, indexed likewise.
    memos: [Arc<Memo>; 4],
    builds: AtomicU64,
    time_to_live: Option<Duration>,
    refresh_margin: Duration,
    invalidate_on_auth_error: bool,
}

impl Inner {
    /// Removes the entry `id` of `key` from cache `index`, if that key
    /// still holds it (a newer client under the same key stays).
    fn invalidate(&self, index: usize, key: &Key, id: u64) {
        let cache = &self.caches[index];
        let _ = cache.remove_if(key, |slot| slot.id == id);
    }
}

fn cache_index(kind: Kind, policy: Policy) -> usize {
    let k = match kind {
        Kind::Client => 0,
        Kind::Resource => 2,
    };
    k + match policy {
        Policy::Lru => 0,
        Policy::Lfu => 1,
    }
}

/// Numbers sessions for [`ClientParams`]' memo of merged keys.
static NEXT_SESSION: AtomicU64 = AtomicU64::new(1);

/// Builds a [`Session`].
#[derive(Clone)]
pub struct SessionBuilder {
    defaults: ClientParams,
    policy: Policy,
    max_size: usize,
    time_to_live: Option<Duration>,
    refresh_margin: Duration,
    invalidate_on_auth_error: bool,
    clock: Option<Arc<dyn Clock>>,
    on_evict: Option<EvictListener>,
}

impl SessionBuilder {
    /// The profile used when the params name none (boto3
    /// `Session(profile_name=…)`): `profile_name` of the defaults.
    pub fn profile_name(mut self, profile: impl Into<String>) -> Self {
        self.defaults = self.defaults.profile_name(profile);
        self
    }

    /// The region used when the params name none: `region_name` of the
    /// defaults.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.defaults = self.defaults.region_name(region.into());
        self
    }

    /// Static credentials used when the params give no credentials of
    /// their own (static or a provider). A profile named by the params does
    /// not replace them: explicit credentials win over a profile's, as in
    /// the Go and Node SDKs, and the key (which holds their digests) says so.
    pub fn credentials(
        mut self,
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        self.defaults = self
            .defaults
            .credentials(access_key_id, secret_access_key, session_token);
        self
    }

    /// Temporary static credentials used when the params give none of
    /// their own, with their expiry ([`ClientParams::credentials_expiring`]):
    /// the clients built from them leave the cache a refresh margin before
    /// `expires_at`. For credentials that get renewed, pass a credentials
    /// provider in the defaults instead, or build a new session with the
    /// new credentials.
    pub fn credentials_expiring(
        mut self,
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expires_at: SystemTime,
    ) -> Self {
        self.defaults = self.defaults.credentials_expiring(
            access_key_id,
            secret_access_key,
            session_token,
            expires_at,
        );
        self
    }

    /// Reads profiles from these files instead of `~/.aws/config` and
    /// `~/.aws/credentials` (or `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`):
    /// [`ClientParams::profile_files`] of the defaults.
    pub fn profile_files(mut self, config: Option<PathBuf>, credentials: Option<PathBuf>) -> Self {
        self.defaults = self.defaults.profile_files(config, credentials);
        self
    }

    /// Any other defaults: `defaults` is merged over what this builder holds
    /// so far (`defaults` winning, option by option, as a call's params win
    /// over the session's; see [`ClientParams::with_defaults`]).
    ///
    /// ```
    /// use std::time::Duration;
    /// use clientcache_aws::{ClientParams, Session};
    ///
    /// let session = Session::builder()
    ///     .region("eu-west-1")
    ///     .defaults(ClientParams::new().max_attempts(5).connect_timeout(Duration::from_secs(2)))
    ///     .build()?;
    /// # Ok::<(), clientcache_aws::Error>(())
    /// ```
    pub fn defaults(mut self, defaults: ClientParams) -> Self {
        self.defaults = defaults.with_defaults(&self.defaults);
        self
    }

    /// The policy [`Session::client`] uses (default LRU).
    pub fn default_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// The capacity of each of the four caches (default 10, must be ≥ 1).
    pub fn max_size(mut self, max_size: usize) -> Self {
        self.max_size = max_size;
        self
    }

    /// Every cached client expires this long after it was built (the
    /// core's cache-wide time-to-live; default: none). A client whose
    /// static credentials expire sooner still leaves the cache a refresh
    /// margin before they do.
    pub fn time_to_live(mut self, ttl: Duration) -> Self {
        self.time_to_live = Some(ttl);
        self
    }

    /// How long before their static credentials expire clients leave the
    /// cache (default [`DEFAULT_REFRESH_MARGIN`], 5 minutes): enough for a
    /// request started just before to finish with valid credentials.
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// Whether a client whose request fails with an expired or invalid
    /// credentials error is removed from the cache (default `true`; see
    /// [`Session`], "Invalidation on authentication errors").
    pub fn invalidate_on_auth_error(mut self, enabled: bool) -> Self {
        self.invalidate_on_auth_error = enabled;
        self
    }

    /// The clock that cache deadlines are measured on (default: the core's
    /// coarse monotonic clock). For tests: a
    /// [`ManualClock`](crate::ManualClock) makes clients expire without
    /// waiting. The lifetime of a client built from expiring credentials is
    /// computed from the system time when it is built, then counted on this
    /// clock.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Called with the key and the cause whenever a client leaves one of
    /// the session's caches (see [`Session`], "Eviction causes"); never
    /// under a cache lock, so it may call back into the session.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use clientcache_aws::{RemovalCause, Session};
    ///
    /// let seen: Arc<Mutex<Vec<(String, RemovalCause)>>> = Arc::default();
    /// let log = Arc::clone(&seen);
    /// let session = Session::builder()
    ///     .on_evict(move |key, cause| log.lock().unwrap().push((key.label().to_owned(), cause)))
    ///     .build()?;
    /// # Ok::<(), clientcache_aws::Error>(())
    /// ```
    pub fn on_evict(
        mut self,
        listener: impl Fn(&Key, RemovalCause) + Send + Sync + 'static,
    ) -> Self {
        self.on_evict = Some(Arc::new(listener));
        self
    }

    /// The session; fails only for `max_size` 0.
    pub fn build(self) -> Result<Session, Error> {
        let cache = |kind, policy| {
            let mut builder = Cache::builder(kind).policy(policy).max_size(self.max_size);
            if let Some(ttl) = self.time_to_live {
                builder = builder.time_to_live(ttl);
            }
            if let Some(clock) = &self.clock {
                builder = builder.clock(Arc::clone(clock));
            }
            if let Some(listener) = &self.on_evict {
                let listener = Arc::clone(listener);
                builder =
                    builder.eviction_listener(move |key, _: &Slot, cause| listener(key, cause));
            }
            builder.build()
        };
        let caches = [
            cache(Kind::Client, Policy::Lru)?,
            cache(Kind::Client, Policy::Lfu)?,
            cache(Kind::Resource, Policy::Lru)?,
            cache(Kind::Resource, Policy::Lfu)?,
        ];
        Ok(Session {
            inner: Arc::new(Inner {
                id: NEXT_SESSION.fetch_add(1, Ordering::Relaxed),
                defaults_empty: self.defaults.is_empty(),
                defaults: self.defaults,
                default_policy: self.policy,
                caches,
                memos: std::array::from_fn(|_| Arc::new(Memo::new())),
                builds: AtomicU64::new(0),
                time_to_live: self.time_to_live,
                refresh_margin: self.refresh_margin,
                invalidate_on_auth_error: self.invalidate_on_auth_error,
            }),
        })
    }
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

impl Session {
    /// A session with no defaults of its own (the environment and the
    /// default profile apply), LRU by default, capacity 10 per cache.
    pub fn new() -> Self {
        Self::builder()
            .build()
            .expect("the default max_size is valid")
    }

    /// A builder for a session with a profile, region, credentials, policy
    /// or capacity of its own.
    pub fn builder() -> SessionBuilder {
        SessionBuilder {
            defaults: ClientParams::new(),
            policy: Policy::Lru,
            max_size: DEFAULT_MAX_SIZE,
            time_to_live: None,
            refresh_margin: DEFAULT_REFRESH_MARGIN,
            invalidate_on_auth_error: true,
            clock: None,
            on_evict: None,
        }
    }

    /// The session's defaults, merged under every call's params.
    pub fn defaults(&self) -> &ClientParams {
        &self.inner.defaults
    }

    /// The key under which [`client`](Self::client) caches a client of
    /// `service_name` for `params`: the key of `params` merged over the
    /// session's defaults. No client is built.
    pub fn client_key(&self, service_name: &str, params: &ClientParams) -> Result<Key, Error> {
        self.key(Kind::Client, service_name, params)
    }

    /// The key under which [`resource`](Self::resource) caches a value of
    /// `service_name` for `params`.
    pub fn resource_key(&self, service_name: &str, params: &ClientParams) -> Result<Key, Error> {
        self.key(Kind::Resource, service_name, params)
    }

    fn key(&self, kind: Kind, service_name: &str, params: &ClientParams) -> Result<Key, Error> {
        let defaults = &self.inner.defaults;
        if self.inner.defaults_empty {
            // Nothing to merge: the params' own memoized key.
            params.key(kind, service_name)
        } else {
            params.key_over(self.inner.id, defaults, kind, service_name)
        }
    }

    /// The cached client of type `C` for `params`, built on a miss, using the
    /// session's default policy (see the type documentation for how
    /// concurrent calls behave).
    pub async fn client<C: SdkClient>(&self, params: &ClientParams) -> Result<C, Error> {
        self.client_with_policy(params, self.inner.default_policy)
            .await
    }

    /// Same as [`client`](Self::client), in the cache of the given policy.
    pub async fn client_with_policy<C: SdkClient>(
        &self,
        params: &ClientParams,
        policy: Policy,
    ) -> Result<C, Error> {
        self.get_or_build(
            Kind::Client,
            policy,
            params,
            C::SERVICE_NAME,
            Some(C::API_VERSION),
            C::build,
        )
        .await
    }

    /// The cached client that `constructor` builds from the configured
    /// [`SdkConfig`] for `params`, keyed as a client of `service_name`: any
    /// `aws-sdk-*` client without implementing [`SdkClient`], the
    /// counterpart of Go's `NewFromConfig`. Identity, single-flight,
    /// expiry and invalidation on authentication errors are those of
    /// [`client`](Self::client), in the cache of the session's default
    /// policy.
    ///
    /// `service_name` is the key's service name (`dynamodb`, `sts`, …;
    /// the boto3 name, so that other languages compute the same key). The
    /// constructor only runs on a miss. Params that need a service-specific
    /// builder (a `config` entry the common layer does not know, `use_ssl =
    /// false` without an endpoint URL) and `api_version` are
    /// [`Error::Unsupported`] here. Asking for the same key with two
    /// different client types is [`Error::TypeMismatch`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), clientcache_aws::Error> {
    /// use clientcache_aws::{ClientParams, Session};
    ///
    /// let session = Session::builder().region("eu-west-1").build()?;
    /// let params = ClientParams::new().max_attempts(4);
    /// // With a service crate: session.client_with("dynamodb", &params, aws_sdk_dynamodb::Client::new)
    /// let s3 = session.client_with("s3", &params, aws_sdk_s3::Client::new).await?;
    /// let again = session.client_with("s3", &params, aws_sdk_s3::Client::new).await?;
    /// assert!(std::ptr::eq(s3.config(), again.config()));
    /// // The typed path computes the same key and finds the same client.
    /// let typed: aws_sdk_s3::Client = session.client(&params).await?;
    /// assert!(std::ptr::eq(s3.config(), typed.config()));
    /// assert_eq!(session.builds(), 1);
    /// # Ok(()) }
    /// ```
    pub async fn client_with<T, F>(
        &self,
        service_name: &'static str,
        params: &ClientParams,
        constructor: F,
    ) -> Result<T, Error>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce(&SdkConfig) -> T,
    {
        self.get_or_build(
            Kind::Client,
            self.inner.default_policy,
            params,
            service_name,
            None,
            |config: &SdkConfig, _: &mut ServiceOptions| Ok(constructor(config)),
        )
        .await
    }

    /// Like [`client`](Self::client) for the resource-kind caches: any
    /// value built from the configured SDK config (e.g. a higher-level
    /// wrapper around a client), keyed as a resource of `R::SERVICE_NAME`.
    pub async fn resource<R: SdkClient>(&self, params: &ClientParams) -> Result<R, Error> {
        let policy = self.inner.default_policy;
        self.get_or_build(
            Kind::Resource,
            policy,
            params,
            R::SERVICE_NAME,
            Some(R::API_VERSION),
            R::build,
        )
        .await
    }

    /// The key of a call and how it was found: the params' own memo
    /// (params reused), the cache's memo (params built per call, equal to
    /// earlier ones), or computed.
    fn find_key<'p>(
        &self,
        index: usize,
        kind: Kind,
        service: &str,
        params: &'p ClientParams,
    ) -> Result<(Cow<'p, Key>, KeyFrom), Error> {
        let session = (!self.inner.defaults_empty).then_some(self.inner.id);
        if let Some(key) = params.memoized_key(session, kind, service) {
            // Borrowed from the params, which outlive the call.
            return Ok((Cow::Borrowed(key), KeyFrom::Params));
        }
        let memo = &self.inner.memos[index];
        let hash = memo.hash(kind, service, params);
        if let Some(found) = memo.get(hash, kind, service, params) {
            let from = KeyFrom::Memo {
                hash,
                owner: found.owner,
            };
            return Ok((Cow::Owned(found.key), from));
        }
        let key = self.key(kind, service, params)?;
        Ok((Cow::Owned(key), KeyFrom::Computed { hash }))
    }

    /// Records `params` → `key` in the memo of `slot`'s cache, owned by
    /// `slot`, unless it holds that record already or has enough shapes.
    fn remember(
        slot: &Entry,
        hash: u64,
        kind: Kind,
        service: &'static str,
        params: &ClientParams,
        key: &Key,
    ) {
        let mut hashes = slot
            .memo_hashes
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if hashes.contains(&hash) || hashes.len() >= MAX_SHAPES_PER_ENTRY {
            return;
        }
        hashes.push(hash);
        slot.memo.insert(hash, kind, service, params, key, slot.id);
    }

    async fn get_or_build<T, B>(
        &self,
        kind: Kind,
        policy: Policy,
        params: &ClientParams,
        service: &'static str,
        api_version: Option<&'static str>,
        build_fn: B,
    ) -> Result<T, Error>
    where
        T: Clone + Send + Sync + 'static,
        B: FnOnce(&SdkConfig, &mut ServiceOptions) -> Result<T, Error>,
    {
        let index = cache_index(kind, policy);
        let (key, from) = self.find_key(index, kind, service, params)?;
        let key: &Key = &key;
        let cache = &self.inner.caches[index];
        let slot = cache
            // Boxed: the build future (aws-config's loaders) is many KB, and
            // unboxed it would make every caller's future that large, to be
            // moved on every call, hits included.
            .get_or_insert_with_async_ttl(key, || {
                Box::pin(async move {
                    self.inner.builds.fetch_add(1, Ordering::Relaxed);
                    // The params the key was built from.
                    let merged = params.with_defaults(&self.inner.defaults);
                    let (mut sdk_config, mut options) =
                        build::load(&merged, service, api_version).await?;
                    let id = NEXT_ENTRY.fetch_add(1, Ordering::Relaxed);
                    if self.inner.invalidate_on_auth_error {
                        sdk_config = self.watched(sdk_config, index, key, id);
                    }
                    let value = build_fn(&sdk_config, &mut options)?;
                    options.finish()?;
                    let entry = Arc::new(Entry {
                        id,
                        value: Box::new(value),
                        _provider: merged.more().credentials_provider.clone(),
                        memo: Arc::clone(&self.inner.memos[index]),
                        memo_hashes: Mutex::new(Vec::new()),
                    });
                    Ok::<_, Error>((entry, self.lifetime(&merged)))
                })
            })
            .await
            .map_err(own_error)?;
        match from {
            KeyFrom::Params => {}
            KeyFrom::Memo { owner, .. } if owner == slot.id => {}
            KeyFrom::Memo { hash, .. } | KeyFrom::Computed { hash } => {
                Self::remember(&slot, hash, kind, service, params, key);
            }
        }
        match slot.value.downcast_ref::<T>() {
            Some(value) => Ok(value.clone()),
            None => Err(Error::TypeMismatch {
                key: key.label().to_owned(),
                expected: std::any::type_name::<T>(),
            }),
        }
    }

    /// Live records in the params → key memos of the session's caches;
    /// each belongs to a cached client and leaves with it. For tests.
    #[doc(hidden)]
    pub fn memo_records(&self) -> usize {
        self.inner.memos.iter().map(|m| m.len()).sum()
    }

    /// `sdk_config` whose HTTP client removes entry `id` of `key` from cache
    /// `index` when a response is an authentication error. The hook holds
    /// the session weakly: a client that outlives its session removes
    /// nothing.
    fn watched(&self, sdk_config: SdkConfig, index: usize, key: &Key, id: u64) -> SdkConfig {
        let Some(http_client) = sdk_config.http_client() else {
            return sdk_config;
        };
        let session: Weak<Inner> = Arc::downgrade(&self.inner);
        let key = key.clone();
        let hook: auth::Hook = Arc::new(move |_code: &str| {
            if let Some(inner) = session.upgrade() {
                inner.invalidate(index, &key, id);
            }
        });
        sdk_config
            .into_builder()
            .http_client(auth::watch(http_client, hook))
            .build()
    }

    /// How long a client built from `merged` may stay cached: until a
    /// refresh margin before its static credentials expire, and no longer
    /// than the session's time-to-live; `None` leaves it to the cache's
    /// own time-to-live.
    fn lifetime(&self, merged: &ClientParams) -> Option<Duration> {
        let expiry = merged.more().credentials_expiry?;
        let left = expiry
            .duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO)
            .saturating_sub(self.inner.refresh_margin);
        Some(match self.inner.time_to_live {
            Some(ttl) => left.min(ttl),
            None => left,
        })
    }

    /// The session's time-to-live for every entry, if it has one.
    pub fn time_to_live(&self) -> Option<Duration> {
        self.inner.time_to_live
    }

    /// How long before their static credentials expire clients leave the
    /// cache.
    pub fn refresh_margin(&self) -> Duration {
        self.inner.refresh_margin
    }

    /// Drops every expired entry of the four caches now (expired entries
    /// also leave by themselves when a call meets them); returns how many.
    pub fn purge_expired(&self) -> usize {
        self.inner.caches.iter().map(Cache::purge_expired).sum()
    }

    /// Client builds started by this session (misses that ran a build),
    /// counting failed ones.
    pub fn builds(&self) -> u64 {
        self.inner.builds.load(Ordering::Relaxed)
    }

    /// The cache of client entries for `policy`.
    pub fn cache(&self, policy: Policy) -> SessionCache<'_> {
        self.cache_of(Kind::Client, policy)
    }

    /// The cache of `kind` entries for `policy`.
    pub fn cache_of(&self, kind: Kind, policy: Policy) -> SessionCache<'_> {
        SessionCache {
            cache: &self.inner.caches[cache_index(kind, policy)],
        }
    }

    /// Empties all four caches.
    pub fn clear(&self) {
        for cache in &self.inner.caches {
            cache.clear();
        }
    }
}

/// The error a build returned, as it was (the core wraps it as a factory
/// failure); anything else from the core as [`Error::Cache`].
fn own_error(error: clientcache::Error) -> Error {
    if let clientcache::Error::FactoryFailed { source, .. } = &error {
        if let Some(own) = source.downcast_ref::<Error>() {
            return own.clone();
        }
    }
    Error::Cache(error)
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // ClientParams' Debug shows secrets as `***`.
        f.debug_struct("Session")
            .field("defaults", &self.inner.defaults)
            .field("default_policy", &self.inner.default_policy)
            .field("time_to_live", &self.inner.time_to_live)
            .field("refresh_margin", &self.inner.refresh_margin)
            .field(
                "invalidate_on_auth_error",
                &self.inner.invalidate_on_auth_error,
            )
            .field("builds", &self.builds())
            .finish_non_exhaustive()
    }
}

/// Secrets are shown as `***` (through [`ClientParams`]' `Debug`).
impl fmt::Debug for SessionBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionBuilder")
            .field("defaults", &self.defaults)
            .field("policy", &self.policy)
            .field("max_size", &self.max_size)
            .field("time_to_live", &self.time_to_live)
            .field("refresh_margin", &self.refresh_margin)
            .field("invalidate_on_auth_error", &self.invalidate_on_auth_error)
            .field("clock", &self.clock.as_ref().map(|_| "custom"))
            .field("on_evict", &self.on_evict.as_ref().map(|_| "set"))
            .finish()
    }
}

/// A view of one of a session's caches: size, capacity, statistics and
/// entries, in victim order.
#[derive(Clone, Copy)]
pub struct SessionCache<'a> {
    cache: &'a Cache<Slot>,
}

impl SessionCache<'_> {
    /// Client or resource.
    pub fn kind(&self) -> Kind {
        self.cache.kind()
    }

    /// LRU or LFU.
    pub fn policy(&self) -> Policy {
        self.cache.policy()
    }

    /// Number of live entries (a build in progress is not an entry yet).
    pub fn len(&self) -> usize {
        self.cache.len()
    }

    /// True when there is no entry.
    pub fn is_empty(&self) -> bool {
        self.cache.is_empty()
    }

    /// Capacity.
    pub fn max_size(&self) -> usize {
        self.cache.max_size()
    }

    /// Changes the capacity (≥ 1); shrinking evicts victims until it fits.
    pub fn set_max_size(&self, max_size: usize) -> Result<(), Error> {
        Ok(self.cache.set_max_size(max_size)?)
    }

    /// Hits, misses, insertions, evictions, removals, expirations, len,
    /// max_size.
    pub fn stats(&self) -> Stats {
        self.cache.stats()
    }

    /// The keys in victim order (first = next to be evicted).
    pub fn keys(&self) -> Vec<Key> {
        self.cache.keys()
    }

    /// True when `key` has an entry (no promotion).
    pub fn contains(&self, key: &Key) -> bool {
        self.cache.contains(key)
    }

    /// Drops the entry of `key`; `Err(NotFound)` when there is none.
    pub fn remove(&self, key: &Key) -> Result<(), Error> {
        self.cache.remove(key)?;
        Ok(())
    }

    /// Drops every entry.
    pub fn clear(&self) {
        self.cache.clear();
    }

    /// The time-to-live of every entry, if the session has one.
    pub fn time_to_live(&self) -> Option<Duration> {
        self.cache.time_to_live()
    }

    /// Drops the expired entries now; returns how many.
    pub fn purge_expired(&self) -> usize {
        self.cache.purge_expired()
    }
}

impl fmt::Debug for SessionCache<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionCache")
            .field("kind", &self.kind())
            .field("policy", &self.policy())
            .field("len", &self.len())
            .field("max_size", &self.max_size())
            .finish()
    }
}
