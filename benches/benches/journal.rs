//! Journal append: orders applied through a journaled engine, fsync every 1,000 events.
#![expect(clippy::panic, reason = "benchmark set-up fails loudly")]

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use fmcg_benches::{order, world};
use fmcg_core::{FsyncPolicy, JournaledEngine};

const SKUS: usize = 1000;
const OUTLETS: usize = 200;
const BATCH: u64 = 2000;

fn journal_append(c: &mut Criterion) {
    let base = world(SKUS, 5, OUTLETS);
    let orders: Vec<_> = (0..BATCH).map(|k| order(k, SKUS, OUTLETS)).collect();
    // Events in the batch (each order and its reservation moves): the same every run.
    let mut probe = base.clone();
    let events: u64 = orders
        .iter()
        .map(|o| probe.apply(o.clone()).map_or(0, |x| x.events.len() as u64))
        .sum();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let mut round = 0u64;
    let mut g = c.benchmark_group("journal");
    g.sample_size(10);
    g.throughput(Throughput::Elements(events));
    g.bench_function("append/2000_orders_fsync_every_1000_events", |b| {
        b.iter_batched(
            || {
                // A fresh journal holding the world; not timed.
                round += 1;
                let path = dir.path().join(format!("j{round}"));
                let (mut j, _) = JournaledEngine::open(&path, FsyncPolicy::EveryEvents(1000))
                    .unwrap_or_else(|e| panic!("open: {e}"));
                for c in base.commits() {
                    j.apply(c.envelope.clone())
                        .unwrap_or_else(|e| panic!("set-up: {e}"));
                }
                j.sync().unwrap_or_else(|e| panic!("sync: {e}"));
                (j, orders.clone())
            },
            |(mut j, orders)| {
                for env in orders {
                    j.apply(env).unwrap_or_else(|e| panic!("order: {e}"));
                }
                j.sync().unwrap_or_else(|e| panic!("sync: {e}"));
                j
            },
            BatchSize::PerIteration,
        );
    });
    g.finish();
}

criterion_group!(benches, journal_append);
criterion_main!(benches);
