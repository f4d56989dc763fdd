//! Options that are objects rather than data (a credentials provider) are
//! identified by instance: `"instance:<n>"` in the key, where `n` is given
//! to an object the first time this process sees it (docs/identity.md,
//! "Objects are identified by instance").

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, Weak};

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};

/// The next instance number. Numbers are handed out once each and never
/// again (a `u64` does not wrap in any realistic process lifetime).
static NEXT: AtomicU64 = AtomicU64::new(1);

/// The live providers: the address of the provider object (inside its
/// `Arc`) → the entry that numbers it.
static LIVE: LazyLock<Mutex<HashMap<usize, Weak<Provider>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// A credentials provider held by [`ClientParams`](crate::ClientParams),
/// with its instance number.
///
/// Why two different objects can never get the same number, and one object
/// held by params keeps one number:
///
/// - a number comes from [`NEXT`], a counter that only increases: two
///   entries created at different times never share one;
/// - an entry is found again only by the address of the provider object,
///   and the entry itself holds a strong reference to that object, so while
///   an entry is alive nothing else can be allocated at that address;
/// - the table stores `Weak` references; when the last params holding an
///   entry drop it, the entry removes its address from the table (unless a
///   newer entry for the same object has already replaced it), before its
///   reference to the provider is released, so a later object allocated at
///   the same address finds no entry and gets a fresh number.
///
/// Consequence: the same provider object keeps its number while any params,
/// a session's defaults or a cache entry built with it hold its entry; once
/// nothing holds it, passing it again gives it a new number (a new key, so
/// one more client build), never an old number of another object.
pub(crate) struct Provider {
    provider: SharedCredentialsProvider,
    id: u64,
    address: usize,
}

fn address_of(provider: &SharedCredentialsProvider) -> usize {
    let object: &dyn ProvideCredentials = provider.as_ref();
    (object as *const dyn ProvideCredentials).cast::<()>() as usize
}

impl Provider {
    /// The entry for `provider`: the live one if this object already has
    /// one, else a new one with a new number.
    pub(crate) fn of(provider: SharedCredentialsProvider) -> Arc<Provider> {
        let address = address_of(&provider);
        let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(existing) = live.get(&address).and_then(Weak::upgrade) {
            return existing;
        }
        let entry = Arc::new(Provider {
            provider,
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            address,
        });
        live.insert(address, Arc::downgrade(&entry));
        entry
    }

    /// The provider object.
    pub(crate) fn provider(&self) -> &SharedCredentialsProvider {
        &self.provider
    }

    /// `"instance:<n>"`, the value recorded in the key.
    pub(crate) fn key_value(&self) -> String {
        format!("instance:{}", self.id)
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
        // Our own Weak is dead by now; a live one belongs to a newer entry
        // for the same object and must stay.
        if live
            .get(&self.address)
            .is_some_and(|w| w.strong_count() == 0)
        {
            live.remove(&self.address);
        }
    }
}

/// Never the provider's own `Debug`: a provider may print its access key id.
impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "instance:{}", self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::Credentials;

    fn provider() -> SharedCredentialsProvider {
        SharedCredentialsProvider::new(Credentials::new(
            "AKIDINSTANCE",
            "instance-secret",
            None,
            None,
            "test",
        ))
    }

    #[test]
    fn same_object_same_number_other_object_other_number() {
        let p = provider();
        let a = Provider::of(p.clone());
        let b = Provider::of(p.clone());
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(a.key_value(), b.key_value());
        let other = Provider::of(provider());
        assert_ne!(a.key_value(), other.key_value());
    }

    #[test]
    fn numbers_are_never_reused_after_release() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..100 {
            // A fresh object each time, possibly at a freed address.
            let entry = Provider::of(provider());
            assert!(seen.insert(entry.key_value()), "number reused");
        }
        let p = provider();
        let first = Provider::of(p.clone()).key_value();
        // Nothing held it in between: a new number, never an old one.
        let second = Provider::of(p).key_value();
        assert!(!seen.contains(&second));
        assert_ne!(first, second);
    }
}
