//! Sync: a push of 1,000 offline commands, a pull of 10,000 events, and a rep's scoped
//! snapshot (300 outlets, 500 SKUs) built, encoded and bootstrapped into a replica.
#![expect(clippy::panic, reason = "benchmark set-up fails loudly")]

use chrono::{DateTime, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fmcg_core::sync::{ClientReplica, PullRequest, PushRequest};
use fmcg_core::{Engine, StaffId};

fn now() -> DateTime<Utc> {
    "2026-03-02T03:00:00Z"
        .parse()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn sync(c: &mut Criterion) {
    let rep: StaffId = "rep".parse().unwrap_or_else(|e| panic!("{e}"));
    // 500 SKUs × 2 lots, 300 outlets of the rep.
    let world = fmcg_benches::world(500, 2, 300);
    let commands: Vec<_> = (0..1000)
        .map(|k| fmcg_benches::order(k, 500, 300))
        .collect();
    let request = PushRequest {
        device_id: "phone".parse().unwrap_or_else(|e| panic!("{e}")),
        device_now: Some(now()),
        commands,
    };
    let mut g = c.benchmark_group("sync");
    g.sample_size(10);
    g.throughput(Throughput::Elements(1000));
    g.bench_function("push/1000_offline_orders", |b| {
        b.iter_batched(
            || world.clone(),
            |mut e: Engine| {
                e.push(&rep, request.clone(), now())
                    .unwrap_or_else(|e| panic!("{e}"))
            },
            criterion::BatchSize::LargeInput,
        );
    });
    let mut served = world.clone();
    served
        .push(&rep, request.clone(), now())
        .unwrap_or_else(|e| panic!("{e}"));
    let since = world.last_seq();
    let events = served.last_seq() - since;
    let pull = PullRequest {
        since_seq: since,
        limit: 50_000,
    };
    assert!(events >= 10_000, "{events} events to pull");
    g.throughput(Throughput::Elements(events));
    g.bench_function("pull/10k_events", |b| {
        b.iter(|| served.pull(&rep, pull).unwrap_or_else(|e| panic!("{e}")));
    });
    // The bench world's rep also holds the warehouse and finance roles; the snapshot is
    // for a plain sales rep.
    let mut world = world;
    world
        .apply(fmcg_benches::envelope(
            "plain-rep",
            "admin",
            serde_json::json!({"type": "update_staff", "staff": {
                "id": "rep", "employee_no": "1", "name": "R", "roles": ["sales_rep"]}}),
        ))
        .unwrap_or_else(|e| panic!("{e}"));
    g.throughput(Throughput::Elements(1));
    g.bench_function("snapshot/rep_300_outlets_500_skus", |b| {
        b.iter(|| {
            let s = world
                .scoped_snapshot(&rep)
                .unwrap_or_else(|e| panic!("{e}"));
            serde_json::to_vec(&s).unwrap_or_else(|e| panic!("{e}"))
        });
    });
    let bytes = serde_json::to_vec(
        &world
            .scoped_snapshot(&rep)
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("scoped snapshot: {} bytes of JSON", bytes.len());
    if let Ok(path) = std::env::var("FMCG_SNAPSHOT_OUT") {
        std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    g.bench_function("bootstrap/rep_300_outlets_500_skus", |b| {
        b.iter(|| {
            let s = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
            ClientReplica::new(s, "phone".parse().unwrap_or_else(|e| panic!("{e}")))
                .unwrap_or_else(|e| panic!("{e}"))
        });
    });
    g.finish();
}

criterion_group!(benches, sync);
criterion_main!(benches);
