//! The thread-safe cache (docs/design.md, "Cache semantics" and "Expiry"):
//! one lock around the policy store, the expiry index, the counters, and the
//! table of in-flight factory runs for single-flight, which callers wait for
//! by blocking (`get_or_insert_with`) or by awaiting
//! (`get_or_insert_with_async`). Values that leave the cache are collected
//! under the lock and handed to the eviction listener, then dropped, after
//! the lock is released.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::task::{Poll, Waker};
use std::time::Duration;

use parking_lot::{Condvar, Mutex};

use crate::clock::{Clock, TimeSource, duration_nanos};
use crate::error::{Error, InsertError};
use crate::key::{Key, Kind};
use crate::store::{NEVER, Policy, Store};

/// A snapshot of a cache's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// `get` / `get_or_insert_with` calls that found the key.
    pub hits: u64,
    /// `get` / `get_or_insert_with` calls that did not (an expired entry
    /// is not found).
    pub misses: u64,
    /// Successful inserts (including values built by a factory).
    pub insertions: u64,
    /// Entries evicted to respect `max_size` (on insert or shrink).
    pub evictions: u64,
    /// Entries taken out by `remove` or `pop_victim`.
    pub removals: u64,
    /// Entries that reached their deadline and were dropped.
    pub expirations: u64,
    /// Current number of entries.
    pub len: u64,
    /// Current capacity.
    pub max_size: u64,
}

/// Why a value left a cache, as the eviction listener is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RemovalCause {
    /// Capacity: an insert or a shrink needed room.
    Evicted,
    /// Its deadline passed (time-to-live or a per-entry deadline).
    Expired,
    /// `remove` or `pop_victim`.
    Removed,
    /// A factory's value that lost to a plain insert of the same key made
    /// while the factory ran; it never became resident.
    Replaced,
    /// `clear`, or the cache itself going away.
    Cleared,
}

impl RemovalCause {
    /// `evicted`, `expired`, `removed`, `replaced` or `cleared`.
    pub fn as_str(self) -> &'static str {
        match self {
            RemovalCause::Evicted => "evicted",
            RemovalCause::Expired => "expired",
            RemovalCause::Removed => "removed",
            RemovalCause::Replaced => "replaced",
            RemovalCause::Cleared => "cleared",
        }
    }
}

impl fmt::Display for RemovalCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Told about every value that leaves the cache, once per value, with the
/// cause; runs on the thread that made it leave, never under the cache's
/// lock (it may call back into the cache).
pub type EvictionListener<V> = Arc<dyn Fn(&Key, &V, RemovalCause) + Send + Sync>;

/// A value on its way out, with its key and cause.
type Departure<V> = (Key, V, RemovalCause);

struct Inner<V> {
    /// The entries in policy order, with their deadlines (the expiry index
    /// lives beside them and is empty unless some entry has a deadline).
    store: Store<V>,
    max_size: usize,
    stats: Stats,
    /// Keys whose factory is running, with the slot its outcome lands in.
    flights: HashMap<Key, Arc<Flight<V>>>,
}

impl<V: Clone> Inner<V> {
    /// Drops every entry whose deadline has passed: O(log n) per expired
    /// entry, and nothing when none has.
    fn purge_expired(&mut self, now: u64, out: &mut Vec<Departure<V>>) {
        while let Some((key, value)) = self.store.pop_expired(now) {
            self.stats.expirations += 1;
            out.push((key, value, RemovalCause::Expired));
        }
    }

    /// The live value for `key` (promoted when `promote`); an expired entry
    /// is taken out (cause `Expired`) and reads as absent.
    #[inline]
    fn live(
        &mut self,
        key: &Key,
        promote: bool,
        clock: &TimeSource,
        out: &mut Vec<Departure<V>>,
    ) -> Option<V> {
        self.live_with(key, promote, clock, out, V::clone)
    }

    /// `live`, handing the value to `read` in place instead of cloning it.
    #[inline]
    fn live_with<R>(
        &mut self,
        key: &Key,
        promote: bool,
        clock: &TimeSource,
        out: &mut Vec<Departure<V>>,
        read: impl FnOnce(&V) -> R,
    ) -> Option<R> {
        let node = self.store.find(key)?;
        let deadline = self.store.deadline(node);
        if deadline != NEVER && clock.now() >= deadline {
            let (key, value) = self.store.remove_node(node)?;
            self.stats.expirations += 1;
            out.push((key, value, RemovalCause::Expired));
            return None;
        }
        // Promote before reading: the promotion's loads then overlap the
        // fetch of the value (measured: cloning first left LFU ~20% behind
        // LRU at 100 000 entries, ~7% this way).
        if promote {
            self.store.promote(node);
        }
        self.store.value(node).map(read)
    }

    /// Makes room until `len ≤ limit`: expired entries go first, then
    /// victims in policy order.
    fn evict_to(&mut self, limit: usize, clock: &TimeSource, out: &mut Vec<Departure<V>>) {
        if self.store.len() > limit && self.store.has_deadlines() {
            self.purge_expired(clock.now(), out);
        }
        while self.store.len() > limit {
            let Some((key, value)) = self.store.pop_victim() else {
                break;
            };
            self.stats.evictions += 1;
            out.push((key, value, RemovalCause::Evicted));
        }
    }

    /// Inserts an absent key, evicting first so the new entry is never its
    /// own victim.
    fn insert_absent(
        &mut self,
        key: Key,
        value: V,
        deadline: u64,
        clock: &TimeSource,
        out: &mut Vec<Departure<V>>,
    ) {
        self.evict_to(self.max_size - 1, clock, out);
        self.store.insert_new(key, value, deadline);
        self.stats.insertions += 1;
    }

    /// Before an operation that observes the whole cache (length, snapshots,
    /// the next victim): expired entries leave first.
    fn settle(&mut self, clock: &TimeSource, out: &mut Vec<Departure<V>>) {
        if self.store.has_deadlines() {
            let now = clock.now();
            if self.store.any_expired(now) {
                self.purge_expired(now, out);
            }
        }
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
/// `Cache` is a handle: clones share one cache (as moka's and quick_cache's
/// do), so `cache.clone()` can be moved into threads or tasks. For an
/// independent copy with the same entries, use [`Cache::copy`].
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
pub struct Cache<V> {
    shared: Arc<Shared<V>>,
}

struct Shared<V> {
    kind: Kind,
    /// Default lifetime of an entry from its insertion, in nanoseconds.
    ttl: Option<u64>,
    clock: TimeSource,
    listener: Option<EvictionListener<V>>,
    inner: Mutex<Inner<V>>,
}

impl<V> Drop for Shared<V> {
    /// The last handle is gone: what is still resident leaves as `Cleared`.
    fn drop(&mut self) {
        if let Some(listener) = self.listener.take() {
            for (key, value) in self.inner.get_mut().store.take_all() {
                listener(&key, &value, RemovalCause::Cleared);
            }
        }
    }
}

/// Configures a [`Cache`]: `Cache::builder(kind).max_size(100).time_to_live(…).build()`.
pub struct CacheBuilder<V> {
    kind: Kind,
    policy: Policy,
    max_size: usize,
    ttl: Option<Duration>,
    clock: TimeSource,
    listener: Option<EvictionListener<V>>,
}

impl<V: Clone> CacheBuilder<V> {
    /// LRU (the default) or LFU.
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Capacity, at least 1 (default 10).
    pub fn max_size(mut self, max_size: usize) -> Self {
        self.max_size = max_size;
        self
    }

    /// Every entry expires this long after its insertion, unless it was
    /// inserted with its own time-to-live.
    pub fn time_to_live(mut self, ttl: Duration) -> Self {
        self.ttl = Some(ttl);
        self
    }

    /// The clock deadlines are measured on (default: the coarse monotonic
    /// clock; [`ManualClock`](crate::ManualClock) in tests).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = TimeSource::Custom(clock);
        self
    }

    /// Called once for every value that leaves the cache, with the cause;
    /// never under the cache's lock.
    pub fn eviction_listener(
        mut self,
        listener: impl Fn(&Key, &V, RemovalCause) + Send + Sync + 'static,
    ) -> Self {
        self.listener = Some(Arc::new(listener));
        self
    }

    /// The cache; `InvalidArgument` when `max_size` is 0.
    pub fn build(self) -> Result<Cache<V>, Error> {
        check_max_size(self.max_size)?;
        Ok(Cache {
            shared: Arc::new(Shared {
                kind: self.kind,
                ttl: self.ttl.map(duration_nanos),
                clock: self.clock,
                listener: self.listener,
                inner: Mutex::new(Inner {
                    store: Store::new(self.policy),
                    max_size: self.max_size,
                    stats: Stats::default(),
                    flights: HashMap::new(),
                }),
            }),
        })
    }
}

impl<V: Clone> Cache<V> {
    /// A cache for keys of `kind`, with the given policy and capacity
    /// (`max_size ≥ 1`), no expiry and no listener.
    pub fn new(kind: Kind, policy: Policy, max_size: usize) -> Result<Self, Error> {
        Self::builder(kind)
            .policy(policy)
            .max_size(max_size)
            .build()
    }

    /// A builder for a cache with expiry, a custom clock or a listener.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use std::time::Duration;
    /// use clientcache::{Cache, Key, Kind, ManualClock, Params, RemovalCause};
    /// let clock = ManualClock::new();
    /// let causes = Arc::new(Mutex::new(Vec::new()));
    /// let seen = causes.clone();
    /// let cache: Cache<&str> = Cache::builder(Kind::Client)
    ///     .max_size(100)
    ///     .time_to_live(Duration::from_secs(3600))
    ///     .clock(clock.clone())
    ///     .eviction_listener(move |key, _value, cause| seen.lock().unwrap().push((key.label().to_owned(), cause)))
    ///     .build()?;
    /// let key = Key::client("s3", &Params::new().with("region_name", "eu-west-1"))?;
    /// cache.insert(key.clone(), "client").map_err(|e| e.error)?;
    /// clock.advance(Duration::from_secs(3600));
    /// assert!(cache.lookup(&key)?.is_none()); // expired: a miss
    /// assert_eq!(cache.stats().expirations, 1);
    /// assert_eq!(causes.lock().unwrap()[0].1, RemovalCause::Expired);
    /// # Ok::<(), clientcache::Error>(())
    /// ```
    pub fn builder(kind: Kind) -> CacheBuilder<V> {
        CacheBuilder {
            kind,
            policy: Policy::Lru,
            max_size: 10,
            ttl: None,
            clock: TimeSource::default(),
            listener: None,
        }
    }

    /// The kind of key this cache accepts.
    pub fn kind(&self) -> Kind {
        self.shared.kind
    }

    /// The eviction policy.
    pub fn policy(&self) -> Policy {
        self.shared.inner.lock().store.policy()
    }

    /// The default time-to-live of entries, if any.
    pub fn time_to_live(&self) -> Option<Duration> {
        self.shared.ttl.map(Duration::from_nanos)
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

    /// The deadline of an entry inserted now with `ttl` (the cache's own
    /// time-to-live when `None`).
    fn deadline(&self, ttl: Option<Duration>) -> u64 {
        match ttl.map(duration_nanos).or(self.shared.ttl) {
            Some(ttl) if ttl != NEVER => self.shared.clock.now().saturating_add(ttl).min(NEVER - 1),
            _ => NEVER,
        }
    }

    /// Tells the listener about each departed value, then drops it — after
    /// the lock is released.
    fn depart(&self, departures: Vec<Departure<V>>) {
        if let Some(listener) = &self.shared.listener {
            for (key, value, cause) in &departures {
                listener(key, value, *cause);
            }
        }
        drop(departures);
    }

    /// Runs `op` under the lock, then hands whatever left the cache to the
    /// listener outside it.
    fn locked<R>(&self, op: impl FnOnce(&mut Inner<V>, &mut Vec<Departure<V>>) -> R) -> R {
        let mut departures = Vec::new();
        let result = op(&mut self.shared.inner.lock(), &mut departures);
        if !departures.is_empty() {
            self.depart(departures);
        }
        result
    }

    /// Adds a new entry as the most recent, evicting victims to stay within
    /// `max_size` (expired entries first). A present key is `Exists` and
    /// leaves the cache unchanged; on any error the value is handed back.
    /// The entry expires after the cache's time-to-live, if it has one.
    pub fn insert(&self, key: Key, value: V) -> Result<(), InsertError<V>> {
        self.insert_entry(key, value, None)
    }

    /// [`insert`](Cache::insert) with the entry's own time-to-live (from
    /// now), overriding the cache's.
    pub fn insert_with_ttl(&self, key: Key, value: V, ttl: Duration) -> Result<(), InsertError<V>> {
        self.insert_entry(key, value, Some(ttl))
    }

    fn insert_entry(
        &self,
        key: Key,
        value: V,
        ttl: Option<Duration>,
    ) -> Result<(), InsertError<V>> {
        if let Err(error) = self.check_kind(&key) {
            return Err(InsertError { error, value });
        }
        let deadline = self.deadline(ttl);
        let clock = &self.shared.clock;
        self.locked(|inner, out| {
            if inner.live(&key, false, clock, out).is_some() {
                let error = Error::Exists {
                    key: key.label().to_owned(),
                };
                return Err(InsertError { error, value });
            }
            inner.insert_absent(key, value, deadline, clock, out);
            Ok(())
        })
    }

    /// The value for `key`, promoting it; `NotFound` on a miss (an expired
    /// entry is a miss), `KindMismatch` for a key of the other kind (a
    /// caller's mistake that a plain miss would hide).
    pub fn get(&self, key: &Key) -> Result<V, Error> {
        self.lookup(key)?.ok_or_else(|| Error::NotFound {
            key: Some(key.label().to_owned()),
        })
    }

    /// The value for `key`, promoting it; `Ok(None)` on a miss (Python's
    /// `cache.get`). Counts a hit or a miss like `get`; a key of the other
    /// kind is `KindMismatch`, not a miss.
    pub fn lookup(&self, key: &Key) -> Result<Option<V>, Error> {
        self.lookup_with(key, V::clone)
    }

    /// [`lookup`](Cache::lookup) that lends the value to `read` instead of
    /// cloning it, for callers that need only a part of it (a binding that
    /// copies a pointer out saves the reference-count traffic of a clone).
    ///
    /// `read` runs while the cache is locked: keep it to reading the value.
    /// Calling into the same cache from it deadlocks.
    pub fn lookup_with<R>(
        &self,
        key: &Key,
        read: impl FnOnce(&V) -> R,
    ) -> Result<Option<R>, Error> {
        self.check_kind(key)?;
        let clock = &self.shared.clock;
        Ok(self.locked(|inner, out| {
            let found = inner.live_with(key, true, clock, out, read);
            if found.is_some() {
                inner.stats.hits += 1;
            } else {
                inner.stats.misses += 1;
            }
            found
        }))
    }

    /// [`peek`](Cache::peek) that lends the value to `read` (see
    /// [`lookup_with`](Cache::lookup_with)); `Ok(None)` when absent.
    pub fn peek_with<R>(&self, key: &Key, read: impl FnOnce(&V) -> R) -> Result<Option<R>, Error> {
        self.check_kind(key)?;
        let clock = &self.shared.clock;
        Ok(self.locked(|inner, out| inner.live_with(key, false, clock, out, read)))
    }

    /// The value for `key` without promoting it or counting a lookup;
    /// `NotFound` on a miss, `KindMismatch` for a key of the other kind.
    pub fn peek(&self, key: &Key) -> Result<V, Error> {
        self.check_kind(key)?;
        let clock = &self.shared.clock;
        self.locked(|inner, out| inner.live(key, false, clock, out))
            .ok_or_else(|| Error::NotFound {
                key: Some(key.label().to_owned()),
            })
    }

    /// Whether `key` is present and live (no promotion, not counted).
    pub fn contains(&self, key: &Key) -> bool {
        let clock = &self.shared.clock;
        key.kind() == self.shared.kind
            && self.locked(|inner, out| inner.live(key, false, clock, out).is_some())
    }

    /// Takes `key` out and returns its value; `NotFound` on a miss,
    /// `KindMismatch` for a key of the other kind.
    pub fn remove(&self, key: &Key) -> Result<V, Error> {
        self.check_kind(key)?;
        let clock = &self.shared.clock;
        let removed = self.locked(|inner, out| {
            inner.live(key, false, clock, out)?;
            let removed = inner.store.remove(key);
            if removed.is_some() {
                inner.stats.removals += 1;
            }
            removed
        });
        match removed {
            Some((key, value)) => {
                // The caller gets the value; the listener hears of it too.
                self.depart(vec![(key, value.clone(), RemovalCause::Removed)]);
                Ok(value)
            }
            None => Err(Error::NotFound {
                key: Some(key.label().to_owned()),
            }),
        }
    }

    /// Takes `key` out only if `condition` holds for its live value, and
    /// returns that value: a compare-and-remove, atomic under the cache's
    /// lock (`condition` runs under it, so it must not use the cache).
    /// `Ok(None)` when the key is absent or the condition is false;
    /// `KindMismatch` for a key of the other kind.
    pub fn remove_if(
        &self,
        key: &Key,
        condition: impl FnOnce(&V) -> bool,
    ) -> Result<Option<V>, Error> {
        self.check_kind(key)?;
        let clock = &self.shared.clock;
        let removed = self.locked(|inner, out| {
            let value = inner.live(key, false, clock, out)?;
            if !condition(&value) {
                return None;
            }
            let removed = inner.store.remove(key);
            if removed.is_some() {
                inner.stats.removals += 1;
            }
            removed
        });
        Ok(removed.map(|(key, value)| {
            self.depart(vec![(key, value.clone(), RemovalCause::Removed)]);
            value
        }))
    }

    /// Takes out the next victim (expired entries leave first, as
    /// `Expired`); `NotFound` when empty.
    pub fn pop_victim(&self) -> Result<(Key, V), Error> {
        let clock = &self.shared.clock;
        let victim = self.locked(|inner, out| {
            inner.settle(clock, out);
            let victim = inner.store.pop_victim()?;
            inner.stats.removals += 1;
            Some(victim)
        });
        let (key, value) = victim.ok_or(Error::NotFound { key: None })?;
        self.depart(vec![(key.clone(), value.clone(), RemovalCause::Removed)]);
        Ok((key, value))
    }

    /// Drops every expired entry now (each counted in `expirations` and
    /// told to the listener as `Expired`); returns how many left. Expired
    /// entries also leave by themselves whenever an operation meets them.
    pub fn purge_expired(&self) -> usize {
        let clock = &self.shared.clock;
        let mut count = 0;
        self.locked(|inner, out| {
            inner.settle(clock, out);
            count = out.len();
        });
        count
    }

    /// Number of live entries.
    pub fn len(&self) -> usize {
        let clock = &self.shared.clock;
        self.locked(|inner, out| {
            inner.settle(clock, out);
            inner.store.len()
        })
    }

    /// True when the cache holds nothing live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The capacity.
    pub fn max_size(&self) -> usize {
        self.shared.inner.lock().max_size
    }

    /// Changes the capacity (`≥ 1`); shrinking evicts victims until the
    /// entries fit (expired entries first).
    pub fn set_max_size(&self, max_size: usize) -> Result<(), Error> {
        check_max_size(max_size)?;
        let clock = &self.shared.clock;
        self.locked(|inner, out| {
            inner.max_size = max_size;
            inner.evict_to(max_size, clock, out);
        });
        Ok(())
    }

    /// Removes every entry (not counted as removals or evictions; the
    /// listener hears `Cleared`).
    pub fn clear(&self) {
        self.locked(|inner, out| {
            out.extend(
                inner
                    .store
                    .take_all()
                    .into_iter()
                    .map(|(key, value)| (key, value, RemovalCause::Cleared)),
            );
        });
    }

    /// A new cache with the same kind, policy, capacity, expiry settings,
    /// listener and entries (in the same victim order, LFU frequencies and
    /// deadlines included), sharing the values. Counters start at zero;
    /// factories in flight are not copied.
    pub fn copy(&self) -> Cache<V> {
        let inner = self.shared.inner.lock();
        Cache {
            shared: Arc::new(Shared {
                kind: self.shared.kind,
                ttl: self.shared.ttl,
                clock: self.shared.clock.clone(),
                listener: self.shared.listener.clone(),
                inner: Mutex::new(Inner {
                    store: inner.store.clone(),
                    max_size: inner.max_size,
                    stats: Stats::default(),
                    flights: HashMap::new(),
                }),
            }),
        }
    }

    /// All live keys in victim order (the next victim first).
    pub fn keys(&self) -> Vec<Key> {
        let clock = &self.shared.clock;
        self.locked(|inner, out| {
            inner.settle(clock, out);
            inner.store.victim_order().map(|(k, _)| k.clone()).collect()
        })
    }

    /// All live entries in victim order (the next victim first).
    pub fn items(&self) -> Vec<(Key, V)> {
        let clock = &self.shared.clock;
        self.locked(|inner, out| {
            inner.settle(clock, out);
            inner
                .store
                .victim_order()
                .map(|(k, value)| (k.clone(), value.clone()))
                .collect()
        })
    }

    /// The counters, with the current length and capacity.
    pub fn stats(&self) -> Stats {
        let clock = &self.shared.clock;
        self.locked(|inner, out| {
            inner.settle(clock, out);
            Stats {
                len: inner.store.len() as u64,
                max_size: inner.max_size as u64,
                ..inner.stats
            }
        })
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
        self.get_or_build(key, || factory().map(|v| (v, None)))
    }

    /// [`get_or_insert_with`](Cache::get_or_insert_with) whose factory also
    /// says how long its value may live (`None`: the cache's time-to-live),
    /// e.g. until the credentials it was built from expire.
    pub fn get_or_insert_with_ttl<F, E>(&self, key: &Key, factory: F) -> Result<V, Error>
    where
        F: FnOnce() -> Result<(V, Option<Duration>), E>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        self.get_or_build(key, factory)
    }

    fn get_or_build<F, E>(&self, key: &Key, factory: F) -> Result<V, Error>
    where
        F: FnOnce() -> Result<(V, Option<Duration>), E>,
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
    // Not an `async fn` itself: the future it returns is the inner one, so
    // a hit polls one state machine, not two (measured: ~4 ns of a ~31 ns
    // hit).
    pub fn get_or_insert_with_async<F, Fut, E>(
        &self,
        key: &Key,
        factory: F,
    ) -> impl Future<Output = Result<V, Error>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        self.get_or_build_async(key, || async { factory().await.map(|v| (v, None)) })
    }

    /// [`get_or_insert_with_async`](Cache::get_or_insert_with_async) whose
    /// factory also says how long its value may live (`None`: the cache's
    /// time-to-live).
    pub async fn get_or_insert_with_async_ttl<F, Fut, E>(
        &self,
        key: &Key,
        factory: F,
    ) -> Result<V, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(V, Option<Duration>), E>>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        self.get_or_build_async(key, factory).await
    }

    async fn get_or_build_async<F, Fut, E>(&self, key: &Key, factory: F) -> Result<V, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(V, Option<Duration>), E>>,
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
        let clock = &self.shared.clock;
        self.locked(|inner, out| {
            if let Some(value) = inner.live(key, true, clock, out) {
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
        })
    }

    /// Called exactly once per flight: stores a successful value, retires the
    /// flight, and wakes the waiters.
    fn land(&self, key: &Key, flight: &Flight<V>, result: Result<(V, Option<Duration>), Error>) {
        let clock = &self.shared.clock;
        let result = result.map(|(value, ttl)| (value, self.deadline(ttl)));
        let result = self.locked(|inner, out| {
            inner.flights.remove(key);
            let (value, deadline) = result?;
            // Someone may have inserted the key meanwhile: the resident
            // value wins, so every caller sees one value.
            if let Some(resident) = inner.live(key, false, clock, out) {
                out.push((key.clone(), value, RemovalCause::Replaced));
                return Ok(resident);
            }
            inner.insert_absent(key.clone(), value.clone(), deadline, clock, out);
            Ok(value)
        });
        flight.finish(Outcome::Done(result));
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
    result: Option<Result<(V, Option<Duration>), Error>>,
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

impl<V> fmt::Debug for Cache<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.shared.inner.lock();
        f.debug_struct("Cache")
            .field("kind", &self.shared.kind)
            .field("policy", &inner.store.policy())
            .field("len", &inner.store.len())
            .field("max_size", &inner.max_size)
            .field("time_to_live", &self.shared.ttl.map(Duration::from_nanos))
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
    /// Checks the invariants: the store's own (the expiry index included)
    /// and `len ≤ max_size`.
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
        assert!(matches!(
            cache.remove_if(&resource, |_| true),
            Err(Error::KindMismatch { .. })
        ));
    }

    #[test]
    fn lookup_with_and_peek_with_read_in_place_like_lookup_and_peek() {
        let key = |i: usize| {
            Key::client("s3", &Params::new().with("profile_name", format!("p{i}"))).unwrap()
        };
        let cache: Cache<Arc<String>> = Cache::new(Kind::Client, Policy::Lru, 2).unwrap();
        cache.insert(key(0), Arc::new("zero".into())).unwrap();
        cache.insert(key(1), Arc::new("one".into())).unwrap();
        // A read in place takes no reference of its own.
        let len = cache
            .lookup_with(&key(0), |v| (v.len(), Arc::strong_count(v)))
            .unwrap();
        assert_eq!(len, Some((4, 1)));
        // lookup_with promoted key 0, peek_with did not promote key 1:
        // key 1 is the victim.
        assert_eq!(cache.peek_with(&key(1), |v| v.len()).unwrap(), Some(3));
        cache.insert(key(2), Arc::new("two".into())).unwrap();
        assert!(!cache.contains(&key(1)));
        assert_eq!(cache.lookup_with(&key(1), |v| v.len()).unwrap(), None);
        assert_eq!(cache.peek_with(&key(1), |v| v.len()).unwrap(), None);
        let stats = cache.stats();
        assert_eq!((stats.hits, stats.misses), (1, 1), "peeks are not counted");
        let resource = Key::resource("s3", &Params::new()).unwrap();
        assert!(matches!(
            cache.lookup_with(&resource, |_| ()),
            Err(Error::KindMismatch { .. })
        ));
        assert!(matches!(
            cache.peek_with(&resource, |_| ()),
            Err(Error::KindMismatch { .. })
        ));
    }

    #[test]
    fn remove_if_takes_the_entry_only_when_the_condition_holds() {
        let cache: Cache<&str> = Cache::new(Kind::Client, Policy::Lru, 2).unwrap();
        let key = Key::client("s3", &Params::new()).unwrap();
        assert_eq!(cache.remove_if(&key, |_| true).unwrap(), None);
        cache.insert(key.clone(), "old").unwrap();
        assert_eq!(cache.remove_if(&key, |v| *v == "new").unwrap(), None);
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.remove_if(&key, |v| *v == "old").unwrap(), Some("old"));
        assert!(cache.is_empty());
        assert_eq!(cache.stats().removals, 1);
    }
}
