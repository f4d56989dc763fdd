//! C ABI: in progress
