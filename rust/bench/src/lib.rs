//! Shared workloads for the clientcache benchmarks (criterion benches in
//! `benches/`, the Instant-timed report in `examples/report.rs` and the
//! memory census in `examples/memory.rs`).
//!
//! Every contender answers the same operations through [`Contender`]:
//! clientcache's [`Cache`] (LRU and LFU) keyed by [`Key`], and three peers
//! keyed by the key's canonical string: `lru::LruCache` in a
//! `parking_lot::Mutex`, `moka::sync::Cache` and `quick_cache::sync::Cache`.
//! Values are `Arc<u64>`, so every hit clones and drops one reference count
//! (what a cached SDK client handle costs to hand out).

use std::hint::black_box;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clientcache::{Cache, Key, Kind, Params, Policy, Value};
use parking_lot::Mutex;

/// The cached value type: a cheap, shared handle.
pub type Val = Arc<u64>;

/// Cache sizes of the get-hit benchmark.
pub const GET_SIZES: [usize; 3] = [10, 1_000, 100_000];

/// Capacity of the churn benchmark; its key pool is twice as large, so every
/// insert misses and evicts.
pub const CHURN_CAPACITY: usize = 1_000;

/// Entries in the cache of the contended and C ABI benchmarks.
pub const CONTENDED_SIZE: usize = 1_000;

/// Length of the lookup sequences (a power of two: indexed with a mask).
pub const SEQ_LEN: usize = 1 << 17;

/// The 3-parameter JSON of the key-construction benchmark (no secrets).
pub const JSON_3: &str = r#"{"region_name":"us-west-2","endpoint_url":"http://127.0.0.1:9000","config":{"retries":{"max_attempts":3,"mode":"standard"}}}"#;

/// The same shape with two secrets (each costs one extra SHA-256).
pub const JSON_3_SECRETS: &str = r#"{"region_name":"us-west-2","aws_access_key_id":"AKIAIOSFODNN7EXAMPLE","aws_secret_access_key":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}"#;

/// The [`JSON_3`] parameters built as values.
pub fn params_3() -> Params {
    Params::new()
        .with("region_name", "us-west-2")
        .with("endpoint_url", "http://127.0.0.1:9000")
        .with(
            "config",
            Value::object([(
                "retries",
                Value::object([
                    ("max_attempts", Value::Number(3.0)),
                    ("mode", Value::String("standard".into())),
                ]),
            )]),
        )
}

/// The JSON params of the `i`-th distinct benchmark key: realistic shapes
/// (region, profile, retries), distinct per `i`.
pub fn key_json(i: usize) -> String {
    const REGIONS: [&str; 4] = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];
    format!(
        r#"{{"region_name":"{}","profile_name":"tenant-{i}","config":{{"retries":{{"max_attempts":{},"mode":"standard"}}}}}}"#,
        REGIONS[i % REGIONS.len()],
        1 + i % 5
    )
}

/// `n` distinct client keys for service `s3`.
pub fn make_keys(n: usize) -> Vec<Key> {
    (0..n)
        .map(|i| Key::from_json(Kind::Client, "s3", key_json(i).as_bytes()).expect("valid key"))
        .collect()
}

/// A pseudo-random lookup sequence of [`SEQ_LEN`] indexes below `n`
/// (xorshift; the same for every contender).
pub fn lookup_sequence(n: usize, seed: u64) -> Vec<u32> {
    let mut state = seed | 1;
    (0..SEQ_LEN)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as u32
        })
        .collect()
}

/// Which cache implementation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// clientcache, LRU.
    ClientcacheLru,
    /// clientcache, LFU.
    ClientcacheLfu,
    /// `parking_lot::Mutex<lru::LruCache<String, V>>`.
    LruMutex,
    /// `moka::sync::Cache<String, V>`.
    Moka,
    /// `quick_cache::sync::Cache<String, V>`.
    QuickCache,
}

impl Which {
    /// Every contender, clientcache first.
    pub const ALL: [Which; 5] = [
        Which::ClientcacheLru,
        Which::ClientcacheLfu,
        Which::LruMutex,
        Which::Moka,
        Which::QuickCache,
    ];

    /// Short stable name (criterion function id, report row).
    pub fn name(self) -> &'static str {
        match self {
            Which::ClientcacheLru => "clientcache_lru",
            Which::ClientcacheLfu => "clientcache_lfu",
            Which::LruMutex => "lru_mutex",
            Which::Moka => "moka",
            Which::QuickCache => "quick_cache",
        }
    }
}

/// One cache under test, holding `u64`-tagged `Arc` values.
pub enum Contender {
    /// clientcache (either policy).
    Clientcache(Cache<Val>),
    /// `Mutex<lru::LruCache>`.
    LruMutex(Mutex<lru::LruCache<String, Val>>),
    /// moka.
    Moka(moka::sync::Cache<String, Val>),
    /// quick_cache.
    QuickCache(quick_cache::sync::Cache<String, Val>),
}

/// The key of one lookup, in the form each contender wants.
pub struct Keys {
    /// clientcache keys.
    pub keys: Vec<Key>,
    /// Their canonical strings (the peers' keys).
    pub strings: Vec<String>,
}

impl Keys {
    /// `n` keys and their canonical strings.
    pub fn new(n: usize) -> Self {
        let keys = make_keys(n);
        let strings = keys.iter().map(|k| k.canonical().to_owned()).collect();
        Keys { keys, strings }
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

impl Contender {
    /// An empty cache of capacity `capacity`.
    pub fn new(which: Which, capacity: usize) -> Self {
        match which {
            Which::ClientcacheLru => Contender::Clientcache(
                Cache::new(Kind::Client, Policy::Lru, capacity).expect("capacity ≥ 1"),
            ),
            Which::ClientcacheLfu => Contender::Clientcache(
                Cache::new(Kind::Client, Policy::Lfu, capacity).expect("capacity ≥ 1"),
            ),
            Which::LruMutex => Contender::LruMutex(Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(capacity).expect("capacity ≥ 1"),
            ))),
            Which::Moka => Contender::Moka(moka::sync::Cache::new(capacity as u64)),
            Which::QuickCache => Contender::QuickCache(quick_cache::sync::Cache::new(capacity)),
        }
    }

    /// A cache holding all of `keys` (capacity = their number), every one a
    /// hit. Panics if a peer dropped one (setup, not a timed assertion).
    pub fn filled(which: Which, keys: &Keys) -> Self {
        // quick_cache shards its capacity and moka admits by frequency; a
        // little headroom keeps every key resident for get-hit.
        let capacity = match which {
            Which::Moka | Which::QuickCache => keys.len() + keys.len() / 4 + 64,
            _ => keys.len(),
        };
        let cache = Contender::new(which, capacity);
        for i in 0..keys.len() {
            cache.insert(keys, i, Arc::new(i as u64));
        }
        cache.settle();
        for i in 0..keys.len() {
            assert!(
                cache.get(keys, i).is_some(),
                "{} lost key {i} of {}",
                which.name(),
                keys.len()
            );
        }
        cache
    }

    /// Runs deferred maintenance (moka applies writes lazily).
    pub fn settle(&self) {
        if let Contender::Moka(cache) = self {
            cache.run_pending_tasks();
        }
    }

    /// Get with promotion; the value is cloned out.
    #[inline]
    pub fn get(&self, keys: &Keys, i: usize) -> Option<Val> {
        match self {
            Contender::Clientcache(cache) => cache.lookup(&keys.keys[i]).ok().flatten(),
            Contender::LruMutex(cache) => cache.lock().get(keys.strings[i].as_str()).cloned(),
            Contender::Moka(cache) => cache.get(keys.strings[i].as_str()),
            Contender::QuickCache(cache) => cache.get(keys.strings[i].as_str()),
        }
    }

    /// Insert (evicting as needed). The peers need an owned `String` key,
    /// clientcache an `Arc` clone of the key.
    #[inline]
    pub fn insert(&self, keys: &Keys, i: usize, value: Val) {
        match self {
            Contender::Clientcache(cache) => {
                let _ = black_box(cache.insert(keys.keys[i].clone(), value));
            }
            Contender::LruMutex(cache) => {
                let evicted = cache.lock().push(keys.strings[i].clone(), value);
                drop(evicted);
            }
            Contender::Moka(cache) => cache.insert(keys.strings[i].clone(), value),
            Contender::QuickCache(cache) => cache.insert(keys.strings[i].clone(), value),
        }
    }
}

/// One get-hit per call, walking a fixed pseudo-random sequence.
pub struct GetHit<'a> {
    /// The cache.
    pub cache: &'a Contender,
    /// Its keys.
    pub keys: &'a Keys,
    /// Lookup order.
    pub seq: &'a [u32],
    /// Position in `seq`.
    pub pos: usize,
}

impl GetHit<'_> {
    /// One lookup.
    #[inline]
    pub fn step(&mut self) -> Option<Val> {
        let i = self.seq[self.pos & (SEQ_LEN - 1)] as usize;
        self.pos = self.pos.wrapping_add(1);
        self.cache.get(self.keys, i)
    }
}

/// Insert-with-eviction churn: inserts the keys of a pool twice the
/// capacity in round-robin order, so (for LRU) every insert misses and
/// evicts one entry.
pub struct Churn<'a> {
    /// The cache (capacity [`CHURN_CAPACITY`], pre-filled).
    pub cache: &'a Contender,
    /// The pool (2 × capacity keys).
    pub keys: &'a Keys,
    /// The value inserted (cloned; one refcount increment per insert).
    pub value: Val,
    /// Next key.
    pub pos: usize,
}

impl<'a> Churn<'a> {
    /// A churn workload over `cache` (capacity [`CHURN_CAPACITY`]), pre-filled
    /// with the first half of `keys`.
    pub fn new(cache: &'a Contender, keys: &'a Keys) -> Self {
        let value = Arc::new(7);
        for i in 0..CHURN_CAPACITY {
            cache.insert(keys, i, Arc::clone(&value));
        }
        cache.settle();
        Churn {
            cache,
            keys,
            value,
            pos: CHURN_CAPACITY,
        }
    }

    /// One insert.
    #[inline]
    pub fn step(&mut self) {
        let i = self.pos;
        self.pos = if i + 1 == self.keys.len() { 0 } else { i + 1 };
        self.cache.insert(self.keys, i, Arc::clone(&self.value));
    }
}

/// Runs `per_thread` get-hits on each of `seqs.len()` threads (one lookup
/// sequence each) against one cache and returns the wall time (the threads
/// start together).
pub fn contended_get_hit(
    cache: &Contender,
    keys: &Keys,
    seqs: &[Vec<u32>],
    per_thread: u64,
) -> Duration {
    let barrier = std::sync::Barrier::new(seqs.len() + 1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = seqs
            .iter()
            .map(|seq| {
                let barrier = &barrier;
                scope.spawn(move || {
                    let mut walk = GetHit {
                        cache,
                        keys,
                        seq,
                        pos: 0,
                    };
                    barrier.wait();
                    let start = Instant::now();
                    for _ in 0..per_thread {
                        black_box(walk.step());
                    }
                    start.elapsed()
                })
            })
            .collect();
        barrier.wait();
        let start = Instant::now();
        for handle in handles {
            handle.join().expect("bench thread");
        }
        start.elapsed()
    })
}

/// The C ABI side of the overhead benchmark: a `clientcache_cache` and its
/// keys, built and used only through the exported functions.
pub mod ffi {
    use std::ffi::c_void;

    use clientcache_ffi::{
        CLIENTCACHE_KIND_CLIENT, CLIENTCACHE_POLICY_LRU, CLIENTCACHE_STATUS_OK, clientcache_cache,
        clientcache_cache_free, clientcache_cache_get, clientcache_cache_insert,
        clientcache_cache_new_with_options, clientcache_cache_options, clientcache_key,
        clientcache_key_free, clientcache_key_new, clientcache_lease, clientcache_lease_free,
        clientcache_lease_value,
    };

    /// Builds a client key for service `s3` from `json` with
    /// `clientcache_key_new` and frees it with `clientcache_key_free`, as a
    /// binding does per call; true when the key was built.
    #[inline]
    pub fn key_new_free(json: &str) -> bool {
        let mut key = std::ptr::null_mut();
        // SAFETY: pointers valid for their lengths; valid out-pointer; the
        // key is freed once.
        unsafe {
            let status = clientcache_key_new(
                CLIENTCACHE_KIND_CLIENT,
                c"s3".as_ptr(),
                2,
                json.as_ptr().cast(),
                json.len(),
                &mut key,
            );
            clientcache_key_free(key);
            status == CLIENTCACHE_STATUS_OK
        }
    }

    /// A C-ABI cache holding `n` keys (values are small tagged pointers,
    /// no release callback).
    pub struct FfiCache {
        cache: *mut clientcache_cache,
        keys: Vec<*mut clientcache_key>,
    }

    impl FfiCache {
        /// Builds keys with [`crate::key_json`] (the same keys as
        /// [`crate::Keys::new`]) and inserts them all.
        pub fn new(n: usize) -> Self {
            Self::with_ttl(n, 0)
        }

        /// Like [`FfiCache::new`], with a time-to-live of `ttl_ns` (0: none)
        /// on the default clock, through `clientcache_cache_new_with_options`.
        pub fn with_ttl(n: usize, ttl_ns: u64) -> Self {
            let mut cache = std::ptr::null_mut();
            let options = clientcache_cache_options {
                size: std::mem::size_of::<clientcache_cache_options>(),
                kind: CLIENTCACHE_KIND_CLIENT,
                policy: CLIENTCACHE_POLICY_LRU,
                max_size: n,
                ttl_ns,
                release: None,
                release_ctx: std::ptr::null_mut(),
                listener: None,
                listener_ctx: std::ptr::null_mut(),
                clock: None,
                clock_ctx: std::ptr::null_mut(),
            };
            // SAFETY: valid options and out-pointer; no callbacks.
            let status = unsafe { clientcache_cache_new_with_options(&options, &mut cache) };
            assert_eq!(status, CLIENTCACHE_STATUS_OK);
            let keys = (0..n)
                .map(|i| {
                    let json = crate::key_json(i);
                    let mut key = std::ptr::null_mut();
                    // SAFETY: pointers valid for their lengths; valid out-pointer.
                    let status = unsafe {
                        clientcache_key_new(
                            CLIENTCACHE_KIND_CLIENT,
                            c"s3".as_ptr(),
                            2,
                            json.as_ptr().cast(),
                            json.len(),
                            &mut key,
                        )
                    };
                    assert_eq!(status, CLIENTCACHE_STATUS_OK);
                    // SAFETY: live cache and key; non-NULL value.
                    let status =
                        unsafe { clientcache_cache_insert(cache, key, (i + 1) as *mut c_void) };
                    assert_eq!(status, CLIENTCACHE_STATUS_OK);
                    key
                })
                .collect();
            FfiCache { cache, keys }
        }

        /// Frees this side's key handles; the cache keeps its own
        /// references (for the memory census: what the cache alone retains).
        /// `get_and_free` must not be called afterwards.
        pub fn release_keys(&mut self) {
            for key in std::mem::take(&mut self.keys) {
                // SAFETY: a handle made by this struct, freed once.
                unsafe { clientcache_key_free(key) };
            }
        }

        /// `clientcache_cache_get` + `clientcache_lease_value` +
        /// `clientcache_lease_free`; returns the value pointer.
        #[inline]
        pub fn get_and_free(&self, i: usize) -> *mut c_void {
            let mut lease: *mut clientcache_lease = std::ptr::null_mut();
            // SAFETY: live cache and key, valid out-pointer; the lease is
            // read and freed once.
            unsafe {
                let status = clientcache_cache_get(self.cache, self.keys[i], &mut lease);
                debug_assert_eq!(status, CLIENTCACHE_STATUS_OK);
                let value = clientcache_lease_value(lease);
                clientcache_lease_free(lease);
                value
            }
        }
    }

    impl Drop for FfiCache {
        fn drop(&mut self) {
            // SAFETY: handles made by this struct, freed once.
            unsafe {
                for key in self.keys.drain(..) {
                    clientcache_key_free(key);
                }
                clientcache_cache_free(self.cache);
            }
        }
    }
}
