//! The thread-safe cache (docs/design.md, "Cache semantics"): one lock
//! around the policy store, counters, and the table of in-flight factory
//! runs for single-flight, which callers wait for by blocking
//! (`get_or_insert_with`) or by awaiting (`get_or_insert_with_async`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::task::{Poll, Waker};

use parking_lot::{Condvar, Mutex};

use crate::error::{Error, InsertError};
use crate::key::{Key, Kind};
use crate::store::{Policy, Store};

/// A snapshot of a cache's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// `get` / `get_or_insert_with` calls that found the key.
    pub hits: u64,
    /// `get` / `get_or_insert_with` calls that did not.
    pub misses: u64,
    /// Successful inserts (including values built by a factory).
    pub insertions: u64,
    /// Entries evicted to respect `max_size` (on insert or shrink).
    pub evictions: u64,
    /// Entries taken out by `remove` or `pop_victim`.
    pub removals: u64,
    /// Current number of entries.
    pub len: u64,
    /// Current capacity.
    pub max_size: u64,
}

/// Why an entry left the cache; feeds the counters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RemovalCause {
    /// Capacity: an insert or a shrink needed room.
    Evicted,
    /// `remove` or `pop_victim`.
    Removed,
}

struct Inner<V> {
    store: Store<V>,
    max_size: usize,
    stats: Stats,
    /// Keys whose factory is running, with the slot its outcome lands in.
    flights: HashMap<Key, Arc<Flight<V>>>,
}

impl<V> Inner<V> {
    fn count_removal(&mut self, cause: RemovalCause, n: usize) {
        let n = n as u64;
        match cause {
            RemovalCause::Evicted => self.stats.evictions += n,
            RemovalCause::Removed => self.stats.removals += n,
        }
    }

    /// Evicts victims until `len ≤ limit`, returning them for dropping
    /// outside the lock.
    fn evict_to(&mut self, limit: usize) -> Vec<(Key, V)> {
        let mut evicted = Vec::new();
        while self.store.len() > limit {
            match self.store.pop_victim() {
                Some(entry) => evicted.push(entry),
                None => break,
            }
        }
        self.count_removal(RemovalCause::Evicted, evicted.len());
        evicted
    }

    /// Inserts an absent key, evicting first so the new entry is never its
    /// own victim.
    fn insert_absent(&mut self, key: Key, value: V) -> Vec<(Key, V)> {
        let evicted = self.evict_to(self.max_size - 1);
        self.store.insert_new(key, value);
        self.stats.insertions += 1;
        evicted
    }
}

/// How a factory run ended.
enum Outcome<V> {
    /// The value (or the factory's error) every waiter shares.
    Done(Result<V, Error>),
    /// The async caller building it was dropped before its factory finished:
    /// not an error of the key, so waiters start over (one of them builds).
    Abandoned,
}

/// One factory run that same-key callers wait for, blocked on `done` or
/// parked as wakers.
struct Flight<V> {
    state: Mutex<FlightState<V>>,
    done: Condvar,
}

struct FlightState<V> {
    outcome: Option<Outcome<V>>,
    /// Async waiters to wake when the outcome lands.
    wakers: Vec<Waker>,
}

impl<V: Clone> Flight<V> {
    fn new() -> Arc<Self> {
        Arc::new(Flight {
            state: Mutex::new(FlightState {
                outcome: None,
                wakers: Vec::new(),
            }),
            done: Condvar::new(),
        })
    }

    fn shared(outcome: &Outcome<V>) -> Option<Result<V, Error>> {
        match outcome {
            Outcome::Done(result) => Some(result.clone()),
            Outcome::Abandoned => None,
        }
    }

    /// Blocks until the run ends; `None` when it was abandoned.
    fn wait(&self) -> Option<Result<V, Error>> {
        let mut state = self.state.lock();
        loop {
            if let Some(outcome) = state.outcome.as_ref() {
                return Self::shared(outcome);
            }
            self.done.wait(&mut state);
        }
    }

    /// Awaits the end of the run without blocking the thread; `None` when it
    /// was abandoned.
    async fn wait_async(&self) -> Option<Result<V, Error>> {
        std::future::poll_fn(|cx| {
            let mut state = self.state.lock();
            match state.outcome.as_ref() {
                Some(outcome) => Poll::Ready(Self::shared(outcome)),
                None => {
                    if !state.wakers.iter().any(|w| w.will_wake(cx.waker())) {
                        state.wakers.push(cx.waker().clone());
                    }
                    Poll::Pending
                }
            }
        })
        .await
    }

    fn finish(&self, outcome: Outcome<V>) {
        let wakers = {
            let mut state = self.state.lock();
            state.outcome = Some(outcome);
            std::mem::take(&mut state.wakers)
        };
        self.done.notify_all();
        for waker in wakers {
            waker.wake();
        }
    }

    fn id(self: &Arc<Self>) -> usize {
        Arc::as_ptr(self) as *const () as usize
    }
}

thread_local! {
    /// Flights whose factory is running on this thread's stack right now (a
    /// sync factory being called, an async one being polled). A caller that
    /// would wait for one of them is that factory asking for its own key:
    /// waiting would never end, so it gets `Error::Reentrant` instead.
    static BUILDING: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// Marks a flight as building on this thread until dropped (also on panic).
struct BuildingMark(usize);

impl BuildingMark {
    fn new(id: usize) -> Self {
        BUILDING.with(|b| b.borrow_mut().push(id));
        BuildingMark(id)
    }
}

impl Drop for BuildingMark {
    fn drop(&mut self) {
        BUILDING.with(|b| {
            let mut b = b.borrow_mut();
            if let Some(i) = b.iter().rposition(|id| *id == self.0) {
                b.remove(i);
            }
        });
    }
}

fn building_here(flight: &Arc<impl Sized>) -> bool {
    let id = Arc::as_ptr(flight) as *const () as usize;
    BUILDING.with(|b| b.borrow().contains(&id))
}

/// What a `get_or_insert_with` caller found under the lock.
enum Found<V> {
    Value(V),
    Wait(Arc<Flight<V>>),
    Build(Arc<Flight<V>>),
}

/// A bounded, thread-safe cache of `V` by [`Key`].
///
/// Values are cloned out on reads, so `V` is usually an `Arc<T>` or a client
/// type that is itself a cheap handle (as AWS SDK clients are). Values that
/// leave the cache are dropped after its lock is released.
///
/// ```
/// use clientcache::{Cache, Error, Key, Kind, Params, Policy};
/// let cache: Cache<&str> = Cache::new(Kind::Client, Policy::Lru, 2)?;
/// let east = Key::client("s3", &Params::new().with("region_name", "us-east-1"))?;
/// let west = Key::client("s3", &Params::new().with("region_name", "us-west-2"))?;
/// cache.insert(east.clone(), "east client").map_err(|e| e.error)?;
/// assert!(matches!(cache.insert(east.clone(), "again"), Err(e) if matches!(e.error, Error::Exists { .. })));
/// assert_eq!(cache.get(&east)?, "east client");
/// assert!(matches!(cache.get(&west), Err(Error::NotFound { .. })));
/// let built = cache.get_or_insert_with(&west, || Ok::<_, Error>("west client"))?;
/// assert_eq!(built, "west client");
/// assert_eq!(cache.len(), 2);
/// # Ok::<(), Error>(())
/// ```
///
/// `Cache` is a handle: clones share one cache (as moka's and quick_cache's
/// do), so `cache.clone()` can be moved into threads or tasks. For an
/// independent copy with the same entries, use [`Cache::copy`].
pub struct Cache<V> {
    shared: Arc<Shared<V>>,
}

struct Shared<V> {
    kind: Kind,
    inner: Mutex<Inner<V>>,
}

impl<V: Clone> Cache<V> {
    /// A cache for keys of `kind`, with the given policy and capacity
    /// (`max_size ≥ 1`).
    pub fn new(kind: Kind, policy: Policy, max_size: usize) -> Result<Self, Error> {
        check_max_size(max_size)?;
        Ok(Cache {
            shared: Arc::new(Shared {
                kind,
                inner: Mutex::new(Inner {
                    store: Store::new(policy),
                    max_size,
                    stats: Stats::default(),
                    flights: HashMap::new(),
                }),
            }),
        })
    }

    /// The kind of key this cache accepts.
    pub fn kind(&self) -> Kind {
        self.shared.kind
    }

    /// The eviction policy.
    pub fn policy(&self) -> Policy {
        self.shared.inner.lock().store.policy()
    }

    fn check_kind(&self, key: &Key) -> Result<(), Error> {
        if key.kind() == self.shared.kind {
            Ok(())
        } else {
            Err(Error::KindMismatch {
                expected: self.shared.kind,
                found: key.kind(),
            })
        }
    }

    /// Adds a new entry as the most recent, evicting victims to stay within
    /// `max_size`. A present key is `Exists` and leaves the cache unchanged;
    /// on any error the value is handed back.
    pub fn insert(&self, key: Key, value: V) -> Result<(), InsertError<V>> {
        if let Err(error) = self.check_kind(&key) {
            return Err(InsertError { error, value });
        }
        let evicted = {
            let mut inner = self.shared.inner.lock();
            if inner.store.contains(&key) {
                drop(inner);
                let error = Error::Exists {
                    key: key.label().to_owned(),
                };
                return Err(InsertError { error, value });
            }
            inner.insert_absent(key, value)
        };
        drop(evicted);
        Ok(())
    }

    /// The value for `key`, promoting it; `NotFound` on a miss,
    /// `KindMismatch` for a key of the other kind (a caller's mistake that a
    /// plain miss would hide).
    pub fn get(&self, key: &Key) -> Result<V, Error> {
        self.lookup(key)?.ok_or_else(|| Error::NotFound {
            key: Some(key.label().to_owned()),
        })
    }

    /// The value for `key`, promoting it; `Ok(None)` on a miss (Python's
    /// `cache.get`). Counts a hit or a miss like `get`; a key of the other
    /// kind is `KindMismatch`, not a miss.
    pub fn lookup(&self, key: &Key) -> Result<Option<V>, Error> {
        self.check_kind(key)?;
        let mut inner = self.shared.inner.lock();
        Ok(match inner.store.get(key, true).cloned() {
            Some(value) => {
                inner.stats.hits += 1;
                Some(value)
            }
            None => {
                inner.stats.misses += 1;
                None
            }
        })
    }

    /// The value for `key` without promoting it or counting a lookup;
    /// `NotFound` on a miss, `KindMismatch` for a key of the other kind.
    pub fn peek(&self, key: &Key) -> Result<V, Error> {
        self.check_kind(key)?;
        let found = self.shared.inner.lock().store.get(key, false).cloned();
        found.ok_or_else(|| Error::NotFound {
            key: Some(key.label().to_owned()),
        })
    }

    /// Whether `key` is present (no promotion, not counted).
    pub fn contains(&self, key: &Key) -> bool {
        self.shared.inner.lock().store.contains(key)
    }

    /// Takes `key` out and returns its value; `NotFound` on a miss,
    /// `KindMismatch` for a key of the other kind.
    pub fn remove(&self, key: &Key) -> Result<V, Error> {
        self.check_kind(key)?;
        let removed = {
            let mut inner = self.shared.inner.lock();
            let removed = inner.store.remove(key);
            if removed.is_some() {
                inner.count_removal(RemovalCause::Removed, 1);
            }
            removed
        };
        removed
            .map(|(_, value)| value)
            .ok_or_else(|| Error::NotFound {
                key: Some(key.label().to_owned()),
            })
    }

    /// Takes out the next victim; `NotFound` when empty.
    pub fn pop_victim(&self) -> Result<(Key, V), Error> {
        let mut inner = self.shared.inner.lock();
        let victim = inner.store.pop_victim();
        if victim.is_some() {
            inner.count_removal(RemovalCause::Removed, 1);
        }
        drop(inner);
        victim.ok_or(Error::NotFound { key: None })
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.shared.inner.lock().store.len()
    }

    /// True when the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The capacity.
    pub fn max_size(&self) -> usize {
        self.shared.inner.lock().max_size
    }

    /// Changes the capacity (`≥ 1`); shrinking evicts victims until the
    /// entries fit.
    pub fn set_max_size(&self, max_size: usize) -> Result<(), Error> {
        check_max_size(max_size)?;
        let evicted = {
            let mut inner = self.shared.inner.lock();
            inner.max_size = max_size;
            inner.evict_to(max_size)
        };
        drop(evicted);
        Ok(())
    }

    /// Removes every entry (not counted as removals or evictions).
    pub fn clear(&self) {
        let entries = self.shared.inner.lock().store.take_all();
        drop(entries);
    }

    /// A new cache with the same kind, policy, capacity and entries (in the
    /// same victim order, LFU frequencies included), sharing the values.
    /// Counters start at zero; factories in flight are not copied.
    pub fn copy(&self) -> Cache<V> {
        let inner = self.shared.inner.lock();
        Cache {
            shared: Arc::new(Shared {
                kind: self.shared.kind,
                inner: Mutex::new(Inner {
                    store: inner.store.clone(),
                    max_size: inner.max_size,
                    stats: Stats::default(),
                    flights: HashMap::new(),
                }),
            }),
        }
    }

    /// All keys in victim order (the next victim first).
    pub fn keys(&self) -> Vec<Key> {
        self.shared
            .inner
            .lock()
            .store
            .victim_order()
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// All entries in victim order (the next victim first).
    pub fn items(&self) -> Vec<(Key, V)> {
        self.shared
            .inner
            .lock()
            .store
            .victim_order()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// The counters, with the current length and capacity.
    pub fn stats(&self) -> Stats {
        let inner = self.shared.inner.lock();
        Stats {
            len: inner.store.len() as u64,
            max_size: inner.max_size as u64,
            ..inner.stats
        }
    }

    /// The value for `key`, building it with `factory` on a miss
    /// (single-flight).
    ///
    /// On a miss exactly one caller runs `factory`, without the cache lock
    /// held; concurrent callers for the same key block until it finishes and
    /// share its outcome, errors included; callers for other keys are never
    /// blocked by it. A factory that asks for its own key gets
    /// [`Error::Reentrant`] instead of a deadlock. A factory that panics
    /// gives its waiters [`Error::FactoryFailed`] and the panic continues in
    /// the calling thread. Every caller that did not find the value resident
    /// counts as a miss.
    ///
    /// Waiting blocks the thread: in async code use
    /// [`get_or_insert_with_async`](Cache::get_or_insert_with_async), which
    /// parks the task instead.
    pub fn get_or_insert_with<F, E>(&self, key: &Key, factory: F) -> Result<V, Error>
    where
        F: FnOnce() -> Result<V, E>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        self.check_kind(key)?;
        let mut counted = false;
        let flight = loop {
            match self.find_or_start(key, &mut counted)? {
                Found::Value(value) => return Ok(value),
                // An abandoned run: look again (this caller may build now).
                Found::Wait(flight) => match flight.wait() {
                    Some(result) => return result,
                    None => continue,
                },
                Found::Build(flight) => break flight,
            }
        };

        // Lands the outcome even if the factory panics.
        let mut guard = FlightGuard {
            cache: self,
            key,
            flight: &flight,
            result: None,
        };
        let result = {
            let _mark = BuildingMark::new(flight.id());
            factory()
        };
        guard.result = Some(result.map_err(|e| factory_failed(key, e)));
        drop(guard);
        flight
            .wait()
            .unwrap_or_else(|| unreachable!("a sync run is never abandoned"))
    }

    /// [`get_or_insert_with`](Cache::get_or_insert_with) for async code:
    /// same single-flight and outcome sharing, but callers waiting for
    /// another caller's factory are parked tasks, never blocked threads, so
    /// it works on a current-thread runtime and pins no worker. It needs no
    /// particular runtime.
    ///
    /// If the future that is running the factory is dropped before the
    /// factory finishes (a timeout, a cancelled task), nothing is cached and
    /// the waiters are not failed: the next of them runs its own factory.
    /// A factory that awaits its own key gets [`Error::Reentrant`].
    ///
    /// ```
    /// # use clientcache::{Cache, Error, Key, Kind, Params, Policy};
    /// # async fn demo() -> Result<(), Error> {
    /// let cache: Cache<String> = Cache::new(Kind::Client, Policy::Lru, 10)?;
    /// let key = Key::client("s3", &Params::new().with("region_name", "eu-west-1"))?;
    /// let client = cache
    ///     .get_or_insert_with_async(&key, || async {
    ///         // e.g. load credentials, then build the SDK client
    ///         Ok::<_, Error>("an s3 client".to_owned())
    ///     })
    ///     .await?;
    /// assert_eq!(client, "an s3 client");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn get_or_insert_with_async<F, Fut, E>(
        &self,
        key: &Key,
        factory: F,
    ) -> Result<V, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        self.check_kind(key)?;
        let mut counted = false;
        let flight = loop {
            match self.find_or_start(key, &mut counted)? {
                Found::Value(value) => return Ok(value),
                Found::Wait(flight) => match flight.wait_async().await {
                    Some(result) => return result,
                    None => continue,
                },
                Found::Build(flight) => break flight,
            }
        };

        // Lands the outcome when the factory finishes or panics, and
        // abandons the run when this future is dropped first.
        let mut guard = FlightGuard {
            cache: self,
            key,
            flight: &flight,
            result: None,
        };
        let building = factory();
        let mut building = std::pin::pin!(building);
        let id = flight.id();
        let result = std::future::poll_fn(|cx| {
            let _mark = BuildingMark::new(id);
            building.as_mut().poll(cx)
        })
        .await;
        guard.result = Some(result.map_err(|e| factory_failed(key, e)));
        drop(guard);
        flight
            .wait_async()
            .await
            .unwrap_or_else(|| unreachable!("a finished run is never abandoned"))
    }

    /// Under the lock: the resident value, the run to wait for, or a new run
    /// this caller must build. Counts one miss per caller.
    fn find_or_start(&self, key: &Key, counted: &mut bool) -> Result<Found<V>, Error> {
        let mut inner = self.shared.inner.lock();
        if let Some(value) = inner.store.get(key, true).cloned() {
            inner.stats.hits += 1;
            return Ok(Found::Value(value));
        }
        if !*counted {
            inner.stats.misses += 1;
            *counted = true;
        }
        if let Some(flight) = inner.flights.get(key) {
            if building_here(flight) {
                return Err(Error::Reentrant {
                    key: key.label().to_owned(),
                });
            }
            return Ok(Found::Wait(Arc::clone(flight)));
        }
        let flight = Flight::new();
        inner.flights.insert(key.clone(), Arc::clone(&flight));
        Ok(Found::Build(flight))
    }

    /// Called exactly once per flight: stores a successful value, retires the
    /// flight, and wakes the waiters.
    fn land(&self, key: &Key, flight: &Flight<V>, result: Result<V, Error>) {
        let mut displaced = None;
        let mut evicted = Vec::new();
        let result = {
            let mut inner = self.shared.inner.lock();
            inner.flights.remove(key);
            match result {
                Ok(value) => {
                    // Someone may have inserted the key meanwhile: the
                    // resident value wins, so every caller sees one value.
                    if let Some(resident) = inner.store.get(key, false).cloned() {
                        displaced = Some(value);
                        Ok(resident)
                    } else {
                        evicted = inner.insert_absent(key.clone(), value.clone());
                        Ok(value)
                    }
                }
                Err(error) => Err(error),
            }
        };
        flight.finish(Outcome::Done(result));
        drop(displaced);
        drop(evicted);
    }

    /// Retires a flight whose builder went away; its waiters start over.
    fn abandon(&self, key: &Key, flight: &Flight<V>) {
        self.shared.inner.lock().flights.remove(key);
        flight.finish(Outcome::Abandoned);
    }
}

fn factory_failed<E>(key: &Key, error: E) -> Error
where
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    Error::FactoryFailed {
        key: key.label().to_owned(),
        source: Arc::from(error.into()),
    }
}

struct FlightGuard<'a, V: Clone> {
    cache: &'a Cache<V>,
    key: &'a Key,
    flight: &'a Flight<V>,
    result: Option<Result<V, Error>>,
}

impl<V: Clone> Drop for FlightGuard<'_, V> {
    fn drop(&mut self) {
        match self.result.take() {
            Some(result) => self.cache.land(self.key, self.flight, result),
            // Unwinding from the factory: its waiters share the failure.
            None if std::thread::panicking() => self.cache.land(
                self.key,
                self.flight,
                Err(factory_failed(self.key, "factory panicked")),
            ),
            // An async builder dropped mid-factory: not the key's failure.
            None => self.cache.abandon(self.key, self.flight),
        }
    }
}

impl<V> Clone for Cache<V> {
    /// Another handle to the same cache (see [`Cache::copy`] for a copy).
    fn clone(&self) -> Self {
        Cache {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<V> std::fmt::Debug for Cache<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.shared.inner.lock();
        f.debug_struct("Cache")
            .field("kind", &self.shared.kind)
            .field("policy", &inner.store.policy())
            .field("len", &inner.store.len())
            .field("max_size", &inner.max_size)
            .finish()
    }
}

fn check_max_size(max_size: usize) -> Result<(), Error> {
    if max_size == 0 {
        Err(Error::invalid("max_size must be at least 1"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
impl<V> Cache<V> {
    pub(crate) fn validate(&self) {
        let inner = self.shared.inner.lock();
        inner.store.validate();
        assert!(inner.store.len() <= inner.max_size);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Params;

    #[test]
    fn shrinking_and_factories_keep_the_invariants() {
        let key = |i: usize| {
            Key::client("s3", &Params::new().with("profile_name", format!("p{i}"))).unwrap()
        };
        for policy in [Policy::Lru, Policy::Lfu] {
            let cache: Cache<usize> = Cache::new(Kind::Client, policy, 5).unwrap();
            for i in 0..20 {
                cache
                    .get_or_insert_with(&key(i % 7), || Ok::<_, Error>(i))
                    .unwrap();
                cache.validate();
                if i % 5 == 0 {
                    cache.set_max_size(1 + i % 4).unwrap();
                    cache.validate();
                }
            }
            let stats = cache.stats();
            assert_eq!(stats.len as usize, cache.len());
            assert!(stats.evictions > 0);
        }
    }

    #[test]
    fn kind_mismatch_hands_the_value_back() {
        let cache: Cache<&str> = Cache::new(Kind::Client, Policy::Lru, 1).unwrap();
        let resource = Key::resource("s3", &Params::new()).unwrap();
        let err = cache.insert(resource.clone(), "v").unwrap_err();
        assert!(matches!(
            err.error,
            Error::KindMismatch {
                expected: Kind::Client,
                found: Kind::Resource
            }
        ));
        assert_eq!(err.value, "v");
        assert!(matches!(
            cache.get_or_insert_with(&resource, || Ok::<_, Error>("x")),
            Err(Error::KindMismatch { .. })
        ));
        let client = Key::client("s3", &Params::new()).unwrap();
        cache.insert(client.clone(), "c").unwrap();
        let stats = cache.stats();
        // Reads with the other kind are the caller's mistake, not misses.
        assert!(matches!(
            cache.get(&resource),
            Err(Error::KindMismatch { .. })
        ));
        assert!(matches!(
            cache.lookup(&resource),
            Err(Error::KindMismatch { .. })
        ));
        assert!(matches!(
            cache.peek(&resource),
            Err(Error::KindMismatch { .. })
        ));
        assert!(matches!(
            cache.remove(&resource),
            Err(Error::KindMismatch { .. })
        ));
        assert!(!cache.contains(&resource));
        assert_eq!(cache.stats(), stats, "no hit, miss or removal counted");
        assert_eq!(cache.peek(&client).unwrap(), "c");
        assert_eq!(cache.lookup(&client).unwrap(), Some("c"));
    }
}
