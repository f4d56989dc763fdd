//! Model-based property tests: random operation sequences run against the
//! cache and against a plain reference model of the cache semantics in
//! docs/design.md, for both policies, with and without a time-to-live, on a
//! manual clock — comparing every result, the victim order and the counters.

use std::time::Duration;

use clientcache::{Cache, Error, Key, Kind, ManualClock, Params, Policy, Stats};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    Insert(usize, u32),
    Get(usize),
    Lookup(usize),
    Peek(usize),
    Contains(usize),
    Remove(usize),
    PopVictim,
    SetMaxSize(usize),
    Snapshot,
    Clear,
    GetOrInsert(usize, u32),
    /// Insert with the entry's own lifetime, in seconds.
    InsertTtl(usize, u32, u64),
    /// Move the clock forward, in seconds.
    Advance(u64),
    PurgeExpired,
}

const KEYS: usize = 8;

fn op() -> impl Strategy<Value = Op> {
    let k = 0..KEYS;
    prop_oneof![
        4 => (k.clone(), any::<u32>()).prop_map(|(k, v)| Op::Insert(k, v)),
        4 => k.clone().prop_map(Op::Get),
        1 => k.clone().prop_map(Op::Lookup),
        1 => k.clone().prop_map(Op::Peek),
        1 => k.clone().prop_map(Op::Contains),
        1 => k.clone().prop_map(Op::Remove),
        1 => Just(Op::PopVictim),
        1 => (0..6usize).prop_map(Op::SetMaxSize),
        1 => Just(Op::Snapshot),
        1 => Just(Op::Clear),
        2 => (k.clone(), any::<u32>()).prop_map(|(k, v)| Op::GetOrInsert(k, v)),
        2 => (k, any::<u32>(), 0..6u64).prop_map(|(k, v, t)| Op::InsertTtl(k, v, t)),
        2 => (0..4u64).prop_map(Op::Advance),
        1 => Just(Op::PurgeExpired),
    ]
}

const NEVER: u64 = u64::MAX;

/// The reference: a plain list with a frequency, a last-use tick and a
/// deadline (in seconds on the manual clock).
struct Model {
    policy: Policy,
    max_size: usize,
    entries: Vec<(usize, u32, u64, u64, u64)>, // (key, value, freq, tick, deadline)
    tick: u64,
    stats: Stats,
    now: u64,
    ttl: Option<u64>,
}

impl Model {
    fn victim_order(&self) -> Vec<usize> {
        let mut order: Vec<_> = self.entries.iter().collect();
        match self.policy {
            Policy::Lru => order.sort_by_key(|e| e.3),
            Policy::Lfu => order.sort_by_key(|e| (e.2, e.3)),
        }
        order.iter().map(|e| e.0).collect()
    }

    fn position(&self, k: usize) -> Option<usize> {
        self.entries.iter().position(|e| e.0 == k)
    }

    fn take_victim(&mut self) -> Option<(usize, u32)> {
        let victim = *self.victim_order().first()?;
        let i = self.position(victim)?;
        let e = self.entries.remove(i);
        Some((e.0, e.1))
    }

    /// Every expired entry leaves.
    fn settle(&mut self) {
        let now = self.now;
        let before = self.entries.len();
        self.entries.retain(|e| e.4 > now);
        self.stats.expirations += (before - self.entries.len()) as u64;
    }

    /// The position of `k` if it is live; an expired entry leaves.
    fn live(&mut self, k: usize) -> Option<usize> {
        let i = self.position(k)?;
        if self.entries[i].4 <= self.now {
            self.entries.remove(i);
            self.stats.expirations += 1;
            return None;
        }
        Some(i)
    }

    fn evict_to(&mut self, limit: usize) {
        if self.entries.len() > limit {
            self.settle(); // expired entries are the first victims
        }
        while self.entries.len() > limit {
            self.take_victim();
            self.stats.evictions += 1;
        }
    }

    fn insert(&mut self, k: usize, v: u32) -> bool {
        let deadline = self.ttl.map_or(NEVER, |t| self.now + t);
        self.insert_until(k, v, deadline)
    }

    fn insert_until(&mut self, k: usize, v: u32, deadline: u64) -> bool {
        if self.live(k).is_some() {
            return false;
        }
        self.evict_to(self.max_size - 1);
        self.tick += 1;
        self.entries.push((k, v, 1, self.tick, deadline));
        self.stats.insertions += 1;
        true
    }

    fn get(&mut self, k: usize) -> Option<u32> {
        self.tick += 1;
        let tick = self.tick;
        let policy = self.policy;
        match self.live(k) {
            Some(i) => {
                let e = &mut self.entries[i];
                e.3 = tick;
                if policy == Policy::Lfu {
                    e.2 += 1;
                }
                self.stats.hits += 1;
                Some(e.1)
            }
            None => {
                self.stats.misses += 1;
                None
            }
        }
    }
}

fn keys() -> Vec<Key> {
    (0..KEYS)
        .map(|i| {
            Key::client(
                "s3",
                &Params::new().with("region_name", format!("region-{i}")),
            )
            .unwrap()
        })
        .collect()
}

fn run(
    policy: Policy,
    max_size: usize,
    ttl: Option<u64>,
    ops: Vec<Op>,
) -> Result<(), TestCaseError> {
    let keys = keys();
    let index_of = |key: &Key| keys.iter().position(|k| k == key).unwrap();
    let clock = ManualClock::new();
    let mut builder = Cache::builder(Kind::Client)
        .policy(policy)
        .max_size(max_size)
        .clock(clock.clone());
    if let Some(t) = ttl {
        builder = builder.time_to_live(Duration::from_secs(t));
    }
    let cache: Cache<u32> = builder.build().unwrap();
    let mut model = Model {
        policy,
        max_size,
        entries: Vec::new(),
        tick: 0,
        stats: Stats::default(),
        now: 0,
        ttl,
    };

    for op in ops {
        match op {
            Op::Insert(k, v) => {
                let got = cache.insert(keys[k].clone(), v);
                let expected = model.insert(k, v);
                prop_assert_eq!(got.is_ok(), expected, "insert {}", k);
                if let Err(e) = got {
                    let is_exists = matches!(e.error, Error::Exists { .. });
                    prop_assert!(is_exists, "insert of a present key is Exists");
                    prop_assert_eq!(e.value, v);
                }
            }
            Op::Get(k) => {
                let got = cache.get(&keys[k]);
                let expected = model.get(k);
                match (got, expected) {
                    (Ok(a), Some(b)) => prop_assert_eq!(a, b),
                    (Err(Error::NotFound { .. }), None) => {}
                    (a, b) => prop_assert!(false, "get {}: {:?} vs {:?}", k, a, b),
                }
            }
            Op::Lookup(k) => prop_assert_eq!(cache.lookup(&keys[k]).unwrap(), model.get(k)),
            Op::Peek(k) => {
                let expected = model.live(k).map(|i| model.entries[i].1);
                prop_assert_eq!(cache.peek(&keys[k]).ok(), expected);
            }
            Op::Contains(k) => {
                prop_assert_eq!(cache.contains(&keys[k]), model.live(k).is_some())
            }
            Op::Remove(k) => {
                let expected = model.live(k).map(|i| model.entries.remove(i).1);
                if expected.is_some() {
                    model.stats.removals += 1;
                }
                prop_assert_eq!(cache.remove(&keys[k]).ok(), expected);
            }
            Op::PopVictim => {
                model.settle();
                let expected = model.take_victim();
                if expected.is_some() {
                    model.stats.removals += 1;
                }
                let got = cache.pop_victim().ok().map(|(key, v)| (index_of(&key), v));
                prop_assert_eq!(got, expected);
            }
            Op::SetMaxSize(n) => {
                let got = cache.set_max_size(n);
                if n == 0 {
                    let is_invalid = matches!(got, Err(Error::InvalidArgument(_)));
                    prop_assert!(is_invalid, "max_size 0 is invalid");
                } else {
                    prop_assert!(got.is_ok());
                    model.max_size = n;
                    model.evict_to(n);
                }
            }
            Op::Snapshot => {
                model.settle();
                let got: Vec<usize> = cache.keys().iter().map(index_of).collect();
                prop_assert_eq!(got, model.victim_order());
            }
            Op::Clear => {
                cache.clear();
                model.entries.clear();
            }
            Op::GetOrInsert(k, v) => {
                let got = cache
                    .get_or_insert_with(&keys[k], || Ok::<_, Error>(v))
                    .unwrap();
                let expected = match model.get(k) {
                    Some(existing) => existing,
                    None => {
                        model.insert(k, v);
                        v
                    }
                };
                prop_assert_eq!(got, expected);
            }
            Op::InsertTtl(k, v, t) => {
                let got = cache.insert_with_ttl(keys[k].clone(), v, Duration::from_secs(t));
                let expected = model.insert_until(k, v, model.now + t);
                prop_assert_eq!(got.is_ok(), expected, "insert_with_ttl {}", k);
            }
            Op::Advance(t) => {
                clock.advance(Duration::from_secs(t));
                model.now += t;
            }
            Op::PurgeExpired => {
                let before = model.stats.expirations;
                model.settle();
                prop_assert_eq!(
                    cache.purge_expired() as u64,
                    model.stats.expirations - before
                );
            }
        }
        // stats() lets expired entries go first, like every whole-cache view.
        model.settle();
        let stats = cache.stats();
        prop_assert!(stats.len as usize <= stats.max_size as usize);
        let expected_stats = Stats {
            len: model.entries.len() as u64,
            max_size: model.max_size as u64,
            ..model.stats
        };
        prop_assert_eq!(stats, expected_stats);
    }
    let order: Vec<usize> = cache.keys().iter().map(index_of).collect();
    prop_assert_eq!(order, model.victim_order());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn lru_matches_the_model(
        max_size in 1..6usize,
        ttl in proptest::option::of(1..8u64),
        ops in proptest::collection::vec(op(), 1..120),
    ) {
        run(Policy::Lru, max_size, ttl, ops)?;
    }

    #[test]
    fn lfu_matches_the_model(
        max_size in 1..6usize,
        ttl in proptest::option::of(1..8u64),
        ops in proptest::collection::vec(op(), 1..120),
    ) {
        run(Policy::Lfu, max_size, ttl, ops)?;
    }

    #[test]
    fn copies_are_independent_but_share_order(max_size in 1..6usize, ops in proptest::collection::vec(op(), 1..60)) {
        let keys = keys();
        let cache: Cache<u32> = Cache::new(Kind::Client, Policy::Lfu, max_size).unwrap();
        for op in ops {
            match op {
                Op::Insert(k, v) => { let _ = cache.insert(keys[k].clone(), v); }
                Op::Get(k) => { let _ = cache.get(&keys[k]); }
                _ => {}
            }
        }
        let copy = cache.copy();
        prop_assert_eq!(copy.keys(), cache.keys());
        prop_assert_eq!(copy.items(), cache.items());
        copy.clear();
        prop_assert_eq!(copy.len(), 0);
        prop_assert!(cache.len() <= max_size);
    }
}
