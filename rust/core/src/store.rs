//! The eviction policy as a single-threaded structure (the cache wraps it in
//! one lock).
//!
//! Entries live in a slab and are chained, per frequency, into buckets; the
//! buckets form a list in ascending frequency. The victim is always the head
//! of the first bucket: the least recently used entry of the lowest
//! frequency. LRU is the same structure where promotion moves an entry to the
//! tail of its own bucket instead of to the next frequency, so every entry
//! stays at frequency 1 and there is one bucket. Every operation but the
//! snapshot is O(1).
//!
//! Invariants (checked by `validate` in tests):
//! - `index` maps each key to its slot, and each slot's key back to itself;
//! - each bucket is non-empty, its list is consistent, and its entries point
//!   back at it; bucket frequencies strictly increase along the bucket list;
//! - under LRU there is at most one bucket, with frequency 1.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::key::Key;
use crate::slab::{NIL, Slab};

/// Eviction policy, chosen when a cache is created.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Policy {
    /// Least recently used first.
    #[default]
    #[serde(rename = "LRU")]
    Lru,
    /// Least frequently used first; ties go to the least recently used.
    #[serde(rename = "LFU")]
    Lfu,
}

/// Keys carry a precomputed hash (from their SHA-256 digest); the map just
/// passes it through.
#[derive(Default)]
pub(crate) struct PrehashedKeyHasher(u64);

impl Hasher for PrehashedKeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type KeyMap = HashMap<Key, u32, BuildHasherDefault<PrehashedKeyHasher>>;

#[derive(Clone)]
struct Entry<V> {
    key: Key,
    value: V,
    prev: u32,
    next: u32,
    bucket: u32,
}

#[derive(Clone)]
struct Bucket {
    freq: u64,
    head: u32,
    tail: u32,
    prev: u32,
    next: u32,
}

#[derive(Clone)]
pub(crate) struct Store<V> {
    policy: Policy,
    entries: Slab<Entry<V>>,
    buckets: Slab<Bucket>,
    first_bucket: u32,
    index: KeyMap,
}

impl<V> Store<V> {
    pub(crate) fn new(policy: Policy) -> Self {
        Store {
            policy,
            entries: Slab::new(),
            buckets: Slab::new(),
            first_bucket: NIL,
            index: KeyMap::default(),
        }
    }

    pub(crate) fn policy(&self) -> Policy {
        self.policy
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    #[cfg(test)]
    pub(crate) fn contains(&self, key: &Key) -> bool {
        self.index.contains_key(key)
    }

    /// Looks a key up; `promote` records the access for the policy.
    pub(crate) fn get(&mut self, key: &Key, promote: bool) -> Option<&V> {
        let slot = *self.index.get(key)?;
        if promote {
            self.promote(slot);
        }
        Some(&self.entries.get(slot).value)
    }

    /// Adds an entry known to be absent, as the most recent at frequency 1.
    /// The caller makes room first, so the new entry is never a victim.
    pub(crate) fn insert_new(&mut self, key: Key, value: V) {
        debug_assert!(!self.index.contains_key(&key));
        let bucket = if self.first_bucket != NIL && self.buckets.get(self.first_bucket).freq == 1 {
            self.first_bucket
        } else {
            self.new_bucket_after(NIL, 1)
        };
        let slot = self.entries.insert(Entry {
            key: key.clone(),
            value,
            prev: NIL,
            next: NIL,
            bucket,
        });
        self.link_tail(bucket, slot);
        self.index.insert(key, slot);
    }

    pub(crate) fn remove(&mut self, key: &Key) -> Option<(Key, V)> {
        let slot = self.index.remove(key)?;
        self.unlink(slot);
        let entry = self.entries.remove(slot);
        Some((entry.key, entry.value))
    }

    pub(crate) fn pop_victim(&mut self) -> Option<(Key, V)> {
        if self.first_bucket == NIL {
            return None;
        }
        let slot = self.buckets.get(self.first_bucket).head;
        let key = self.entries.get(slot).key.clone();
        self.remove(&key)
    }

    /// Keys (and values) in victim order: the next victim first.
    pub(crate) fn victim_order(&self) -> impl Iterator<Item = (&Key, &V)> {
        let mut bucket = self.first_bucket;
        let mut slot = NIL;
        std::iter::from_fn(move || {
            while slot == NIL {
                if bucket == NIL {
                    return None;
                }
                slot = self.buckets.get(bucket).head;
                bucket = self.buckets.get(bucket).next;
            }
            let entry = self.entries.get(slot);
            slot = entry.next;
            Some((&entry.key, &entry.value))
        })
    }

    /// Empties the store, returning every entry so the caller can drop the
    /// values after releasing its lock.
    pub(crate) fn take_all(&mut self) -> Vec<(Key, V)> {
        self.index = KeyMap::default();
        self.buckets.take_all();
        self.first_bucket = NIL;
        self.entries
            .take_all()
            .into_iter()
            .map(|e| (e.key, e.value))
            .collect()
    }

    fn promote(&mut self, slot: u32) {
        let bucket = self.entries.get(slot).bucket;
        let freq = self.buckets.get(bucket).freq;
        if self.policy == Policy::Lru || freq == u64::MAX {
            if self.buckets.get(bucket).tail != slot {
                self.unlink_within(bucket, slot);
                self.link_tail(bucket, slot);
            }
            return;
        }
        let next = self.buckets.get(bucket).next;
        let next_is_target = next != NIL && self.buckets.get(next).freq == freq + 1;
        let alone = {
            let b = self.buckets.get(bucket);
            b.head == slot && b.tail == slot
        };
        if alone && !next_is_target {
            // The usual case under spread-out access: moving the entry to a
            // new bucket would be the same as renumbering its own (the next
            // bucket's frequency is above freq + 1, so order holds).
            self.buckets.get_mut(bucket).freq = freq + 1;
            return;
        }
        let target = if next_is_target {
            next
        } else {
            self.new_bucket_after(bucket, freq + 1)
        };
        self.unlink(slot);
        self.link_tail(target, slot);
    }

    /// Creates an empty bucket after `after` (or first, for `NIL`).
    fn new_bucket_after(&mut self, after: u32, freq: u64) -> u32 {
        let next = if after == NIL {
            self.first_bucket
        } else {
            self.buckets.get(after).next
        };
        let bucket = self.buckets.insert(Bucket {
            freq,
            head: NIL,
            tail: NIL,
            prev: after,
            next,
        });
        if after == NIL {
            self.first_bucket = bucket;
        } else {
            self.buckets.get_mut(after).next = bucket;
        }
        if next != NIL {
            self.buckets.get_mut(next).prev = bucket;
        }
        bucket
    }

    fn link_tail(&mut self, bucket: u32, slot: u32) {
        let tail = self.buckets.get(bucket).tail;
        {
            let entry = self.entries.get_mut(slot);
            entry.bucket = bucket;
            entry.prev = tail;
            entry.next = NIL;
        }
        if tail == NIL {
            self.buckets.get_mut(bucket).head = slot;
        } else {
            self.entries.get_mut(tail).next = slot;
        }
        self.buckets.get_mut(bucket).tail = slot;
    }

    /// Unlinks an entry from its bucket's list, leaving the bucket in place.
    fn unlink_within(&mut self, bucket: u32, slot: u32) {
        let (prev, next) = {
            let entry = self.entries.get(slot);
            (entry.prev, entry.next)
        };
        if prev == NIL {
            self.buckets.get_mut(bucket).head = next;
        } else {
            self.entries.get_mut(prev).next = next;
        }
        if next == NIL {
            self.buckets.get_mut(bucket).tail = prev;
        } else {
            self.entries.get_mut(next).prev = prev;
        }
    }

    /// Unlinks an entry and drops its bucket when that leaves it empty.
    fn unlink(&mut self, slot: u32) {
        let bucket = self.entries.get(slot).bucket;
        self.unlink_within(bucket, slot);
        if self.buckets.get(bucket).head == NIL {
            let removed = self.buckets.remove(bucket);
            if removed.prev == NIL {
                self.first_bucket = removed.next;
            } else {
                self.buckets.get_mut(removed.prev).next = removed.next;
            }
            if removed.next != NIL {
                self.buckets.get_mut(removed.next).prev = removed.prev;
            }
        }
    }

    /// Asserts every invariant listed in the module docs.
    #[cfg(test)]
    pub(crate) fn validate(&self) {
        let mut seen = 0usize;
        let mut bucket = self.first_bucket;
        let mut prev_bucket = NIL;
        let mut last_freq = 0u64;
        let mut bucket_count = 0usize;
        while bucket != NIL {
            let b = self.buckets.get(bucket);
            assert_eq!(b.prev, prev_bucket, "bucket back link");
            assert!(b.freq > last_freq, "bucket frequencies increase");
            assert!(b.head != NIL, "no empty bucket");
            last_freq = b.freq;
            let mut slot = b.head;
            let mut prev = NIL;
            while slot != NIL {
                let e = self.entries.get(slot);
                assert_eq!(e.prev, prev, "entry back link");
                assert_eq!(e.bucket, bucket, "entry points at its bucket");
                assert_eq!(
                    self.index.get(&e.key),
                    Some(&slot),
                    "index maps key to slot"
                );
                seen += 1;
                prev = slot;
                slot = e.next;
            }
            assert_eq!(b.tail, prev, "bucket tail");
            bucket_count += 1;
            prev_bucket = bucket;
            bucket = b.next;
        }
        assert_eq!(seen, self.entries.len(), "every entry is in a bucket");
        assert_eq!(seen, self.index.len(), "index size");
        assert_eq!(bucket_count, self.buckets.len(), "every bucket is linked");
        if self.policy == Policy::Lru {
            assert!(bucket_count <= 1, "LRU keeps one bucket");
            if bucket_count == 1 {
                assert_eq!(self.buckets.get(self.first_bucket).freq, 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Kind, Params};

    /// Random operations with the invariants checked after each one.
    fn churn(policy: Policy) {
        let keys: Vec<Key> = (0..16)
            .map(|i| {
                Key::new(
                    Kind::Client,
                    "s3",
                    &Params::new().with("profile_name", format!("p{i}")),
                )
                .unwrap()
            })
            .collect();
        let mut store: Store<usize> = Store::new(policy);
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for step in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let key = &keys[(state % 16) as usize];
            match (state >> 8) % 5 {
                0 | 1 => {
                    if !store.contains(key) {
                        if store.len() >= 6 {
                            store.pop_victim();
                        }
                        store.insert_new(key.clone(), step);
                    }
                }
                2 | 3 => {
                    store.get(key, true);
                }
                _ => {
                    store.remove(key);
                }
            }
            store.validate();
            assert!(store.len() <= 6);
        }
        let all = store.take_all();
        assert!(all.len() <= 6);
        store.validate();
        assert_eq!(store.len(), 0);
    }

    #[test]
    fn lru_invariants_hold_under_churn() {
        churn(Policy::Lru);
    }

    #[test]
    fn lfu_invariants_hold_under_churn() {
        churn(Policy::Lfu);
    }

    #[test]
    fn lfu_ties_go_to_the_least_recent() {
        let k = |i: usize| {
            Key::new(
                Kind::Client,
                "s3",
                &Params::new().with("profile_name", format!("p{i}")),
            )
            .unwrap()
        };
        let mut store: Store<usize> = Store::new(Policy::Lfu);
        for i in 0..4 {
            store.insert_new(k(i), i);
        }
        store.get(&k(0), true); // 0: freq 2
        store.get(&k(2), true); // 2: freq 2, more recent than 0
        let order: Vec<usize> = store.victim_order().map(|(_, v)| *v).collect();
        assert_eq!(order, vec![1, 3, 0, 2]);
        store.validate();
    }
}
