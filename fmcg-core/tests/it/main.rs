//! Integration tests of `fmcg-core`, one module per area, all through `support`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::needless_pass_by_value,
    missing_docs
)]

mod access;
mod bad_input;
mod contract;
mod field;
mod field_day;
mod field_props;
mod finance;
mod inventory;
mod journal;
mod orders;
mod props;
mod routing;
mod support;
mod sync;
mod sync_sim;
