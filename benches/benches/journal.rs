//! Journal append: orders applied through a journaled engine, fsync every 1,000 events.
#![expect(clippy::panic, reason = "benchmark set-up fails loudly")]

use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fmcg_benches::{order, world};
use fmcg_core::{FsyncPolicy, JournaledEngine};

const SKUS: usize = 1000;
const OUTLETS: usize = 200;

fn journal_append(c: &mut Criterion) {
    let base = world(SKUS, 5, OUTLETS);
    let orders: Vec<_> = (0..5000).map(|k| order(k, SKUS, OUTLETS)).collect();
    // Events per order: the order plus its reservation moves, the same for every run.
    let mut probe = base.clone();
    let events: u64 = orders
        .iter()
        .map(|o| probe.apply(o.clone()).map_or(0, |x| x.events.len() as u64))
        .sum();
    let mut g = c.benchmark_group("journal");
    g.throughput(Throughput::Elements(events / orders.len() as u64));
    g.bench_function("append/order_fsync_every_1000_events", |b| {
        b.iter_custom(|iters| {
            let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
            let mut total = Duration::ZERO;
            let mut done = 0u64;
            let mut round = 0;
            while done < iters {
                round += 1;
                let path = dir.path().join(format!("j{round}"));
                let (mut j, _) = JournaledEngine::open(&path, FsyncPolicy::EveryEvents(1000))
                    .unwrap_or_else(|e| panic!("open: {e}"));
                for c in base.commits() {
                    j.apply(c.envelope.clone()).ok();
                }
                let batch = (iters - done).min(orders.len() as u64) as usize;
                let start = Instant::now();
                for env in &orders[..batch] {
                    j.apply(env.clone()).ok();
                }
                j.sync().ok();
                total += start.elapsed();
                done += batch as u64;
            }
            total
        });
    });
    g.finish();
}

criterion_group!(benches, journal_append);
criterion_main!(benches);
