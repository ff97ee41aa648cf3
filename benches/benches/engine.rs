//! Command throughput: order submission (price, promote, FEFO-allocate 10 lines against
//! 1,000 SKUs × 5 lots) and payments.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use fmcg_benches::{envelope, order, world};
use serde_json::json;

const SKUS: usize = 1000;
const OUTLETS: usize = 200;

fn submit_order(c: &mut Criterion) {
    let base = world(SKUS, 5, OUTLETS);
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(1));
    // Pre-build the envelopes: the bench measures `apply`, not JSON generation.
    let orders: Vec<_> = (0..20_000).map(|k| order(k, SKUS, OUTLETS)).collect();
    g.bench_function("apply/submit_order_10_lines", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut done = 0u64;
            while done < iters {
                let mut engine = base.clone();
                let batch = (iters - done).min(orders.len() as u64) as usize;
                let start = Instant::now();
                for env in &orders[..batch] {
                    black_box(engine.apply(env.clone()).ok());
                }
                total += start.elapsed();
                done += batch as u64;
            }
            total
        });
    });
    let json_orders: Vec<String> = orders
        .iter()
        .take(2000)
        .map(|e| serde_json::to_string(e).unwrap_or_default())
        .collect();
    g.bench_function("apply_json/submit_order_10_lines", |b| {
        b.iter_batched(
            || base.clone(),
            |mut engine| {
                for j in &json_orders {
                    black_box(engine.apply_json(j).ok());
                }
            },
            BatchSize::LargeInput,
        );
    });
    g.finish();
}

fn record_payment(c: &mut Criterion) {
    let mut base = world(10, 1, OUTLETS);
    for i in 0..OUTLETS * 5 {
        let cmd = json!({"type": "issue_invoice", "invoice_id": format!("I{i}"), "outlet": format!("O{}", i % OUTLETS),
            "amount": "1000.00", "issue_date": format!("2026-02-{:02}", 1 + i % 28)});
        base.apply(envelope(&format!("inv-{i}"), "rep", cmd)).ok();
    }
    let payments: Vec<_> = (0..20_000)
        .map(|k| {
            envelope(
                &format!("pay-{k}"),
                "rep",
                json!({"type": "record_payment", "payment_id": format!("P{k}"),
                "outlet": format!("O{}", k % OUTLETS), "amount": "37.50", "method": "cash"}),
            )
        })
        .collect();
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(1));
    g.bench_function("apply/record_payment", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut done = 0u64;
            while done < iters {
                let mut engine = base.clone();
                let batch = (iters - done).min(payments.len() as u64) as usize;
                let start = Instant::now();
                for env in &payments[..batch] {
                    black_box(engine.apply(env.clone()).ok());
                }
                total += start.elapsed();
                done += batch as u64;
            }
            total
        });
    });
    g.finish();
}

criterion_group!(benches, submit_order, record_payment);
criterion_main!(benches);
