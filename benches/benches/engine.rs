//! Command throughput: order submission (price, promote, FEFO-allocate 10 lines against
//! 1,000 SKUs × 5 lots) and payments, in memory.
#![expect(clippy::panic, reason = "benchmark set-up fails loudly")]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use fmcg_benches::{envelope, order, world};
use fmcg_core::{Engine, Envelope};
use serde_json::json;

const SKUS: usize = 1000;
const OUTLETS: usize = 200;
const BATCH: u64 = 5000;

/// Applies a batch of envelopes to a fresh copy of `base` per iteration; only the applies
/// are timed. Every command must be accepted, so the bench measures the real work.
fn bench_batch(c: &mut Criterion, name: &str, base: &Engine, batch: &[Envelope]) {
    let mut g = c.benchmark_group("engine");
    g.sample_size(20);
    g.throughput(Throughput::Elements(batch.len() as u64));
    g.bench_function(name, |b| {
        b.iter_batched(
            || (base.clone(), batch.to_vec()),
            |(mut engine, batch)| {
                for env in batch {
                    black_box(engine.apply(env).unwrap_or_else(|e| panic!("{name}: {e}")));
                }
                engine
            },
            BatchSize::PerIteration,
        );
    });
    g.finish();
}

fn submit_order(c: &mut Criterion) {
    let base = world(SKUS, 5, OUTLETS);
    let orders: Vec<_> = (0..BATCH).map(|k| order(k, SKUS, OUTLETS)).collect();
    bench_batch(c, "apply/submit_order_10_lines", &base, &orders);

    let json_orders: Vec<String> = orders
        .iter()
        .map(|e| serde_json::to_string(e).unwrap_or_else(|e| panic!("encode: {e}")))
        .collect();
    let mut g = c.benchmark_group("engine");
    g.sample_size(20);
    g.throughput(Throughput::Elements(BATCH));
    g.bench_function("apply_json/submit_order_10_lines", |b| {
        b.iter_batched(
            || base.clone(),
            |mut engine| {
                for j in &json_orders {
                    black_box(engine.apply_json(j).unwrap_or_else(|e| panic!("json: {e}")));
                }
                engine
            },
            BatchSize::PerIteration,
        );
    });
    g.finish();
}

fn record_payment(c: &mut Criterion) {
    let mut base = world(10, 1, OUTLETS);
    for i in 0..OUTLETS * 5 {
        let cmd = json!({"type": "issue_invoice", "invoice_id": format!("I{i}"), "outlet": format!("O{}", i % OUTLETS),
            "amount": "1000.00", "issue_date": format!("2026-02-{:02}", 1 + i % 28)});
        base.apply(envelope(&format!("inv-{i}"), "rep", cmd))
            .unwrap_or_else(|e| panic!("invoice: {e}"));
    }
    let payments: Vec<_> = (0..BATCH)
        .map(|k| {
            envelope(
                &format!("pay-{k}"),
                "rep",
                json!({"type": "record_payment", "payment_id": format!("P{k}"),
                "outlet": format!("O{}", k % OUTLETS as u64), "amount": "37.50", "method": "cash"}),
            )
        })
        .collect();
    bench_batch(c, "apply/record_payment", &base, &payments);
}

criterion_group!(benches, submit_order, record_payment);
criterion_main!(benches);
