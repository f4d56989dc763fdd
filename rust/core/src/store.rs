//! The eviction policy and the expiry index as a single-threaded structure
//! (the cache wraps it in one lock); docs/design.md, "Cache semantics".
//!
//! Entries and frequency buckets are nodes of one slab. Each bucket heads a
//! circular list of the entries with its access count, least recent first,
//! and the buckets form a circular list in ascending count through a root
//! node (slot 0). A bucket node is the sentinel of its own entry list, and
//! the root of the bucket list, so linking and unlinking never test for the
//! end of a list: a promotion is a handful of stores with no data-dependent
//! branch but "is there a bucket for count + 1" and "was I alone". The
//! victim is the head of the first bucket: the least recently used entry of
//! the lowest count. LRU is the same structure where promotion moves an
//! entry to the tail of its own bucket, so there is one bucket, count 1.
//! Every operation but the snapshot is O(1); expiry is O(log n) per entry
//! with a deadline.
//!
//! Keys are found through [`index::Index`], which maps the key's hash to
//! its node in 8 bytes per cell. Deadlines live beside the nodes in a vector
//! that stays empty until some entry has one, with an ordered set of
//! `(deadline, node)` for finding the expired: a cache without expiry pays
//! nothing for it.
//!
//! Invariants (checked by `validate` in tests):
//! - the root is a bucket with count 0; the bucket list, followed forward
//!   from the root, returns to it, every bucket's back link is its
//!   predecessor, and counts strictly increase from 1;
//! - every bucket's entry list is non-empty and consistent both ways, and
//!   its entries point up at it;
//! - the index holds exactly the entries, each under its key's tag (the
//!   entry's `aux`); `len` counts them; every other slot is free;
//! - an entry has a deadline (≠ `NEVER`) exactly when `(deadline, node)` is
//!   in the expiry set, and free slots have none;
//! - under LRU there is at most one bucket, with count 1.

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};

use crate::key::Key;
use crate::slab::{NIL, Slab};

mod index;

use index::Index;

/// "No deadline".
pub(crate) const NEVER: u64 = u64::MAX;

/// The root of the bucket list.
const ROOT: u32 = 0;

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

/// Keys carry a precomputed hash (from their SHA-256 digest); the hasher
/// just passes it through.
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

/// The index tag of a key: the low 32 bits of its precomputed hash.
#[inline]
fn tag_of(key: &Key) -> u32 {
    let mut hasher = PrehashedKeyHasher::default();
    key.hash(&mut hasher);
    hasher.finish() as u32
}

#[derive(Clone)]
enum Body<V> {
    Entry {
        key: Key,
        value: V,
    },
    /// A bucket (count ≥ 1), the root (count 0), or a free slot (count 0,
    /// unreachable). Shares the entry's space: the key's non-null pointer
    /// tells the variants apart.
    Bucket {
        count: u64,
    },
}

/// 32 bytes for an 8-byte value: an entry's hot fields share a cache line.
#[derive(Clone)]
struct Node<V> {
    /// Entry: the previous entry of its bucket, or the bucket after the
    /// first. Bucket: its last entry, or itself when empty.
    prev: u32,
    /// Entry: the next entry, or the bucket after the last. Bucket: its
    /// first entry, or itself.
    next: u32,
    /// Entry: its bucket. Bucket: the next bucket (the root after the last).
    up: u32,
    /// Entry: its key's index tag. Bucket: the previous bucket.
    aux: u32,
    body: Body<V>,
}

impl<V> Node<V> {
    const fn vacant() -> Self {
        Node {
            prev: NIL,
            next: NIL,
            up: NIL,
            aux: NIL,
            body: Body::Bucket { count: 0 },
        }
    }
}

#[derive(Clone)]
pub(crate) struct Store<V> {
    policy: Policy,
    nodes: Slab<Node<V>>,
    /// Entries (the nodes that are not buckets or the root).
    len: usize,
    index: Index,
    /// Deadline per node; empty until an entry first has one, then at least
    /// as long as the highest node with one.
    deadlines: Vec<u64>,
    /// `(deadline, node)` of every entry that has a deadline.
    expiry: BTreeSet<(u64, u32)>,
}

impl<V> Store<V> {
    pub(crate) fn new(policy: Policy) -> Self {
        let mut nodes = Slab::new();
        let root = nodes.insert(Node {
            prev: ROOT,
            next: ROOT,
            up: ROOT,
            aux: ROOT,
            body: Body::Bucket { count: 0 },
        });
        debug_assert_eq!(root, ROOT);
        Store {
            policy,
            nodes,
            len: 0,
            index: Index::default(),
            deadlines: Vec::new(),
            expiry: BTreeSet::new(),
        }
    }

    pub(crate) fn policy(&self) -> Policy {
        self.policy
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    #[cfg(test)]
    pub(crate) fn contains(&self, key: &Key) -> bool {
        self.find(key).is_some()
    }

    /// The node holding `key`.
    #[inline]
    pub(crate) fn find(&self, key: &Key) -> Option<u32> {
        self.index.find(
            tag_of(key),
            |node| matches!(&self.nodes.get(node).body, Body::Entry { key: k, .. } if k == key),
        )
    }

    /// The value of an entry found by [`find`](Store::find).
    #[inline]
    pub(crate) fn value(&self, node: u32) -> Option<&V> {
        match &self.nodes.get(node).body {
            Body::Entry { value, .. } => Some(value),
            Body::Bucket { .. } => None,
        }
    }

    /// The deadline of an entry (`NEVER` if none).
    #[inline]
    pub(crate) fn deadline(&self, node: u32) -> u64 {
        self.deadlines.get(node as usize).copied().unwrap_or(NEVER)
    }

    /// Adds an entry known to be absent, as the most recent at count 1.
    /// The caller makes room first, so the new entry is never a victim.
    pub(crate) fn insert_new(&mut self, key: Key, value: V, deadline: u64) {
        debug_assert!(self.find(&key).is_none());
        let tag = tag_of(&key);
        let first = self.nodes.get(ROOT).up;
        let bucket = if self.count(first) == 1 {
            first
        } else {
            self.new_bucket_after(ROOT, 1)
        };
        let node = self.nodes.insert(Node {
            prev: NIL,
            next: NIL,
            up: bucket,
            aux: tag,
            body: Body::Entry { key, value },
        });
        self.link_tail(bucket, node);
        self.index.insert(tag, node);
        self.len += 1;
        if deadline != NEVER {
            let needed = self.nodes.capacity_used();
            if self.deadlines.len() < needed {
                self.deadlines.resize(needed, NEVER);
            }
            self.deadlines[node as usize] = deadline;
            self.expiry.insert((deadline, node));
        }
    }

    pub(crate) fn remove(&mut self, key: &Key) -> Option<(Key, V)> {
        let node = self.find(key)?;
        self.remove_node(node)
    }

    /// Takes an entry out of the policy lists, the index and the expiry set.
    pub(crate) fn remove_node(&mut self, node: u32) -> Option<(Key, V)> {
        if !matches!(self.nodes.get(node).body, Body::Entry { .. }) {
            return None;
        }
        let bucket = self.nodes.get(node).up;
        self.unlink(node);
        if self.nodes.get(bucket).next == bucket {
            self.remove_bucket(bucket);
        }
        let taken = self.nodes.remove(node, Node::vacant());
        self.len -= 1;
        self.index.remove(taken.aux, node);
        if let Some(deadline) = self.deadlines.get_mut(node as usize) {
            if *deadline != NEVER {
                self.expiry.remove(&(*deadline, node));
                *deadline = NEVER;
            }
        }
        match taken.body {
            Body::Entry { key, value } => Some((key, value)),
            Body::Bucket { .. } => None,
        }
    }

    pub(crate) fn pop_victim(&mut self) -> Option<(Key, V)> {
        let first = self.nodes.get(ROOT).up;
        if first == ROOT {
            return None;
        }
        self.remove_node(self.nodes.get(first).next)
    }

    /// Whether any entry has a deadline.
    #[inline]
    pub(crate) fn has_deadlines(&self) -> bool {
        !self.expiry.is_empty()
    }

    /// True when some entry's deadline has passed at `now`.
    pub(crate) fn any_expired(&self, now: u64) -> bool {
        self.expiry.first().is_some_and(|&(d, _)| d <= now)
    }

    /// Takes out one entry whose deadline has passed at `now` (earliest
    /// deadline first), if any.
    pub(crate) fn pop_expired(&mut self, now: u64) -> Option<(Key, V)> {
        let &(deadline, node) = self.expiry.first()?;
        if deadline > now {
            return None;
        }
        self.remove_node(node)
    }

    /// Keys (and values) in victim order: the next victim first.
    pub(crate) fn victim_order(&self) -> impl Iterator<Item = (&Key, &V)> {
        let mut bucket = self.nodes.get(ROOT).up;
        let mut node = if bucket == ROOT {
            ROOT
        } else {
            self.nodes.get(bucket).next
        };
        std::iter::from_fn(move || {
            while node == bucket {
                if bucket == ROOT {
                    return None;
                }
                bucket = self.nodes.get(bucket).up;
                node = self.nodes.get(bucket).next;
            }
            let n = self.nodes.get(node);
            node = n.next;
            match &n.body {
                Body::Entry { key, value } => Some((key, value)),
                Body::Bucket { .. } => None,
            }
        })
    }

    /// Empties the store, returning every entry so the caller can drop the
    /// values after releasing its lock.
    pub(crate) fn take_all(&mut self) -> Vec<(Key, V)> {
        let policy = self.policy;
        let nodes = std::mem::replace(self, Store::new(policy)).nodes.take_all();
        nodes
            .into_iter()
            .filter_map(|n| match n.body {
                Body::Entry { key, value } => Some((key, value)),
                Body::Bucket { .. } => None,
            })
            .collect()
    }

    /// Records an access: LRU moves the entry to the tail of its bucket;
    /// LFU moves it to the tail of the bucket for count + 1.
    #[inline]
    pub(crate) fn promote(&mut self, node: u32) {
        let bucket = self.nodes.get(node).up;
        if self.policy == Policy::Lru {
            self.move_to_tail(bucket, node);
            return;
        }
        let count = self.count(bucket);
        if count == u64::MAX {
            // Saturated: stay, as the most recent of this count.
            self.move_to_tail(bucket, node);
            return;
        }
        let (prev, next_entry) = {
            let n = self.nodes.get(node);
            (n.prev, n.next)
        };
        let after = self.nodes.get(bucket).up;
        let alone = (prev == bucket) & (next_entry == bucket);
        if self.count(after) == count + 1 {
            // Join the next bucket; drop our own if it empties.
            self.unlink(node);
            self.link_tail(after, node);
            if alone {
                self.remove_bucket(bucket);
            }
        } else if alone {
            // Moving to a new bucket right after its own would leave the
            // order as renumbering does (the next count is higher).
            self.set_count(bucket, count + 1);
        } else {
            let target = self.new_bucket_after(bucket, count + 1);
            self.unlink(node);
            self.link_tail(target, node);
        }
    }

    #[inline]
    fn count(&self, bucket: u32) -> u64 {
        match self.nodes.get(bucket).body {
            Body::Bucket { count } => count,
            Body::Entry { .. } => 0,
        }
    }

    #[inline]
    fn set_count(&mut self, bucket: u32, to: u64) {
        if let Body::Bucket { count } = &mut self.nodes.get_mut(bucket).body {
            *count = to;
        }
    }

    /// Moves an entry to the tail of its own bucket (a no-op for the tail).
    #[inline]
    fn move_to_tail(&mut self, bucket: u32, node: u32) {
        self.unlink(node);
        self.link_tail(bucket, node);
    }

    /// Takes an entry out of its bucket's list (its own links go stale).
    #[inline]
    fn unlink(&mut self, node: u32) {
        let (prev, next) = {
            let n = self.nodes.get(node);
            (n.prev, n.next)
        };
        self.nodes.get_mut(prev).next = next;
        self.nodes.get_mut(next).prev = prev;
    }

    /// Appends an entry to a bucket's list, as its most recent.
    #[inline]
    fn link_tail(&mut self, bucket: u32, node: u32) {
        let tail = self.nodes.get(bucket).prev;
        self.nodes.get_mut(tail).next = node;
        let n = self.nodes.get_mut(node);
        n.prev = tail;
        n.next = bucket;
        n.up = bucket;
        self.nodes.get_mut(bucket).prev = node;
    }

    /// Creates an empty bucket after `after` (a bucket or the root).
    #[inline]
    fn new_bucket_after(&mut self, after: u32, count: u64) -> u32 {
        let next = self.nodes.get(after).up;
        let bucket = self.nodes.insert(Node {
            prev: NIL,
            next: NIL,
            up: next,
            aux: after,
            body: Body::Bucket { count },
        });
        let b = self.nodes.get_mut(bucket);
        b.prev = bucket;
        b.next = bucket;
        self.nodes.get_mut(after).up = bucket;
        self.nodes.get_mut(next).aux = bucket;
        bucket
    }

    /// Drops an empty bucket from the bucket list and frees its node.
    #[inline]
    fn remove_bucket(&mut self, bucket: u32) {
        let (prev, next) = {
            let b = self.nodes.get(bucket);
            (b.aux, b.up)
        };
        self.nodes.get_mut(prev).up = next;
        self.nodes.get_mut(next).aux = prev;
        // A free slot: a bucket with count 0, linked nowhere.
        self.set_count(bucket, 0);
        self.nodes.release(bucket);
    }

    /// Asserts every invariant listed in the module docs.
    #[cfg(test)]
    pub(crate) fn validate(&self) {
        let root = self.nodes.get(ROOT);
        assert!(matches!(root.body, Body::Bucket { count: 0 }), "root");
        assert!(
            root.next == ROOT && root.prev == ROOT,
            "the root holds no entries"
        );
        let mut entries = 0usize;
        let mut buckets = 0usize;
        let mut with_deadline = 0usize;
        let mut prev_bucket = ROOT;
        let mut last_count = 0u64;
        let mut bucket = root.up;
        while bucket != ROOT {
            let b = self.nodes.get(bucket);
            assert!(!self.nodes.is_free(bucket), "bucket in a free slot");
            assert_eq!(b.aux, prev_bucket, "bucket back link");
            let count = self.count(bucket);
            assert!(matches!(b.body, Body::Bucket { .. }), "bucket node");
            assert!(count > last_count, "bucket counts increase from 1");
            assert!(b.next != bucket, "no empty bucket");
            last_count = count;
            let mut prev = bucket;
            let mut node = b.next;
            while node != bucket {
                let e = self.nodes.get(node);
                assert!(!self.nodes.is_free(node), "entry in a free slot");
                let Body::Entry { key, .. } = &e.body else {
                    panic!("a bucket inside a bucket's list");
                };
                assert_eq!(e.prev, prev, "entry back link");
                assert_eq!(e.up, bucket, "entry points up at its bucket");
                assert_eq!(e.aux, tag_of(key), "entry keeps its key's tag");
                assert_eq!(self.find(key), Some(node), "index finds the entry");
                let deadline = self.deadline(node);
                if deadline != NEVER {
                    with_deadline += 1;
                    assert!(self.expiry.contains(&(deadline, node)), "expiry set");
                }
                entries += 1;
                prev = node;
                node = e.next;
            }
            assert_eq!(b.prev, prev, "bucket tail");
            buckets += 1;
            prev_bucket = bucket;
            bucket = b.up;
        }
        assert_eq!(root.aux, prev_bucket, "root back link");
        assert_eq!(entries, self.len, "every entry is in a bucket");
        assert_eq!(entries, self.index.len(), "index size");
        assert_eq!(
            entries + buckets + 1,
            self.nodes.len(),
            "every occupied slot is linked"
        );
        for (tag, node) in self.index.cells() {
            let Body::Entry { key, .. } = &self.nodes.get(node).body else {
                panic!("index points at a non-entry");
            };
            assert_eq!(tag, tag_of(key), "index tag");
        }
        assert_eq!(with_deadline, self.expiry.len(), "expiry set size");
        for &(deadline, node) in &self.expiry {
            assert_eq!(self.deadline(node), deadline, "expiry set deadline");
        }
        for (node, &deadline) in self.deadlines.iter().enumerate() {
            if self.nodes.is_free(node as u32) {
                assert_eq!(deadline, NEVER, "free slots have no deadline");
            }
        }
        if self.policy == Policy::Lru {
            assert!(buckets <= 1, "LRU keeps one bucket");
            if buckets == 1 {
                assert_eq!(self.count(root.up), 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Kind, Params};

    fn key(i: usize) -> Key {
        Key::new(
            Kind::Client,
            "s3",
            &Params::new().with("profile_name", format!("p{i}")),
        )
        .unwrap()
    }

    fn get(store: &mut Store<usize>, key: &Key) -> Option<usize> {
        let node = store.find(key)?;
        store.promote(node);
        store.value(node).copied()
    }

    fn order(store: &Store<usize>) -> Vec<usize> {
        store.victim_order().map(|(_, v)| *v).collect()
    }

    /// Random operations with the invariants checked after each one; some
    /// entries have deadlines, and time moves.
    fn churn(policy: Policy) {
        let keys: Vec<Key> = (0..16).map(key).collect();
        let mut store: Store<usize> = Store::new(policy);
        let mut now = 0u64;
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for step in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let key = &keys[(state % 16) as usize];
            match (state >> 8) % 7 {
                0 | 1 => {
                    if !store.contains(key) {
                        if store.len() >= 6 {
                            store.pop_victim();
                        }
                        let deadline = if (state >> 16) % 3 == 0 {
                            now + (state >> 20) % 8
                        } else {
                            NEVER
                        };
                        store.insert_new(key.clone(), step, deadline);
                    }
                }
                2 | 3 => {
                    get(&mut store, key);
                }
                4 => {
                    store.remove(key);
                }
                5 => {
                    now += (state >> 24) % 3;
                    while let Some((_, _)) = store.pop_expired(now) {}
                    assert!(!store.any_expired(now));
                }
                _ => {
                    let live: Vec<usize> = order(&store);
                    assert_eq!(live.len(), store.len());
                }
            }
            store.validate();
            assert!(store.len() <= 6);
        }
        let copy = store.clone();
        copy.validate();
        assert_eq!(order(&copy), order(&store));
        let all = store.take_all();
        assert!(all.len() <= 6);
        store.validate();
        assert_eq!(store.len(), 0);
        assert!(!store.has_deadlines());
        store.insert_new(keys[0].clone(), 1, NEVER);
        store.validate();
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
        let mut store: Store<usize> = Store::new(Policy::Lfu);
        for i in 0..4 {
            store.insert_new(key(i), i, NEVER);
        }
        get(&mut store, &key(0)); // 0: count 2
        get(&mut store, &key(2)); // 2: count 2, more recent than 0
        assert_eq!(order(&store), vec![1, 3, 0, 2]);
        get(&mut store, &key(0)); // 0: count 3, alone: its bucket renumbered
        assert_eq!(order(&store), vec![1, 3, 2, 0]);
        get(&mut store, &key(2)); // 2: joins 0 at count 3, its bucket goes
        assert_eq!(order(&store), vec![1, 3, 0, 2]);
        get(&mut store, &key(1)); // 1: count 2, a new bucket between
        assert_eq!(order(&store), vec![3, 1, 0, 2]);
        store.validate();
        assert_eq!(store.pop_victim().map(|(_, v)| v), Some(3));
        store.insert_new(key(4), 4, NEVER); // count 1 again: the next victim
        assert_eq!(order(&store), vec![4, 1, 0, 2]);
        store.validate();
    }

    #[test]
    fn lfu_count_saturates_as_most_recent() {
        let mut store: Store<usize> = Store::new(Policy::Lfu);
        for i in 0..3 {
            store.insert_new(key(i), i, NEVER);
            get(&mut store, &key(i));
        }
        // All three share count 2; push that bucket to the top count.
        let bucket = store.nodes.get(store.find(&key(0)).unwrap()).up;
        store.set_count(bucket, u64::MAX);
        get(&mut store, &key(0));
        assert_eq!(order(&store), vec![1, 2, 0]);
        get(&mut store, &key(1));
        assert_eq!(order(&store), vec![2, 0, 1]);
        store.validate();
    }

    #[test]
    fn deadlines_cost_nothing_until_used() {
        let mut store: Store<usize> = Store::new(Policy::Lru);
        for i in 0..8 {
            store.insert_new(key(i), i, NEVER);
        }
        assert!(store.deadlines.is_empty() && store.expiry.is_empty());
        store.insert_new(key(8), 8, 5);
        store.insert_new(key(9), 9, 3);
        assert!(!store.any_expired(2));
        assert!(store.any_expired(3));
        assert_eq!(store.pop_expired(4).map(|(_, v)| v), Some(9));
        assert_eq!(store.pop_expired(4).map(|(_, v)| v), None);
        assert_eq!(store.pop_expired(5).map(|(_, v)| v), Some(8));
        assert!(!store.has_deadlines());
        store.validate();
    }
}
