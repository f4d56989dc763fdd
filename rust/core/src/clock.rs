//! Time for expiry (docs/design.md, "Expiry"): a monotonic clock read as
//! nanoseconds since an arbitrary origin. The default is the coarse
//! monotonic clock (on Linux `CLOCK_MONOTONIC_COARSE`: a few nanoseconds per
//! read, ticking every few milliseconds), cheap enough to consult on every
//! `get` of a cache whose entries expire; tests and hosts can supply their
//! own.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A monotonic time source: nanoseconds since an arbitrary, fixed origin.
/// It must never go backwards.
pub trait Clock: Send + Sync {
    /// The current time in nanoseconds since the clock's origin.
    fn now_nanos(&self) -> u64;
}

/// The system's coarse monotonic clock (the default).
#[derive(Clone, Copy, Debug, Default)]
pub struct CoarseClock;

impl Clock for CoarseClock {
    #[inline]
    fn now_nanos(&self) -> u64 {
        // rustix reads it through the vDSO, like libc, without unsafe here.
        let now = rustix::time::clock_gettime(rustix::time::ClockId::MonotonicCoarse);
        let secs = u64::try_from(now.tv_sec).unwrap_or(0);
        let nanos = u64::try_from(now.tv_nsec).unwrap_or(0);
        secs.saturating_mul(1_000_000_000).saturating_add(nanos)
    }
}

/// A clock that moves only when told to: for tests of expiry without sleeps.
///
/// ```
/// use std::time::Duration;
/// use clientcache::{Clock, ManualClock};
/// let clock = ManualClock::new();
/// clock.advance(Duration::from_secs(2));
/// assert_eq!(clock.now_nanos(), 2_000_000_000);
/// ```
#[derive(Debug, Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    /// A clock at time zero.
    pub fn new() -> Arc<Self> {
        Arc::new(ManualClock(AtomicU64::new(0)))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        self.0.fetch_add(duration_nanos(by), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_nanos(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// The cache's clock: the default one without an indirect call, or a given one.
#[derive(Clone, Default)]
pub(crate) enum TimeSource {
    #[default]
    Coarse,
    Custom(Arc<dyn Clock>),
}

impl TimeSource {
    #[inline]
    pub(crate) fn now(&self) -> u64 {
        match self {
            TimeSource::Coarse => CoarseClock.now_nanos(),
            TimeSource::Custom(clock) => clock.now_nanos(),
        }
    }
}

impl fmt::Debug for TimeSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeSource::Coarse => f.write_str("CoarseClock"),
            TimeSource::Custom(_) => f.write_str("custom clock"),
        }
    }
}

/// A duration in nanoseconds, saturating (centuries count as "never").
pub(crate) fn duration_nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_coarse_clock_moves_forward_in_real_time() {
        let before = CoarseClock.now_nanos();
        std::thread::sleep(Duration::from_millis(30));
        let after = CoarseClock.now_nanos();
        // One coarse tick is a few milliseconds at most.
        assert!(after >= before + 20_000_000, "{before} -> {after}");
        assert!(after - before < 10_000_000_000);
    }
}
