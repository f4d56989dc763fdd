//! A session cache's memo from call params to keys, so that a call site
//! that builds its [`ClientParams`] on every call does not pay for the
//! key (canonical form + SHA-256) on every hit.
//!
//! Exactness: a record is found only for params equal to the ones it was
//! made from in every field the key depends on
//! ([`ClientParams::same_identity`]); the session's defaults, which the key
//! also depends on, never change for the life of the memo (one memo per
//! cache of one session). The key itself is still looked up in the core
//! cache, which alone decides hits, expiry and eviction.
//!
//! Secrets: a record holds a copy of the params, clear credentials
//! included, so it lives exactly as long as the cache entry it was
//! registered with: the entry lists the records it owns and removes them
//! when it is dropped (after it left the cache and its last transient
//! handle went away), i.e. never after the client it holds.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};
use std::sync::{PoisonError, RwLock};

use clientcache::{Key, Kind};

use crate::ClientParams;

/// How many differently written params may map to one entry (e.g. the
/// region given by the call or taken from the session's defaults). More
/// shapes still work, through the key computation.
pub(crate) const MAX_SHAPES_PER_ENTRY: usize = 4;

struct Record {
    kind: Kind,
    service: &'static str,
    params: ClientParams,
    key: Key,
    /// The entry that owns this record (`Entry::id`).
    owner: u64,
}

/// What a memo look-up found: the key and the entry that owns its record.
pub(crate) struct Found {
    pub(crate) key: Key,
    pub(crate) owner: u64,
}

pub(crate) struct Memo {
    seed: u64,
    records: RwLock<HashMap<u64, Record, BuildHasherDefault<Prehashed>>>,
}

impl Memo {
    pub(crate) fn new() -> Self {
        Memo {
            seed: RandomState::new().hash_one(0x6d65_6d6f_u64),
            records: RwLock::new(HashMap::default()),
        }
    }

    /// The memo hash of a call: a seeded 64-bit hash, so that what the
    /// memo keeps of a secret once its record is gone (nothing: hashes
    /// leave with their records) is never more than a keyed digest.
    pub(crate) fn hash(&self, kind: Kind, service: &str, params: &ClientParams) -> u64 {
        let mut h = FastHasher(self.seed);
        h.write_u8(kind as u8);
        h.write(service.as_bytes());
        params.hash_identity(&mut h);
        h.finish()
    }

    /// The key of a call whose params equal a record's.
    pub(crate) fn get(
        &self,
        hash: u64,
        kind: Kind,
        service: &str,
        params: &ClientParams,
    ) -> Option<Found> {
        let records = self.records.read().unwrap_or_else(PoisonError::into_inner);
        let record = records.get(&hash)?;
        (record.kind == kind && record.service == service && record.params.same_identity(params))
            .then(|| Found {
                key: record.key.clone(),
                owner: record.owner,
            })
    }

    /// Records `params` → `key` for the entry `owner`, which must remove
    /// it with [`forget`](Self::forget) when it is dropped. A record of
    /// another call under the same hash is replaced (its owner's
    /// `forget` then leaves this one alone).
    pub(crate) fn insert(
        &self,
        hash: u64,
        kind: Kind,
        service: &'static str,
        params: &ClientParams,
        key: &Key,
        owner: u64,
    ) {
        let record = Record {
            kind,
            service,
            params: params.snapshot(),
            key: key.clone(),
            owner,
        };
        let replaced = self
            .records
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(hash, record);
        // Dropped outside the lock (a credentials provider's drop takes a
        // lock of its own).
        drop(replaced);
    }

    /// Removes the record under `hash` if the entry `owner` owns it.
    pub(crate) fn forget(&self, hash: u64, owner: u64) {
        let mut records = self.records.write().unwrap_or_else(PoisonError::into_inner);
        let removed = match records.get(&hash) {
            Some(record) if record.owner == owner => records.remove(&hash),
            _ => None,
        };
        drop(records);
        drop(removed);
    }

    /// Live records (for tests: every one is owned by a live entry).
    pub(crate) fn len(&self) -> usize {
        self.records
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// The map's hasher: its keys are hashes already.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A fast word-at-a-time hasher (Fx-style multiply-rotate, with a final
/// avalanche): hashing the params of a call must cost a few nanoseconds.
/// Collisions only cost a memo miss, never a wrong key (records are
/// compared in full).
struct FastHasher(u64);

const K: u64 = 0x517c_c1b7_2722_0a95;

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        // The length tells "ab" + "" from "a" + "b".
        self.add(u64::from_le_bytes(word) ^ ((bytes.len() as u64) << 56));
    }
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn finish(&self) -> u64 {
        // murmur3's fmix64.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}
