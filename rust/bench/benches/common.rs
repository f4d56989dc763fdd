//! Criterion settings shared by the bench binaries: short runs, so that
//! `make bench-rust` stays within a few minutes on a 2-core machine.

use std::time::Duration;

use criterion::Criterion;

pub fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1200))
        .sample_size(20)
        .configure_from_args()
}
