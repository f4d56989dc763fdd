//! The thread-safe cache (DESIGN §3): one lock around the policy store,
//! counters, and the table of in-flight factory runs for single-flight.

use std::collections::HashMap;
use std::sync::Arc;
use std::thread::{self, ThreadId};

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

/// One factory run that same-key callers wait for.
struct Flight<V> {
    owner: ThreadId,
    outcome: Mutex<Option<Result<V, Error>>>,
    done: Condvar,
}

impl<V: Clone> Flight<V> {
    fn wait(&self) -> Result<V, Error> {
        let mut outcome = self.outcome.lock();
        loop {
            if let Some(result) = outcome.as_ref() {
                return result.clone();
            }
            self.done.wait(&mut outcome);
        }
    }

    fn finish(&self, result: Result<V, Error>) {
        *self.outcome.lock() = Some(result);
        self.done.notify_all();
    }
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
pub struct Cache<V> {
    kind: Kind,
    inner: Mutex<Inner<V>>,
}

impl<V: Clone> Cache<V> {
    /// A cache for keys of `kind`, with the given policy and capacity
    /// (`max_size ≥ 1`).
    pub fn new(kind: Kind, policy: Policy, max_size: usize) -> Result<Self, Error> {
        check_max_size(max_size)?;
        Ok(Cache {
            kind,
            inner: Mutex::new(Inner {
                store: Store::new(policy),
                max_size,
                stats: Stats::default(),
                flights: HashMap::new(),
            }),
        })
    }

    /// The kind of key this cache accepts.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The eviction policy.
    pub fn policy(&self) -> Policy {
        self.inner.lock().store.policy()
    }

    fn check_kind(&self, key: &Key) -> Result<(), Error> {
        if key.kind() == self.kind {
            Ok(())
        } else {
            Err(Error::KindMismatch {
                expected: self.kind,
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
            let mut inner = self.inner.lock();
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
        let mut inner = self.inner.lock();
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
        let found = self.inner.lock().store.get(key, false).cloned();
        found.ok_or_else(|| Error::NotFound {
            key: Some(key.label().to_owned()),
        })
    }

    /// Whether `key` is present (no promotion, not counted).
    pub fn contains(&self, key: &Key) -> bool {
        self.inner.lock().store.contains(key)
    }

    /// Takes `key` out and returns its value; `NotFound` on a miss,
    /// `KindMismatch` for a key of the other kind.
    pub fn remove(&self, key: &Key) -> Result<V, Error> {
        self.check_kind(key)?;
        let removed = {
            let mut inner = self.inner.lock();
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
        let mut inner = self.inner.lock();
        let victim = inner.store.pop_victim();
        if victim.is_some() {
            inner.count_removal(RemovalCause::Removed, 1);
        }
        drop(inner);
        victim.ok_or(Error::NotFound { key: None })
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.inner.lock().store.len()
    }

    /// True when the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The capacity.
    pub fn max_size(&self) -> usize {
        self.inner.lock().max_size
    }

    /// Changes the capacity (`≥ 1`); shrinking evicts victims until the
    /// entries fit.
    pub fn set_max_size(&self, max_size: usize) -> Result<(), Error> {
        check_max_size(max_size)?;
        let evicted = {
            let mut inner = self.inner.lock();
            inner.max_size = max_size;
            inner.evict_to(max_size)
        };
        drop(evicted);
        Ok(())
    }

    /// Removes every entry (not counted as removals or evictions).
    pub fn clear(&self) {
        let entries = self.inner.lock().store.take_all();
        drop(entries);
    }

    /// A new cache with the same kind, policy, capacity and entries (in the
    /// same victim order, LFU frequencies included), sharing the values.
    /// Counters start at zero; factories in flight are not copied.
    pub fn copy(&self) -> Cache<V> {
        let inner = self.inner.lock();
        Cache {
            kind: self.kind,
            inner: Mutex::new(Inner {
                store: inner.store.clone(),
                max_size: inner.max_size,
                stats: Stats::default(),
                flights: HashMap::new(),
            }),
        }
    }

    /// All keys in victim order (the next victim first).
    pub fn keys(&self) -> Vec<Key> {
        self.inner
            .lock()
            .store
            .victim_order()
            .map(|(k, _)| k.clone())
            .collect()
    }

    /// All entries in victim order (the next victim first).
    pub fn items(&self) -> Vec<(Key, V)> {
        self.inner
            .lock()
            .store
            .victim_order()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// The counters, with the current length and capacity.
    pub fn stats(&self) -> Stats {
        let inner = self.inner.lock();
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
    pub fn get_or_insert_with<F, E>(&self, key: &Key, factory: F) -> Result<V, Error>
    where
        F: FnOnce() -> Result<V, E>,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        self.check_kind(key)?;
        let flight = {
            let mut inner = self.inner.lock();
            if let Some(value) = inner.store.get(key, true).cloned() {
                inner.stats.hits += 1;
                return Ok(value);
            }
            inner.stats.misses += 1;
            if let Some(flight) = inner.flights.get(key) {
                if flight.owner == thread::current().id() {
                    return Err(Error::Reentrant {
                        key: key.label().to_owned(),
                    });
                }
                let flight = Arc::clone(flight);
                drop(inner);
                return flight.wait();
            }
            let flight = Arc::new(Flight {
                owner: thread::current().id(),
                outcome: Mutex::new(None),
                done: Condvar::new(),
            });
            inner.flights.insert(key.clone(), Arc::clone(&flight));
            flight
        };

        // Lands the outcome even if the factory panics.
        let mut guard = FlightGuard {
            cache: self,
            key,
            flight: &flight,
            result: None,
        };
        let result = factory().map_err(|e| Error::FactoryFailed {
            key: key.label().to_owned(),
            source: Arc::from(e.into()),
        });
        guard.result = Some(result);
        drop(guard);
        flight.wait()
    }

    /// Called exactly once per flight: stores a successful value, retires the
    /// flight, and wakes the waiters.
    fn land(&self, key: &Key, flight: &Flight<V>, result: Result<V, Error>) {
        let mut displaced = None;
        let mut evicted = Vec::new();
        let result = {
            let mut inner = self.inner.lock();
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
        flight.finish(result);
        drop(displaced);
        drop(evicted);
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
        let result = self.result.take().unwrap_or_else(|| {
            Err(Error::FactoryFailed {
                key: self.key.label().to_owned(),
                source: Arc::from(Box::<dyn std::error::Error + Send + Sync>::from(
                    "factory panicked",
                )),
            })
        });
        self.cache.land(self.key, self.flight, result);
    }
}

impl<V: Clone> Clone for Cache<V> {
    /// Same as [`Cache::copy`].
    fn clone(&self) -> Self {
        self.copy()
    }
}

impl<V> std::fmt::Debug for Cache<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.inner.lock();
        f.debug_struct("Cache")
            .field("kind", &self.kind)
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
        let inner = self.inner.lock();
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
