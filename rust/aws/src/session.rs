//! `Session`: session-wide defaults plus one cache per kind and policy.

use std::any::Any;
use std::convert::Infallible;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use clientcache::{Cache, Key, Kind, Policy, Stats};
use tokio::sync::OnceCell;

use crate::build;
use crate::instance::Provider;
use crate::{ClientParams, Error, SdkClient};

/// The default capacity of every cache of a session.
pub const DEFAULT_MAX_SIZE: usize = 10;

/// What a cache entry holds: a cell that one task fills with the built
/// client (or the error that building it gave). Type-erased so that one
/// cache can hold clients of every service.
type Slot = Arc<dyn Any + Send + Sync>;
type Cell<T> = OnceCell<Result<T, Error>>;

/// The concrete type behind a [`Slot`].
struct Entry<T> {
    cell: Cell<T>,
    /// The call's credentials provider, if any: while the entry is cached,
    /// the provider keeps its instance number, so calls that pass the same
    /// provider object in new params find this entry again.
    _provider: Option<Arc<Provider>>,
}

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
/// [`client`](Self::client) never blocks a tokio worker thread. A cache
/// entry is a `tokio::sync::OnceCell` created *instantly* by the core's
/// single-flight [`get_or_insert_with`](clientcache::Cache::get_or_insert_with)
/// (so the core's blocking wait lasts only as long as it takes to allocate
/// that cell). The slow part — loading the AWS configuration and building
/// the client — then runs in `OnceCell::get_or_init`, outside every lock:
///
/// - the first task to reach the cell builds the client; every other task
///   asking for the same key *awaits* the same cell (it yields, it does not
///   block) and receives a clone of the same client;
/// - tasks asking for other keys proceed independently;
/// - if building fails, every task waiting on that cell receives the same
///   error, and the entry is removed so that a later call tries again;
/// - if the building task is cancelled (its future dropped), one of the
///   waiting tasks takes over the build.
///
/// An entry counts toward `max_size` from the moment its cell is created;
/// evicting an entry whose build is still running does not stop the build:
/// the tasks awaiting it still get their client, it just is not cached.
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
    default_policy: Policy,
    /// Indexed by [`cache_index`].
    caches: [Cache<Slot>; 4],
    builds: AtomicU64,
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
        self.defaults = self.defaults.region_name(region);
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

    /// The session; fails only for `max_size` 0.
    pub fn build(self) -> Result<Session, Error> {
        let cache = |kind, policy| Cache::new(kind, policy, self.max_size);
        let caches = [
            cache(Kind::Client, Policy::Lru)?,
            cache(Kind::Client, Policy::Lfu)?,
            cache(Kind::Resource, Policy::Lru)?,
            cache(Kind::Resource, Policy::Lfu)?,
        ];
        Ok(Session {
            inner: Arc::new(Inner {
                id: NEXT_SESSION.fetch_add(1, Ordering::Relaxed),
                defaults: self.defaults,
                default_policy: self.policy,
                caches,
                builds: AtomicU64::new(0),
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
        if defaults.is_empty() {
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
        let key = self.key(Kind::Client, C::SERVICE_NAME, params)?;
        self.get_or_build(
            Kind::Client,
            policy,
            &key,
            params,
            C::SERVICE_NAME,
            C::API_VERSION,
            C::build,
        )
        .await
    }

    /// Like [`client`](Self::client) for the resource-kind caches: any
    /// value built from the configured SDK config (e.g. a higher-level
    /// wrapper around a client), keyed as a resource of `R::SERVICE_NAME`.
    pub async fn resource<R: SdkClient>(&self, params: &ClientParams) -> Result<R, Error> {
        let key = self.key(Kind::Resource, R::SERVICE_NAME, params)?;
        let policy = self.inner.default_policy;
        self.get_or_build(
            Kind::Resource,
            policy,
            &key,
            params,
            R::SERVICE_NAME,
            R::API_VERSION,
            R::build,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn get_or_build<T: Clone + Send + Sync + 'static>(
        &self,
        kind: Kind,
        policy: Policy,
        key: &Key,
        params: &ClientParams,
        service: &'static str,
        api_version: &'static str,
        build_fn: fn(&aws_config::SdkConfig, &mut crate::ServiceOptions) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let cache = &self.inner.caches[cache_index(kind, policy)];
        // Instant factory: the core's blocking single-flight only ever waits
        // for this allocation, never for a build.
        let slot = cache.get_or_insert_with(key, || {
            Ok::<Slot, Infallible>(Arc::new(Entry::<T> {
                cell: Cell::new(),
                _provider: params.credentials_provider.clone(),
            }))
        })?;
        let any: &(dyn Any + Send + Sync) = &*slot;
        let Some(Entry { cell, .. }) = any.downcast_ref::<Entry<T>>() else {
            return Err(Error::TypeMismatch {
                key: key.label().to_owned(),
                expected: std::any::type_name::<T>(),
            });
        };
        if let Some(done) = cell.get() {
            return done.clone();
        }
        let mut built_here = false;
        let outcome = cell
            .get_or_init(|| {
                built_here = true;
                self.inner.builds.fetch_add(1, Ordering::Relaxed);
                async move {
                    // The params the key was built from.
                    let merged = params.with_defaults(&self.inner.defaults);
                    let (sdk_config, mut options) =
                        build::load(&merged, service, api_version).await?;
                    let value = build_fn(&sdk_config, &mut options)?;
                    options.finish()?;
                    Ok(value)
                }
            })
            .await;
        if outcome.is_err() && built_here {
            // Let a later call retry; only remove the entry if it is still ours.
            if cache.peek(key).is_ok_and(|s| Arc::ptr_eq(&s, &slot)) {
                let _ = cache.remove(key);
            }
        }
        outcome.clone()
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

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // ClientParams' Debug shows secrets as `***`.
        f.debug_struct("Session")
            .field("defaults", &self.inner.defaults)
            .field("default_policy", &self.inner.default_policy)
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

    /// Number of entries (including entries whose build is in progress).
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

    /// Hits, misses, insertions, evictions, removals, len, max_size.
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
