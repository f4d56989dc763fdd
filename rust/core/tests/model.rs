//! Model-based property tests: random operation sequences run against the
//! cache and against a plain reference model of DESIGN §3, for both
//! policies, comparing every result, the victim order and the counters.

use clientcache::{Cache, Error, Key, Kind, Params, Policy, Stats};
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
        2 => (k, any::<u32>()).prop_map(|(k, v)| Op::GetOrInsert(k, v)),
    ]
}

/// The reference: a plain list with a frequency and a last-use tick.
struct Model {
    policy: Policy,
    max_size: usize,
    entries: Vec<(usize, u32, u64, u64)>, // (key, value, freq, tick)
    tick: u64,
    stats: Stats,
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

    fn evict_to(&mut self, limit: usize) {
        while self.entries.len() > limit {
            self.take_victim();
            self.stats.evictions += 1;
        }
    }

    fn insert(&mut self, k: usize, v: u32) -> bool {
        if self.position(k).is_some() {
            return false;
        }
        self.evict_to(self.max_size - 1);
        self.tick += 1;
        self.entries.push((k, v, 1, self.tick));
        self.stats.insertions += 1;
        true
    }

    fn get(&mut self, k: usize) -> Option<u32> {
        self.tick += 1;
        let tick = self.tick;
        let policy = self.policy;
        match self.position(k) {
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

fn run(policy: Policy, max_size: usize, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let keys = keys();
    let index_of = |key: &Key| keys.iter().position(|k| k == key).unwrap();
    let cache: Cache<u32> = Cache::new(Kind::Client, policy, max_size).unwrap();
    let mut model = Model {
        policy,
        max_size,
        entries: Vec::new(),
        tick: 0,
        stats: Stats::default(),
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
                let expected = model.position(k).map(|i| model.entries[i].1);
                prop_assert_eq!(cache.peek(&keys[k]).ok(), expected);
            }
            Op::Contains(k) => {
                prop_assert_eq!(cache.contains(&keys[k]), model.position(k).is_some())
            }
            Op::Remove(k) => {
                let expected = model.position(k).map(|i| model.entries.remove(i).1);
                if expected.is_some() {
                    model.stats.removals += 1;
                }
                prop_assert_eq!(cache.remove(&keys[k]).ok(), expected);
            }
            Op::PopVictim => {
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
        }
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
    fn lru_matches_the_model(max_size in 1..6usize, ops in proptest::collection::vec(op(), 1..120)) {
        run(Policy::Lru, max_size, ops)?;
    }

    #[test]
    fn lfu_matches_the_model(max_size in 1..6usize, ops in proptest::collection::vec(op(), 1..120)) {
        run(Policy::Lfu, max_size, ops)?;
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
