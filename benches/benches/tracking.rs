//! GPS ingestion: a million fixes validated, filtered (accuracy, impossible jumps), with
//! distance and stays — the core function, and the same batch through the engine.
#![expect(clippy::panic, reason = "benchmark set-up fails loudly")]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fmcg_core::tracking::{TrackSettings, ingest};
use fmcg_core::{Command, Engine};

const N: usize = 1_000_000;

fn tracking(c: &mut Criterion) {
    let fixes = fmcg_benches::gps_fixes(N);
    let settings = TrackSettings::default();
    let mut g = c.benchmark_group("tracking");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("ingest/1m_fixes", |b| {
        b.iter(|| ingest(&fixes, None, &settings).unwrap_or_else(|e| panic!("{e}")));
    });
    let world = fmcg_benches::world(1, 1, 1);
    let mut env = fmcg_benches::envelope("fixes", "rep", serde_json::json!({"type": "start_day"}));
    env.command = Command::IngestFixes {
        staff: None,
        fixes: fixes.clone(),
    };
    g.bench_function("engine_apply/ingest_fixes_1m", |b| {
        b.iter_batched(
            || world.clone(),
            |mut e: Engine| e.apply(env.clone()).unwrap_or_else(|e| panic!("{e}")),
            criterion::BatchSize::LargeInput,
        );
    });
    g.finish();
}

criterion_group!(benches, tracking);
criterion_main!(benches);
